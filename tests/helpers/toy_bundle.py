"""A hand-built model bundle for testing the engine's mechanics (streaming, seams, no data).

Its models are not trained: the fine model says "cloud" where the mean reflectance of the
bands is bright, the coarse model pools brightness over each cell. That makes the right
answer easy to state in a test, while the files are real ONNX models read by onnxruntime
through the same code path as the trained bundle.
"""
from __future__ import annotations

import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BANDS = [
    {"name": "blue", "wavelength_nm": 490, "width_nm": 65},
    {"name": "green", "wavelength_nm": 560, "width_nm": 40},
    {"name": "red", "wavelength_nm": 665, "width_nm": 35},
    {"name": "nir", "wavelength_nm": 842, "width_nm": 115},
]
BRIGHT = 0.3     # mean reflectance above which the toy fine model calls a pixel cloud
SHARPNESS = 40.0


def save_onnx_graph(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def _fine_model(path, channels):
    # prob = sigmoid(SHARPNESS * (mean_c(x) - BRIGHT)), as a 1x1 convolution.
    weight = np.full((1, channels, 1, 1), SHARPNESS / channels, dtype=np.float32)
    bias = np.array([-SHARPNESS * BRIGHT], dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["image", "w", "b"], ["logit"]),
         helper.make_node("Sigmoid", ["logit"], ["cloud_prob"])],
        "toy_fine",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", channels, "h", "w"])],
        [helper.make_tensor_value_info("cloud_prob", TensorProto.FLOAT, ["n", 1, "h", "w"])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    save_onnx_graph(graph, path)


def _coarse_model(path, channels, stride):
    # Cell brightness b (mean over bands and the cell); logits for
    # [cloudless, overcast, partly_cloudy, nodata] = [k(0.15 - b), k(b - 0.6), 0, -10].
    k = SHARPNESS
    weight = np.zeros((4, channels, 1, 1), dtype=np.float32)
    weight[0, :, 0, 0] = -k / channels
    weight[1, :, 0, 0] = k / channels
    bias = np.array([k * 0.15, -k * 0.6, 0.0, -10.0], dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[stride, stride], strides=[stride, stride]),
         helper.make_node("Conv", ["pooled", "w", "b"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["class_prob"], axis=1)],
        "toy_coarse",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", channels, "h", "w"])],
        [helper.make_tensor_value_info("class_prob", TensorProto.FLOAT, ["n", 4, "gh", "gw"])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    save_onnx_graph(graph, path)


def make_toy_bundle(folder, downsample=2, stride=4, halo=4, min_confidence=0.9, bands=BANDS, **manifest_overrides):
    """Write a toy bundle (cell size ``downsample * stride``) into ``folder``; return its path."""
    folder = os.fspath(folder)
    os.makedirs(folder, exist_ok=True)
    _coarse_model(os.path.join(folder, "coarse.onnx"), len(bands), stride)
    _fine_model(os.path.join(folder, "fine.onnx"), len(bands))
    manifest = {
        "format": "cloud-mask-bundle",
        "format_version": 1,
        "name": "toy",
        "version": "0.0.1",
        "license": "CC0-1.0",
        "description": "hand-built test double: cloud = bright",
        "inputs": {"bands": bands, "units": "reflectance", "sensor_independent": False,
                   "normalization": {"applied_in_model": True}},
        "coarse": {"file": "coarse.onnx", "downsample": downsample, "stride": stride,
                   "classes": ["cloudless", "overcast", "partly_cloudy", "nodata"],
                   "input_name": "image", "output_name": "class_prob", "min_confidence": min_confidence},
        "fine": {"file": "fine.onnx", "halo": halo, "threshold": 0.5, "input_name": "image",
                 "output_name": "cloud_prob", "multiple": 1},
        "metrics": {},
    }
    manifest.update(manifest_overrides)
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    return folder


SI_BANDS = BANDS + [{"name": "swir16", "wavelength_nm": 1610, "width_nm": 90}]
VISIBLE_LIMIT_UM = 0.7


def _visible_mean_nodes(prefix):
    """Nodes computing the mean over the bands whose descriptor wavelength is visible
    (< 0.7 um): a toy use of the descriptors that shows whether they are fed right."""
    return [
        helper.make_node("Gather", ["band_descriptors", "zero"], [f"{prefix}wl"], axis=1),
        helper.make_node("Less", [f"{prefix}wl", "limit"], [f"{prefix}is_vis"]),
        helper.make_node("Cast", [f"{prefix}is_vis"], [f"{prefix}vis"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", [f"{prefix}vis", "shape"], [f"{prefix}vis4"]),
        helper.make_node("Mul", ["image", f"{prefix}vis4"], [f"{prefix}weighted"]),
        helper.make_node("ReduceSum", [f"{prefix}weighted", "axis1"], [f"{prefix}num"], keepdims=1),
        helper.make_node("ReduceSum", [f"{prefix}vis"], [f"{prefix}den"], keepdims=0),
        helper.make_node("Div", [f"{prefix}num", f"{prefix}den"], ["mean"]),
    ]


def _si_constants():
    return [
        numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
        numpy_helper.from_array(np.array(VISIBLE_LIMIT_UM, dtype=np.float32), "limit"),
        numpy_helper.from_array(np.array([1, -1, 1, 1], dtype=np.int64), "shape"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
    ]


def _si_inputs():
    return [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", "c", "h", "w"]),
            helper.make_tensor_value_info("band_descriptors", TensorProto.FLOAT, ["c", 2])]


def _si_fine_model(path):
    nodes = _visible_mean_nodes("") + [
        helper.make_node("Sub", ["mean", "bright"], ["centred"]),
        helper.make_node("Mul", ["centred", "sharp"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["cloud_prob"]),
    ]
    consts = _si_constants() + [numpy_helper.from_array(np.array(BRIGHT, np.float32), "bright"),
                                numpy_helper.from_array(np.array(SHARPNESS, np.float32), "sharp")]
    graph = helper.make_graph(nodes, "toy_si_fine", _si_inputs(),
                              [helper.make_tensor_value_info("cloud_prob", TensorProto.FLOAT, ["n", 1, "h", "w"])],
                              consts)
    save_onnx_graph(graph, path)


def _si_coarse_model(path, stride):
    k = SHARPNESS
    weight = np.array([-k, k, 0.0, 0.0], dtype=np.float32).reshape(4, 1, 1, 1)
    bias = np.array([k * 0.15, -k * 0.6, 0.0, -10.0], dtype=np.float32)
    nodes = _visible_mean_nodes("") + [
        helper.make_node("AveragePool", ["mean"], ["pooled"], kernel_shape=[stride, stride], strides=[stride, stride]),
        helper.make_node("Conv", ["pooled", "w", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["class_prob"], axis=1),
    ]
    consts = _si_constants() + [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")]
    graph = helper.make_graph(nodes, "toy_si_coarse", _si_inputs(),
                              [helper.make_tensor_value_info("class_prob", TensorProto.FLOAT, ["n", 4, "gh", "gw"])],
                              consts)
    save_onnx_graph(graph, path)


def make_toy_si_bundle(folder, downsample=2, stride=4, halo=4, required=("blue", "green", "red")):
    """A toy sensor-independent bundle: cloud = bright in the visible bands, whichever are fed."""
    folder = make_toy_bundle(folder, downsample, stride, halo, min_confidence=0.9, bands=SI_BANDS, name="toy-si")
    _si_coarse_model(os.path.join(folder, "coarse.onnx"), stride)
    _si_fine_model(os.path.join(folder, "fine.onnx"))
    path = os.path.join(folder, "manifest.json")
    manifest = json.load(open(path))
    manifest["inputs"].update(sensor_independent=True, required_bands=list(required))
    json.dump(manifest, open(path, "w"), indent=2)
    return folder


SWIR_BANDS = BANDS + [{"name": "swir16", "wavelength_nm": 1610, "width_nm": 90},
                      {"name": "swir22", "wavelength_nm": 2200, "width_nm": 180}]


def make_toy_band_path_bundle(folder, downsample=2, stride=4, halo=4):
    """A toy bundle of two band paths, as the default bundle has: ``swir`` (blue, green, red,
    nir, swir16, swir22) first, then ``rgbn``. Each path's toy model calls bright cloud, by
    the mean of its own bands, so dark SWIR under bright visible bands (snow) is clear on the
    SWIR path and cloud on the other."""
    folder = os.fspath(folder)
    make_toy_bundle(os.path.join(folder, "swir"), downsample, stride, halo, bands=SWIR_BANDS, name="toy-swir")
    make_toy_bundle(os.path.join(folder, "rgbn"), downsample, stride, halo, name="toy-rgbn")
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump({"format": "cloud-mask-bundle", "format_version": 1, "name": "toy-paths", "version": "0.0.2",
                   "license": "CC0-1.0", "description": "two toy band paths", "band_paths": ["swir", "rgbn"]}, f)
    return folder

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


def _save(graph, path):
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
    _save(graph, path)


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
    _save(graph, path)


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

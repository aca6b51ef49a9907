"""Export trained models as a model bundle: ``coarse.onnx``, ``fine.onnx`` and ``manifest.json``.

The ONNX graphs take reflectance in the manifest's band order and contain the
normalisation; the coarse graph ends in a softmax over the four classes, the fine graph
in a sigmoid. Height, width and batch are dynamic (height and width multiples of 16).
The manifest follows ``cloud_mask_plugin/core/bundle.py``; ``check_bundle`` reads the
result back with ``load_bundle`` and runs both graphs once through onnxruntime.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import warnings
from typing import Dict, Optional

import numpy as np
import onnx
import torch
import torch.nn as nn

from cloud_mask_plugin.core.bands import COMMON_BANDS
from cloud_mask_plugin.core.bundle import BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, COARSE_CLASSES, load_bundle

from .config import TrainConfig
from .models import AtLowerResolution, CoarseNet, FineNet

OPSET = 17


class _WithActivation(nn.Module):
    def __init__(self, model: nn.Module, activation: nn.Module):
        super().__init__()
        self.model, self.activation = model, activation

    def forward(self, image):
        return self.activation(self.model(image))


def _export_onnx(model: nn.Module, path: str, in_channels: int, output_name: str, example_size: int,
                 metadata: Dict[str, str]):
    model = model.eval()
    example = torch.rand(1, in_channels, example_size, example_size)
    with warnings.catch_warnings():
        # The TorchScript exporter is the one with plain dynamic_axes; its deprecation
        # notice is not actionable here.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example,), path, dynamo=False, opset_version=OPSET,
            input_names=["image"], output_names=[output_name],
            dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"},
                          output_name: {0: "batch", 2: "out_height", 3: "out_width"}},
            do_constant_folding=True,
        )
    stamp_metadata(path, metadata)


def stamp_metadata(path: str, metadata: dict):
    """Replace the ONNX file's metadata_props with ``metadata`` (model name, version...),
    so the model says what it is even without its manifest; then check the file."""
    proto = onnx.load(path)
    del proto.metadata_props[:]
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


def build_manifest(cfg: TrainConfig, normalization: Dict[str, list], metrics: Optional[dict],
                   training_info: dict) -> dict:
    g = cfg.geometry
    training_data = []
    for entry in cfg.train_sources + cfg.clear_sources:
        item = {"name": entry["name"], "title": entry.get("title", entry["kind"]), "license": entry.get("license", "")}
        if entry.get("url"):
            item["url"] = entry["url"]
        if item not in training_data:
            training_data.append(item)
    return {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "name": cfg.bundle.name,
        "version": cfg.bundle.version,
        "license": cfg.bundle.license,
        "description": cfg.bundle.description,
        "training_data": training_data,
        "inputs": {
            "bands": [COMMON_BANDS[b].as_dict() for b in cfg.bands],
            "units": "reflectance",
            "dtype": "float32",
            "layout": "NCHW",
            "nodata_fill": 0.0,
            "sensor_independent": False,
            "normalization": {
                "type": "standardize",
                "mean": [round(float(m), 6) for m in normalization["mean"]],
                "std": [round(float(s), 6) for s in normalization["std"]],
                "applied_in_model": True,
            },
        },
        "coarse": {
            "file": "coarse.onnx",
            "downsample": g.downsample,
            "stride": g.stride,
            "classes": list(COARSE_CLASSES),
            "input_name": "image",
            "output_name": "class_prob",
            "min_confidence": cfg.coarse.min_confidence,
        },
        "fine": {
            "file": "fine.onnx",
            "halo": g.halo,
            "threshold": cfg.fine.threshold,
            "input_name": "image",
            "output_name": "cloud_prob",
            "multiple": g.multiple * cfg.fine.inference_scale,
            "inference_scale": cfg.fine.inference_scale,
        },
        "metrics": metrics or {},
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "training": training_info,
    }


def export_bundle(fine: FineNet, coarse: CoarseNet, cfg: TrainConfig, out_dir: str,
                  normalization: Dict[str, list], training_info: dict, metrics: Optional[dict] = None) -> str:
    os.makedirs(out_dir, exist_ok=True)
    metadata = {"name": cfg.bundle.name, "version": cfg.bundle.version, "license": cfg.bundle.license,
                "bands": ",".join(cfg.bands)}
    g = cfg.geometry
    _export_onnx(_WithActivation(coarse, nn.Softmax(dim=1)), os.path.join(out_dir, "coarse.onnx"),
                 len(cfg.bands), "class_prob", 4 * g.stride, {**metadata, "model": "coarse"})
    scale = cfg.fine.inference_scale
    fine_graph = AtLowerResolution(fine, scale) if scale > 1 else fine
    _export_onnx(_WithActivation(fine_graph, nn.Sigmoid()), os.path.join(out_dir, "fine.onnx"),
                 len(cfg.bands), "cloud_prob", g.cell + 2 * g.halo, {**metadata, "model": "fine"})
    write_manifest(out_dir, build_manifest(cfg, normalization, metrics, training_info))
    return out_dir


def write_manifest(out_dir: str, manifest: dict):
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def update_manifest_metrics(bundle_dir: str, metrics: dict):
    path = os.path.join(bundle_dir, "manifest.json")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["metrics"] = metrics
    write_manifest(bundle_dir, manifest)


def check_bundle(bundle_dir: str) -> dict:
    """Read the bundle with the engine's ``load_bundle`` and run both graphs once; returns the shapes."""
    import onnxruntime as ort

    bundle = load_bundle(bundle_dir)
    c = len(bundle.bands)
    shapes = {}
    coarse = ort.InferenceSession(bundle.file_path(bundle.coarse.file), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).random((2, c, 64, 96), dtype=np.float32)
    (prob,) = coarse.run([bundle.coarse.output_name], {bundle.coarse.input_name: x})
    shapes["coarse"] = list(prob.shape)
    fine = ort.InferenceSession(bundle.file_path(bundle.fine.file), providers=["CPUExecutionProvider"])
    w = bundle.fine_window
    (cloud,) = fine.run([bundle.fine.output_name], {bundle.fine.input_name: np.random.default_rng(1).random(
        (2, c, w, w), dtype=np.float32)})
    shapes["fine"] = list(cloud.shape)
    expected_coarse = [2, len(bundle.coarse.classes), 64 // bundle.coarse.stride, 96 // bundle.coarse.stride]
    if shapes["coarse"] != expected_coarse or shapes["fine"] != [2, 1, w, w]:
        raise RuntimeError(f"bundle {bundle_dir} gives output shapes {shapes}")
    if not np.allclose(prob.sum(axis=1), 1.0, atol=1e-4):
        raise RuntimeError("coarse class probabilities do not sum to 1")
    return shapes


def export_settings(trained: TrainConfig, wanted: TrainConfig) -> TrainConfig:
    """``wanted`` (a config file) for exporting models trained with ``trained`` (the
    checkpoint's config): the settings that only shape the bundle (names, threshold,
    min_confidence, inference_scale) may differ; what fixes the weights may not."""
    fixed = {
        "bands": (trained.bands, wanted.bands),
        "geometry": (trained.geometry, wanted.geometry),
        "fine widths": ((trained.fine.widths, trained.fine.decoder_widths), (wanted.fine.widths, wanted.fine.decoder_widths)),
        "coarse widths": ((trained.coarse.widths, trained.coarse.context_layers),
                          (wanted.coarse.widths, wanted.coarse.context_layers)),
    }
    for what, (was, asked) in fixed.items():
        if was != asked:
            raise ValueError(f"the checkpoint was trained with {what} {was}; the config asks for {asked}")
    return wanted


def load_checkpoint(path: str):
    """Models, config and normalisation saved by ``train.save_checkpoint``."""
    from .config import config_from_dict

    state = torch.load(path, map_location="cpu", weights_only=False)
    cfg_values = dict(state["config"])
    cfg_values.pop("source_path", None)
    cfg = config_from_dict(cfg_values)
    norm = state["normalization"]
    fine = FineNet(len(cfg.bands), norm["mean"], norm["std"], cfg.fine.widths, cfg.fine.decoder_widths)
    fine.load_state_dict(state["fine"])
    coarse = CoarseNet(len(cfg.bands), norm["mean"], norm["std"], cfg.coarse.widths, cfg.coarse.context_layers)
    coarse.load_state_dict(state["coarse"])
    return cfg, fine.eval(), coarse.eval(), norm, state.get("training", {})

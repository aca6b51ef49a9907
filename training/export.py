"""Export trained models as a model bundle: ``coarse.onnx``, ``fine.onnx`` and ``manifest.json``.

The ONNX graphs take reflectance in the manifest's band order and contain the
normalisation; the coarse graph ends in a softmax over the four classes, the fine graph
in a sigmoid. Height, width and batch are dynamic (height and width multiples of 16); a
sensor-independent graph also takes ``band_descriptors`` [C, 2] and its band count is
dynamic too. The manifest is made and written by ``cloud_mask_plugin/core/bundle.py``,
which reads it; ``check_bundle`` reads the result back with ``load_bundle`` and runs both
graphs once through onnxruntime.
"""
from __future__ import annotations

import os
import warnings
from typing import Dict, Optional

import numpy as np
import onnx
import torch
import torch.nn as nn

from cloud_mask_plugin.core.bundle import load_bundle, new_manifest, write_manifest

from .checkpoints import load_checkpoint
from .config import TrainConfig
from .models import AtLowerResolution
from .paths import resolve_repo_path
from .scenes import sensor_descriptors

OPSET = 17
DESCRIPTOR_INPUT = "band_descriptors"
# Descriptors (um) of the example input a sensor-independent graph is traced with.
_EXAMPLE_DESCRIPTORS = [[0.49, 0.065], [0.56, 0.04], [0.665, 0.035], [0.842, 0.115], [1.61, 0.09]]


class _WithActivation(nn.Module):
    def __init__(self, model: nn.Module, activation: nn.Module):
        super().__init__()
        self.model, self.activation = model, activation

    def forward(self, *inputs):
        return self.activation(self.model(*inputs))


def _export_onnx(model: nn.Module, path: str, output_name: str, example_size: int, metadata: Dict[str, str],
                 activation: nn.Module, channels: Optional[int]):
    """``channels`` bands for a fixed-band model; None for a sensor-independent one, whose
    inputs are ``image`` and ``band_descriptors`` with a dynamic band axis."""
    wrapped = _WithActivation(model.eval(), activation).eval()
    if channels is not None:
        example = (torch.rand(1, channels, example_size, example_size),)
        inputs, axes = ["image"], {"image": {0: "batch", 2: "height", 3: "width"}}
    else:
        example = (torch.rand(1, len(_EXAMPLE_DESCRIPTORS), example_size, example_size),
                   torch.tensor(_EXAMPLE_DESCRIPTORS))
        inputs = ["image", DESCRIPTOR_INPUT]
        axes = {"image": {0: "batch", 1: "bands", 2: "height", 3: "width"}, DESCRIPTOR_INPUT: {0: "bands"}}
    with warnings.catch_warnings():
        # The TorchScript exporter is the one with plain dynamic_axes; its deprecation
        # notice is not actionable here.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped, example, path, dynamo=False, opset_version=OPSET,
            input_names=inputs, output_names=[output_name],
            dynamic_axes={**axes, output_name: {0: "batch", 2: "out_height", 3: "out_width"}},
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


def _training_data(cfg: TrainConfig) -> list:
    out = []
    for entry in cfg.train_sources + cfg.clear_sources:
        item = {"name": entry["name"], "title": entry.get("title", entry["kind"]), "license": entry.get("license", "")}
        if entry.get("url"):
            item["url"] = entry["url"]
        if item not in out:
            out.append(item)
    return out


def _rounded(values) -> list:
    return [round(float(v), 6) for v in values]


def build_manifest(cfg: TrainConfig, normalization: Optional[Dict[str, list]], metrics: Optional[dict],
                   training_info: dict) -> dict:
    g = cfg.geometry
    if cfg.si is None:
        norm = {"type": "standardize", "mean": _rounded(normalization["mean"]), "std": _rounded(normalization["std"]),
                "applied_in_model": True}
    else:
        norm = {"type": "learned per band from its descriptor", "applied_in_model": True}
    manifest = new_manifest(
        name=cfg.bundle.name, version=cfg.bundle.version, license=cfg.bundle.license,
        description=cfg.bundle.description, training_data=_training_data(cfg), bands=cfg.bands, normalization=norm,
        downsample=g.downsample, stride=g.stride, min_confidence=cfg.coarse.min_confidence, halo=g.halo,
        threshold=cfg.fine.threshold, multiple=g.multiple * cfg.fine.inference_scale,
        inference_scale=cfg.fine.inference_scale, training=training_info, metrics=metrics)
    if any(entry.get("teacher") for entry in cfg.train_sources):
        # Images without manual masks were labelled by ukis-csmask (training/teacher.py): credited.
        from .teacher import CREDIT

        manifest["teacher"] = dict(CREDIT)
    if cfg.si is not None:
        _add_sensor_independence(manifest, cfg)
    return manifest


def _add_sensor_independence(manifest: dict, cfg: TrainConfig):
    si = cfg.si
    if si.base_checkpoint:
        base_cfg, _, _, base_norm, _ = load_checkpoint(resolve_repo_path(si.base_checkpoint))
        manifest["inputs"]["normalization"] = {
            "type": "the required bands standardized as the base model's, the further bands learned per band "
                    "from their descriptors",
            "mean": _rounded(base_norm["mean"]), "std": _rounded(base_norm["std"]), "applied_in_model": True}
        # The base model's data trained the bundle too.
        manifest["training_data"] += [d for d in _training_data(base_cfg) if d not in manifest["training_data"]]
    manifest["inputs"].update({
        "sensor_independent": True,
        "required_bands": list(si.required_bands),
        "descriptor_input": DESCRIPTOR_INPUT,
        "descriptor_units": "micrometres (centre wavelength, width) of each fed band",
    })


def export_bundle(fine: nn.Module, coarse: nn.Module, cfg: TrainConfig, out_dir: str,
                  normalization: Optional[Dict[str, list]], training_info: dict, metrics: Optional[dict] = None) -> str:
    os.makedirs(out_dir, exist_ok=True)
    metadata = {"name": cfg.bundle.name, "version": cfg.bundle.version, "license": cfg.bundle.license,
                "bands": ",".join(cfg.bands)}
    if cfg.si is not None:
        metadata["sensor_independent"] = "true"
    channels = None if cfg.si is not None else len(cfg.bands)
    g = cfg.geometry
    _export_onnx(coarse, os.path.join(out_dir, "coarse.onnx"), "class_prob", 4 * g.stride,
                 {**metadata, "model": "coarse"}, nn.Softmax(dim=1), channels)
    scale = cfg.fine.inference_scale
    fine_graph = AtLowerResolution(fine, scale) if scale > 1 else fine
    _export_onnx(fine_graph, os.path.join(out_dir, "fine.onnx"), "cloud_prob", g.cell + 2 * g.halo,
                 {**metadata, "model": "fine"}, nn.Sigmoid(), channels)
    write_manifest(out_dir, build_manifest(cfg, normalization, metrics, training_info))
    return out_dir


def check_bundle(bundle_dir: str) -> dict:
    """Read the bundle with the engine's ``load_bundle`` and run both graphs once (a
    sensor-independent bundle with its required bands); returns the shapes."""
    import onnxruntime as ort

    bundle = load_bundle(bundle_dir)
    extra = {}
    c = len(bundle.bands)
    if bundle.sensor_independent:
        c = len(bundle.required_bands)
        extra = {bundle.descriptor_input: sensor_descriptors("sentinel2", bundle.required_bands)}
    shapes = {}
    coarse = ort.InferenceSession(bundle.file_path(bundle.coarse.file), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).random((2, c, 64, 96), dtype=np.float32)
    (prob,) = coarse.run([bundle.coarse.output_name], {bundle.coarse.input_name: x, **extra})
    shapes["coarse"] = list(prob.shape)
    fine = ort.InferenceSession(bundle.file_path(bundle.fine.file), providers=["CPUExecutionProvider"])
    w = bundle.fine_window
    (cloud,) = fine.run([bundle.fine.output_name], {bundle.fine.input_name: np.random.default_rng(1).random(
        (2, c, w, w), dtype=np.float32), **extra})
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
        "band-set features": (trained.si and trained.si.features, wanted.si and wanted.si.features),
    }
    for what, (was, asked) in fixed.items():
        if was != asked:
            raise ValueError(f"the checkpoint was trained with {what} {was}; the config asks for {asked}")
    return wanted

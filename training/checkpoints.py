"""The models of a config, new or from a checkpoint, and the checkpoint file itself.

A checkpoint (``<checkpoint_dir>/<name>/checkpoint.pt``) holds the config, both models'
weights, the normalisation of a fixed-band run and what the run recorded (``training``).
Checkpoints of sensor-independent runs written before the config held the ``[si]`` table
keep it beside the config; both are read.
"""
from __future__ import annotations

import os
from typing import Optional

import torch

from .config import TrainConfig, config_from_dict
from .models import CoarseNet, FineNet
from .paths import resolve_repo_path
from .sensor_independent import ExtraBands, SICoarseNet, SIFineNet


def new_model(cfg: TrainConfig, role: str, norm: Optional[dict]):
    """An untrained ``role`` ("fine" or "coarse") model of ``cfg``: a fixed-band one with the
    normalisation ``norm`` inside, a sensor-independent one, or with ``si.base_checkpoint``
    that checkpoint's model with the further bands added."""
    si = cfg.si
    if si is None:
        if role == "fine":
            return FineNet(len(cfg.bands), norm["mean"], norm["std"], cfg.fine.widths, cfg.fine.decoder_widths)
        return CoarseNet(len(cfg.bands), norm["mean"], norm["std"], cfg.coarse.widths, cfg.coarse.context_layers)
    if not si.base_checkpoint:
        if role == "fine":
            return SIFineNet(si.features, cfg.fine.widths, cfg.fine.decoder_widths)
        return SICoarseNet(si.features, cfg.coarse.widths, cfg.coarse.context_layers)
    base_cfg, fine, coarse, _, _ = load_checkpoint(resolve_repo_path(si.base_checkpoint))
    if tuple(base_cfg.bands) != si.required_bands:
        raise ValueError(f"the base checkpoint takes {base_cfg.bands}; [si] required_bands must be those, in order")
    return ExtraBands(fine if role == "fine" else coarse, len(base_cfg.bands))


def _model_shapes(cfg: TrainConfig, role: str, norm: Optional[dict]):
    """A model of the checkpoint's shapes, to load its weights into (an ``ExtraBands``
    checkpoint holds its base's weights, so the base file need not exist any more)."""
    si = cfg.si
    if si is None or not si.base_checkpoint:
        return new_model(cfg, role, norm)
    n = len(si.required_bands)
    identity = ([0.0] * n, [1.0] * n)
    if role == "fine":
        return ExtraBands(FineNet(n, *identity, cfg.fine.widths, cfg.fine.decoder_widths), n)
    return ExtraBands(CoarseNet(n, *identity, cfg.coarse.widths, cfg.coarse.context_layers), n)


def save_checkpoint(path: str, cfg: TrainConfig, fine, coarse, norm: Optional[dict], training_info: dict):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save({"config": cfg.as_dict(), "fine": fine.state_dict(), "coarse": coarse.state_dict(),
                "normalization": norm, "training": training_info}, path)


def load_checkpoint(path: str):
    """(config, fine model, coarse model, normalisation or None, training info) of a checkpoint."""
    state = torch.load(path, map_location="cpu", weights_only=False)
    values = dict(state["config"])
    values.pop("source_path", None)
    if state.get("si"):
        values["si"] = state["si"]
    cfg = config_from_dict(values)
    norm = state.get("normalization")
    fine, coarse = _model_shapes(cfg, "fine", norm), _model_shapes(cfg, "coarse", norm)
    fine.load_state_dict(state["fine"])
    coarse.load_state_dict(state["coarse"])
    return cfg, fine.eval(), coarse.eval(), norm, state.get("training", {})


def model_from_checkpoint(path: str, cfg: TrainConfig, role: str):
    """The ``role`` model of another run's checkpoint, for a run that changes only the other
    model (its normalisation travels with its state). Bands and geometry must match."""
    other, fine, coarse, _, info = load_checkpoint(path)
    if list(other.bands) != list(cfg.bands) or other.geometry != cfg.geometry:
        raise ValueError(f"{path} was trained for bands {other.bands} and geometry {other.geometry}, "
                         f"this config has {cfg.bands} and {cfg.geometry}")
    return (fine if role == "fine" else coarse), {**info.get(role, {}),
                                                   "from_checkpoint": os.path.relpath(path, resolve_repo_path("."))}

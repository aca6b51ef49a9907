"""Train, export and evaluate the sensor-independent cascade (seed 003).

    python -m training.si_train train training/configs/si_both.toml [--out DIR] [--no-coarse]
    python -m training.si_train evaluate BUNDLE [BUNDLE ...] [--cascade] [--json FILE]
    python -m training.si_train export training/runs/<config>/checkpoint.pt [--out DIR] [--bands a,b,...] [--config CONFIG]
    python -m training.si_train quantize BUNDLE --config CONFIG
    python -m training.si_train threshold BUNDLE [--current 0.4]

A config is an ordinary training config (``config.py``) plus an ``[si]`` table:

- ``features``: per-band feature maps of the band-set embedding (pooled to twice that;
  unused with ``base_checkpoint``);
- ``required_bands``: bands every input has (kept by band dropout, written to the manifest);
- ``rgbn_only_probability``: share of samples cut down to the required bands only;
- ``extra_band_keep``: otherwise, the probability that each further band is kept;
- ``wavelength_jitter``, ``width_jitter``: random perturbation of the descriptors per sample;
- ``base_checkpoint``: a fixed-band checkpoint (``python -m training train``) whose models
  take the required bands, listed first in ``bands`` and in the base's order; the further
  bands are added to it (``sensor_independent.ExtraBands``) and only their weights train.

Top-level ``bands`` lists every band the bundle accepts. Each source entry also names its
``sensor`` (a key of ``cloud_mask_plugin.core.bands.SENSORS``: the band descriptors come
from that sensor's catalogue entries, as the engine gives them) and its ``bands`` (those it
has). Sources with different band sets share a batch: each sample is embedded with its own
bands, then the trunk sees the whole batch (``sensor_independent.forward_mixed``).

Evaluation feeds each validation split the way the engine feeds a raster of that sensor:
Biome val (Landsat 8) with its seven reflective bands and again with blue, green, red and
nir only, On Cloud N (Sentinel-2) with its four bands; descriptors from the sensor's
catalogue.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from cloud_mask_plugin.core.bands import SENSORS, names_match
from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.metrics import Confusion

from . import augment
from .config import TrainConfig, config_from_dict
from .data import Scene, _read, _s2_band_id, _s2_file_id, read_source
from .grid import block_average, grid_labels, pad_to_multiple
from .models import AtLowerResolution
from .losses import coarse_loss
from .paths import git_commit, resolve_data_root, resolve_repo_path
from .sampling import balanced_weights, build_windows, cut
from .sensor_independent import ExtraBands, SICoarseNet, SIFineNet, forward_mixed
from .train import _cosine_with_warmup, describe_device, seed_everything, training_device

OPSET = 17
DESCRIPTOR_INPUT = "band_descriptors"


# ---------------------------------------------------------------------------------------------
# Config

@dataclass
class SIOptions:
    features: int = 16
    required_bands: Tuple[str, ...] = ("blue", "green", "red", "nir")
    rgbn_only_probability: float = 0.3
    extra_band_keep: float = 0.6
    # Per sample, each band's wavelength is scaled by 1 + N(0, wavelength_jitter) and its
    # width by exp(U(-width_jitter, width_jitter)): Landsat and Sentinel-2 put their shared
    # bands a few nm apart, and the model should not tell the sensors apart by that alone
    # (only synthetic clouds come with Sentinel-2 descriptors; real labels are Landsat's).
    wavelength_jitter: float = 0.0
    width_jitter: float = 0.0
    base_checkpoint: str = ""


def load_si_config(path: str) -> Tuple[TrainConfig, SIOptions]:
    import tomllib

    with open(path, "rb") as f:
        values = tomllib.load(f)
    si_values = values.pop("si", {})
    unknown = set(si_values) - set(SIOptions.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{os.path.basename(path)} [si]: unknown keys {sorted(unknown)}")
    if "required_bands" in si_values:
        si_values["required_bands"] = tuple(si_values["required_bands"])
    values.setdefault("name", os.path.splitext(os.path.basename(path))[0])
    if values.get("train_sources"):
        cfg = config_from_dict(values)
    else:
        # A synthetic-only run (clear scenes under synthetic clouds, no labelled source):
        # the ordinary config check insists on labelled sources, so check the rest here.
        values["train_sources"] = [{"kind": "none", "path": "", "bands": list(si_values.get("required_bands",
                                                                                           SIOptions.required_bands))}]
        cfg = config_from_dict(values)
        cfg.train_sources = []
        if not cfg.clear_sources:
            raise ValueError(f"{os.path.basename(path)} lists neither train_sources nor clear_sources")
    cfg.source_path = path
    si = SIOptions(**si_values)
    missing = [b for b in si.required_bands if b not in cfg.bands]
    if missing:
        raise ValueError(f"required bands {missing} are not in the config's bands")
    # A band no training source has would reach the model with a descriptor it never saw,
    # which can throw it off completely (a Sentinel-2-only model fed Landsat's cirrus band
    # fell from F1 0.85 to 0.11 on Biome val), so the manifest lists trained bands only.
    trained = {b for entry in cfg.train_sources + cfg.clear_sources for b in entry.get("bands", ())}
    untrained = [b for b in cfg.bands if b not in trained]
    if untrained:
        raise ValueError(f"{os.path.basename(path)}: bands {untrained} are in no source; drop them from 'bands'")
    if si.base_checkpoint and tuple(cfg.bands[:len(si.required_bands)]) != si.required_bands:
        raise ValueError(f"{os.path.basename(path)}: with a base_checkpoint, 'bands' must start with the "
                         f"required bands {list(si.required_bands)} (the base model's inputs, fed first)")
    for entry in cfg.train_sources + cfg.clear_sources:
        entry.setdefault("name", entry["kind"])
        if entry.get("sensor") not in SENSORS or not entry.get("bands"):
            raise ValueError(f"source {entry['name']} needs 'sensor' (one of {list(SENSORS)}) and 'bands'")
        lacking = [b for b in si.required_bands if b not in entry["bands"]]
        if lacking:
            raise ValueError(f"source {entry['name']} lacks the required bands {lacking}")
    return cfg, si


def sensor_descriptors(sensor: str, bands: Sequence[str]) -> np.ndarray:
    """[C, 2] float32, centre wavelength and width in micrometres of each band as ``sensor`` has it."""
    out = []
    for name in bands:
        match = [b for b in SENSORS[sensor].bands.values() if names_match(name, b.name)]
        if not match:
            raise ValueError(f"{SENSORS[sensor].title} has no '{name}' band")
        exact = [b for b in match if b.name == name]
        band = (exact or match)[0]
        out.append((band.wavelength_nm / 1000.0, band.width_nm / 1000.0))
    return np.asarray(out, np.float32)


# ---------------------------------------------------------------------------------------------
# Data: scenes with their band names and descriptors

@dataclass
class BandedSource:
    entry: dict
    scenes: List[Scene]
    bands: List[str]
    descriptors: np.ndarray  # [C, 2] um


def read_s2_folder_bilinear(folder: str, bands: Sequence[str]) -> List[Scene]:
    """BigEarthNet patches with every band resampled to the 10 m grid bilinearly (the
    generic reader repeats pixels, which leaves 60 m blocks in B01 and B09)."""
    scenes = []
    for patch_dir in sorted(d for d in glob.glob(os.path.join(folder, "*")) if os.path.isdir(d)):
        name = os.path.basename(patch_dir)
        arrays = [_read(os.path.join(patch_dir, f"{name}_{_s2_file_id(_s2_band_id(b))}.tif"))[0].astype(np.float32)
                  for b in bands]
        size = max(a.shape for a in arrays)
        stacked = np.stack([a if a.shape == size else augment._resize(a[None], size, "bilinear")[0] for a in arrays])
        valid = np.all(stacked > 0, axis=0)
        image = np.where(valid[None], stacked / 10000.0, 0.0).astype(np.float32)
        scenes.append(Scene(name, image, valid, np.zeros(valid.shape, bool), "bigearthnet", 10.0))
    if not scenes:
        raise FileNotFoundError(f"no BigEarthNet patch folders in {folder}")
    return scenes


def load_banded(entries, data_root: str) -> List[BandedSource]:
    out = []
    for entry in entries:
        bands = list(entry["bands"])
        if entry["kind"] == "bigearthnet":
            scenes = read_s2_folder_bilinear(os.path.join(data_root, entry["path"]), bands)
        else:
            scenes = read_source(entry, data_root, bands)
        if not scenes:
            raise ValueError(f"source {entry['name']} gave no scenes")
        out.append(BandedSource(entry, scenes, bands, sensor_descriptors(entry["sensor"], bands)))
    return out


# ---------------------------------------------------------------------------------------------
# Augmentation that depends on wavelength rather than band name

def haze_spectrum(descriptors: np.ndarray) -> np.ndarray:
    """Relative path radiance per band, ~ wavelength^-2 (between Rayleigh and aerosol), 1 in the blue."""
    return (0.49 / descriptors[:, 0]) ** 2


def jitter_brightness(image, valid, descriptors, cfg: augment.PhotometricConfig, rng) -> np.ndarray:
    c = image.shape[0]
    gain = rng.uniform(*cfg.gain) * rng.uniform(1 - cfg.band_gain, 1 + cfg.band_gain, size=(c, 1, 1))
    haze = rng.uniform(*cfg.haze) * haze_spectrum(descriptors).reshape(-1, 1, 1)
    out = np.clip(image * gain.astype(np.float32) + haze.astype(np.float32), 1e-4, None)
    return np.where(valid[None], out, 0.0).astype(np.float32)


def cloud_spectrum(descriptors: np.ndarray, thin: bool, rng) -> np.ndarray:
    """Cloud reflectance per band relative to the blue band.

    Water and ice clouds are bright and nearly flat through the visible and near infrared,
    absorb part of the short-wave infrared (more at 2.2 um than at 1.6 um, more for ice and
    large droplets), and the 1.375 um cirrus band sees only high cloud above the water
    vapour that hides the surface: strong for thin high (cirrus-like) clouds, weak and
    variable for thick clouds whose tops may be low.
    """
    wl = descriptors[:, 0]
    out = np.empty(len(wl), np.float32)
    for i, w in enumerate(wl):
        if w < 1.0:
            out[i] = 1.0 - 0.08 * np.clip((w - 0.44) / 0.5, 0, 1)
            if 0.93 < w < 0.96:  # water vapour band: part of the cloud signal is absorbed above it
                out[i] *= rng.uniform(0.75, 0.95)
        elif 1.3 < w < 1.45:
            out[i] = rng.uniform(0.3, 0.8) if thin else rng.uniform(0.02, 0.5)
        elif w < 1.9:
            out[i] = rng.uniform(0.55, 0.9)
        else:
            out[i] = rng.uniform(0.35, 0.75)
    return out * rng.uniform(0.97, 1.03, size=len(wl)).astype(np.float32)


def add_synthetic_clouds(image, valid, label, descriptors, cfg: augment.SyntheticCloudConfig, rng):
    """``augment.add_synthetic_clouds`` with a cloud spectrum by wavelength (``cloud_spectrum``)."""
    h, w = valid.shape
    opacity, thin, shadow = augment.cloud_opacity((h, w), cfg, rng)
    texture = 0.85 + 0.3 * augment.fractal_noise((h, w), rng, base_cells=8)
    cloud = rng.uniform(*cfg.brightness) * cloud_spectrum(descriptors, thin, rng)[:, None, None] * texture[None]
    return augment.composite_clouds(image, valid, label, opacity, shadow, augment.shadow_spectrum(descriptors[:, 0]),
                                    cloud, cfg)


def jitter_descriptors(descriptors: np.ndarray, si: SIOptions, rng) -> np.ndarray:
    if not (si.wavelength_jitter or si.width_jitter):
        return descriptors
    c = len(descriptors)
    out = descriptors.copy()
    out[:, 0] *= 1 + rng.normal(0, si.wavelength_jitter, c) if si.wavelength_jitter else 1
    out[:, 1] *= np.exp(rng.uniform(-si.width_jitter, si.width_jitter, c))
    return out.astype(np.float32)


def band_dropout(bands: Sequence[str], si: SIOptions, rng) -> List[int]:
    """Indices of the bands to keep: always the required ones, first and in their listed
    order (as the engine feeds a bundle that lists them first); sometimes only those (the
    4-band RGBN case), otherwise each further band with ``extra_band_keep``."""
    required = sorted((i for i, b in enumerate(bands) if b in si.required_bands),
                      key=lambda i: si.required_bands.index(bands[i]))
    extra = [i for i, b in enumerate(bands) if b not in si.required_bands]
    if not extra or rng.random() < si.rgbn_only_probability:
        return required
    return required + [i for i in extra if rng.random() < si.extra_band_keep]


# ---------------------------------------------------------------------------------------------
# Samplers

@dataclass
class _Pool:
    source: BandedSource
    scenes: List[Scene]
    windows: list
    weights: np.ndarray

    def draw(self, rng, size):
        win = self.windows[int(rng.choice(len(self.windows), p=self.weights))]
        return cut(self.scenes[win.scene], win, size)


def _pools(sources: List[BandedSource], size: int, overlap: int, balanced: bool, extreme: float):
    pools = []
    for src in sources:
        per_scale = []
        for factor in src.entry.get("scales", [1.0]):
            scaled = []
            for s in src.scenes:
                image, valid, label = augment.rescale(s.image, s.valid, s.label, float(factor))
                scaled.append(Scene(s.name, image, valid, label, s.source, s.pixel_size_m / float(factor)))
            windows = build_windows(scaled, size, overlap)
            if windows:
                weights = balanced_weights(windows, extreme_bin_weight=extreme) if balanced else \
                    np.full(len(windows), 1.0 / len(windows))
                per_scale.append(_Pool(src, scaled, windows, weights))
        if per_scale:
            pools.append((float(src.entry.get("weight", 1.0)), per_scale))
    return pools


def _choose(pools, rng):
    w = np.array([p[0] for p in pools])
    per_scale = pools[int(rng.choice(len(pools), p=w / w.sum()))][1]
    return per_scale[int(rng.integers(len(per_scale)))]


class SISampler:
    """Fine patches and coarse mosaics from sources with different band sets."""

    def __init__(self, cfg: TrainConfig, si: SIOptions, labelled: List[BandedSource], clear: List[BandedSource], rng):
        self.cfg, self.si, self.rng = cfg, si, rng
        f, c = cfg.fine, cfg.coarse
        self.fine_labelled = _pools(labelled, f.patch, f.overlap, True, f.extreme_bin_weight)
        self.fine_clear = _pools(clear, f.patch, f.overlap, False, f.extreme_bin_weight)
        self.coarse_labelled = _pools(labelled, c.tile, c.tile // 2, False, 1 / 6)
        self.coarse_clear = _pools(clear, c.tile, c.tile // 2, False, 1 / 6)
        if not (self.fine_labelled or self.fine_clear):
            raise ValueError("no source has a window of the patch size")

    def _synthetic(self, share):
        if not self.fine_clear:
            return False
        return not self.fine_labelled or self.rng.random() < share

    def fine_sample(self):
        f, rng = self.cfg.fine, self.rng
        synthetic = self._synthetic(f.synthetic_share)
        pool = _choose(self.fine_clear if synthetic else self.fine_labelled, rng)
        desc = pool.source.descriptors
        image, valid, label = augment.flip_rotate(*pool.draw(rng, f.patch), rng)
        if synthetic:
            image, valid, label = add_synthetic_clouds(image, valid, label, desc, f.synthetic, rng)
        if rng.random() < f.nodata_edge_probability:
            image, valid, label = augment.add_nodata_edge(image, valid, label, rng)
        image = jitter_brightness(image, valid, desc, f.photometric, rng)
        keep = band_dropout(pool.source.bands, self.si, rng)
        return image[keep], jitter_descriptors(desc[keep], self.si, rng), valid, label

    def mosaic(self):
        """A mosaic of tiles from one source (one band set), before brightness jitter."""
        c, rng = self.cfg.coarse, self.rng
        synthetic = bool(self.coarse_clear) and (not self.coarse_labelled or rng.random() < c.synthetic_share)
        pools = self.coarse_clear if synthetic else self.coarse_labelled
        w = np.array([p[0] for p in pools])
        per_scale = pools[int(rng.choice(len(pools), p=w / w.sum()))][1]
        source = per_scale[0].source
        rows = []
        for _ in range(c.mosaic_tiles):
            tiles = [augment.flip_rotate(*per_scale[int(rng.integers(len(per_scale)))].draw(rng, c.tile), rng)
                     for _ in range(c.mosaic_tiles)]
            rows.append(tuple(np.concatenate([t[k] for t in tiles], axis=-1) for k in range(3)))
        image, valid, label = (np.concatenate([r[k] for r in rows], axis=-2) for k in range(3))
        if synthetic:
            image, valid, label = add_synthetic_clouds(image, valid, label, source.descriptors,
                                                       self.cfg.fine.synthetic, rng)
        if rng.random() < c.nodata_edge_probability:
            image, valid, label = augment.add_nodata_edge(image, valid, label, rng)
        return source, image, valid, label

    def build_coarse_bank(self, count: int):
        g = self.cfg.geometry
        self.bank = []
        for _ in range(count):
            source, image, valid, label = self.mosaic()
            h, w = valid.shape
            f = g.downsample
            self.bank.append((source, block_average(image, valid, f),
                              valid.reshape(h // f, f, w // f, f).any(axis=(1, 3)),
                              grid_labels(label, valid, g.cell, self.cfg.coarse.grid_tolerance)))

    def coarse_sample(self):
        source, x, v, t = self.bank[int(self.rng.integers(len(self.bank)))]
        x, v, t = augment.flip_rotate(x, v, t, self.rng)
        x = jitter_brightness(x, v, source.descriptors, self.cfg.fine.photometric, self.rng)
        keep = band_dropout(source.bands, self.si, self.rng)
        return x[keep], jitter_descriptors(source.descriptors[keep], self.si, self.rng), t


def _tensors(samples, device: torch.device):
    return [(torch.from_numpy(np.ascontiguousarray(img)).to(device),
             torch.from_numpy(np.ascontiguousarray(desc)).to(device)) for img, desc in samples]


# ---------------------------------------------------------------------------------------------
# Training

def new_model(cfg: TrainConfig, si: SIOptions, role: str):
    """An untrained ``role`` ("fine" or "coarse") model; with a base checkpoint, its model
    with the further bands added."""
    if not si.base_checkpoint:
        if role == "fine":
            return SIFineNet(si.features, cfg.fine.widths, cfg.fine.decoder_widths)
        return SICoarseNet(si.features, cfg.coarse.widths, cfg.coarse.context_layers)
    from .export import load_checkpoint

    base_cfg, fine, coarse, _, _ = load_checkpoint(resolve_repo_path(si.base_checkpoint))
    if tuple(base_cfg.bands) != si.required_bands:
        raise ValueError(f"the base checkpoint takes {base_cfg.bands}; [si] required_bands must be those, in order")
    return ExtraBands(fine if role == "fine" else coarse, len(base_cfg.bands))


def _trainable(model):
    return [p for p in model.parameters() if p.requires_grad]


def train_fine(cfg, si, sampler, model, progress=True, device: torch.device = torch.device("cpu")):
    f = cfg.fine
    model = model.to(device)
    optimizer = torch.optim.AdamW(_trainable(model), lr=f.lr, weight_decay=f.weight_decay)
    schedule = _cosine_with_warmup(optimizer, f.iterations)
    model.train()
    history = []
    for step in range(f.iterations):
        batch = [sampler.fine_sample() for _ in range(f.batch)]
        logits = forward_mixed(model, _tensors([(b[0], b[1]) for b in batch], device))
        v = torch.from_numpy(np.stack([b[2] for b in batch])).float()[:, None].to(device)
        y = torch.from_numpy(np.stack([b[3] for b in batch])).float()[:, None].to(device)
        per_pixel = F.binary_cross_entropy_with_logits(logits, y, reduction="none",
                                                       pos_weight=torch.tensor([f.pos_weight], device=device)) * v
        loss = (per_pixel.sum(dim=(1, 2, 3)) / v.sum(dim=(1, 2, 3)).clamp(min=1)).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history.append(float(loss.detach()))
        if progress and (step + 1) % 50 == 0:
            print(f"fine {step + 1}/{f.iterations} loss {np.mean(history[-50:]):.4f}", flush=True)
    return model.cpu().eval(), {"final_loss": float(np.mean(history[-50:]))}


def train_coarse(cfg, si, sampler, model, progress=True, device: torch.device = torch.device("cpu")):
    c = cfg.coarse
    model = model.to(device)
    sampler.build_coarse_bank(c.mosaics)
    optimizer = torch.optim.AdamW(_trainable(model), lr=c.lr, weight_decay=c.weight_decay)
    schedule = _cosine_with_warmup(optimizer, c.iterations)
    alpha = c.normalised_alpha()
    model.train()
    history = []
    for step in range(c.iterations):
        batch = [sampler.coarse_sample() for _ in range(c.batch)]
        logits = forward_mixed(model, _tensors([(b[0], b[1]) for b in batch], device))
        targets = torch.from_numpy(np.stack([b[2] for b in batch])).to(device)
        gamma = c.gamma if step >= int(c.adjacency_after * c.iterations) else 0.0
        parts = coarse_loss(logits, targets, alpha, c.beta, gamma, c.temperature)
        optimizer.zero_grad()
        parts["loss"].backward()
        optimizer.step()
        schedule.step()
        history.append(float(parts["wce"].detach()))
        if progress and (step + 1) % 100 == 0:
            print(f"coarse {step + 1}/{c.iterations} wce {np.mean(history[-100:]):.4f}", flush=True)
    return model.cpu().eval(), {"final_wce": float(np.mean(history[-50:]))}


# ---------------------------------------------------------------------------------------------
# Export

class _WithActivation(nn.Module):
    def __init__(self, model, activation):
        super().__init__()
        self.model, self.activation = model, activation

    def forward(self, image, band_descriptors):
        return self.activation(self.model(image, band_descriptors))


def export_si_onnx(model: nn.Module, path: str, output_name: str, example_size: int, metadata: Dict[str, str],
                   activation: nn.Module):
    """ONNX with dynamic batch, bands, height and width; inputs ``image`` and ``band_descriptors``."""
    import warnings

    from .export import stamp_metadata

    wrapped = _WithActivation(model.eval(), activation).eval()
    example = (torch.rand(1, 5, example_size, example_size),
               torch.tensor([[0.49, 0.065], [0.56, 0.04], [0.665, 0.035], [0.842, 0.115], [1.61, 0.09]]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped, example, path, dynamo=False, opset_version=OPSET,
            input_names=["image", DESCRIPTOR_INPUT], output_names=[output_name],
            dynamic_axes={"image": {0: "batch", 1: "bands", 2: "height", 3: "width"},
                          DESCRIPTOR_INPUT: {0: "bands"},
                          output_name: {0: "batch", 2: "out_height", 3: "out_width"}},
            do_constant_folding=True,
        )
    stamp_metadata(path, metadata)


def export_si_bundle(fine: SIFineNet, coarse: SICoarseNet, cfg: TrainConfig, si: SIOptions, out_dir: str,
                     training_info: dict, metrics: Optional[dict] = None) -> str:
    from .export import build_manifest, write_manifest

    os.makedirs(out_dir, exist_ok=True)
    g = cfg.geometry
    metadata = {"name": cfg.bundle.name, "version": cfg.bundle.version, "license": cfg.bundle.license,
                "bands": ",".join(cfg.bands), "sensor_independent": "true"}
    export_si_onnx(coarse, os.path.join(out_dir, "coarse.onnx"), "class_prob", 4 * g.stride,
                   {**metadata, "model": "coarse"}, nn.Softmax(dim=1))
    scale = cfg.fine.inference_scale
    fine_graph = AtLowerResolution(fine, scale) if scale > 1 else fine
    export_si_onnx(fine_graph, os.path.join(out_dir, "fine.onnx"), "cloud_prob", g.cell + 2 * g.halo,
                   {**metadata, "model": "fine"}, nn.Sigmoid())
    manifest = build_manifest(cfg, {"mean": [], "std": []}, metrics, training_info)
    normalization = {"type": "learned per band from its descriptor", "applied_in_model": True}
    if si.base_checkpoint:
        from .export import load_checkpoint

        base_cfg, _, _, base_norm, _ = load_checkpoint(resolve_repo_path(si.base_checkpoint))
        normalization = {
            "type": "the required bands standardized as the base model's, the further bands learned per band "
                    "from their descriptors",
            "mean": [round(float(m), 6) for m in base_norm["mean"]],
            "std": [round(float(v), 6) for v in base_norm["std"]],
            "applied_in_model": True,
        }
        # The base model's data trained the bundle too.
        base_data = build_manifest(base_cfg, base_norm, None, {})["training_data"]
        manifest["training_data"] += [d for d in base_data if d not in manifest["training_data"]]
    manifest["inputs"].update({
        "sensor_independent": True,
        "required_bands": list(si.required_bands),
        "descriptor_input": DESCRIPTOR_INPUT,
        "descriptor_units": "micrometres (centre wavelength, width) of each fed band",
        "normalization": normalization,
    })
    write_manifest(out_dir, manifest)
    return out_dir


def run_train(cfg: TrainConfig, si: SIOptions, data_root: str, out_dir: Optional[str] = None,
              with_coarse: bool = True, progress: bool = True, device: str = "auto") -> dict:
    started = time.time()
    torch_device = training_device(device)
    seed_everything(cfg.seed, cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    labelled = load_banded(cfg.train_sources, data_root)
    clear = load_banded(cfg.clear_sources, data_root)
    sampler = SISampler(cfg, si, labelled, clear, rng)
    t0 = time.time()
    fine, fine_info = train_fine(cfg, si, sampler, new_model(cfg, si, "fine"), progress, torch_device)
    fine_seconds = time.time() - t0
    t0 = time.time()
    if with_coarse:
        coarse, coarse_info = train_coarse(cfg, si, sampler, new_model(cfg, si, "coarse"), progress, torch_device)
    else:
        # Fine-only runs (for the comparison table) still export a loadable bundle; an
        # untrained coarse model would be meaningless in the cascade, so say so.
        coarse, coarse_info = new_model(cfg, si, "coarse").eval(), {"untrained": True}
    coarse_seconds = time.time() - t0
    info = {
        "config": cfg.name, "seed": cfg.seed, "git_commit": git_commit(), "torch": torch.__version__,
        "device": describe_device(torch_device),
        "config_file": os.path.relpath(cfg.source_path, resolve_repo_path(".")) if cfg.source_path else None,
        "fine": {**fine_info, "iterations": cfg.fine.iterations, "seconds": round(fine_seconds, 1)},
        "coarse": {**coarse_info, "iterations": cfg.coarse.iterations if with_coarse else 0,
                   "seconds": round(coarse_seconds, 1)},
        "scenes": {s.entry["name"]: len(s.scenes) for s in labelled + clear},
        "si": dict(si.__dict__, required_bands=list(si.required_bands)),
    }
    checkpoint = os.path.join(resolve_repo_path(cfg.checkpoint_dir), cfg.name, "checkpoint.pt")
    os.makedirs(os.path.dirname(checkpoint), exist_ok=True)
    torch.save({"config": cfg.as_dict(), "si": dict(si.__dict__, required_bands=list(si.required_bands)), "fine": fine.state_dict(),
                "coarse": coarse.state_dict(), "training": info}, checkpoint)
    bundle_dir = resolve_repo_path(out_dir or cfg.bundle.out)
    export_si_bundle(fine, coarse, cfg, si, bundle_dir, info)
    load_bundle(bundle_dir)
    return {"checkpoint": checkpoint, "bundle": bundle_dir, "training": info,
            "seconds": round(time.time() - started, 1)}


# ---------------------------------------------------------------------------------------------
# Evaluation

RGBN = ("blue", "green", "red", "nir")
LANDSAT_REFLECTIVE = ("blue", "green", "red", "nir", "swir16", "swir22", "cirrus")

# (name, reader entry, sensor, bands fed)
EVAL_SPLITS = (
    ("biome_val_7band", {"kind": "biome", "path": "biome_l8/val"}, "landsat89", LANDSAT_REFLECTIVE),
    ("biome_val_rgbn", {"kind": "biome", "path": "biome_l8/val"}, "landsat89", RGBN),
    # The same Landsat pixels described as CBERS-4A WFI bands (485/70, 555/70, 660/60, 830/120 nm):
    # how much the answer moves when another RGBN sensor's descriptors come with the data.
    ("biome_val_rgbn_cbers_descriptors", {"kind": "biome", "path": "biome_l8/val"}, "cbers4a_wfi", RGBN),
    ("oncloudn_val_rgbn", {"kind": "oncloudn", "path": "oncloudn_s2", "chips": ["chip_1", "chip_2", "chip_3"]},
     "sentinel2", RGBN),
)


def load_eval_splits(data_root: str):
    out = {}
    for name, entry, sensor, bands in EVAL_SPLITS:
        out[name] = (read_source(dict(entry, name=name), data_root, bands), sensor_descriptors(sensor, bands),
                     list(bands))
    return out


def _session(path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _fed_bands(bundle, bands) -> List[int]:
    """Indices of the split's bands that the bundle lists, in the bundle's order: what the
    engine would feed."""
    fed = [bands.index(b) for b in bundle.band_names if b in bands]
    missing = [b for b in bundle.required_bands if b not in bands]
    if missing:
        raise ValueError(f"the split lacks the bundle's required bands {missing}")
    return fed


def evaluate_si_fine(bundle_dir: str, splits) -> Dict[str, dict]:
    """Fine model alone over whole images (padded to a multiple of 16), onnxruntime."""
    bundle = load_bundle(bundle_dir)
    session = _session(bundle.file_path(bundle.fine.file))
    results = {}
    for name, (scenes, descriptors, bands) in splits.items():
        fed = _fed_bands(bundle, bands)
        descriptors = descriptors[fed]
        total = Confusion()
        for scene in scenes:
            image, valid, _ = pad_to_multiple(scene.image[fed], scene.valid, scene.label, bundle.fine.multiple)
            x = np.where(valid[None], image, 0.0).astype(np.float32)[None]
            (prob,) = session.run([bundle.fine.output_name], {bundle.fine.input_name: x,
                                                               bundle.descriptor_input: descriptors})
            h, w = scene.shape
            total = total + Confusion.from_masks(prob[0, 0, :h, :w] >= bundle.fine.threshold, scene.label, scene.valid)
        results[name] = total.scores()
    return results


def si_cascade_runs(bundle_dir: str, splits):
    """``(split name, [(scene, ArrayResult), ...])`` for each split: the full cascade through
    the engine's ``segment_array`` (on the CPU, so the int8 fine model when the bundle has
    one), fed each split's bands and descriptors as the engine feeds that sensor."""
    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.cascade import CascadeModels, segment_array

    bundle = load_bundle(bundle_dir)
    for name, (scenes, descriptors, bands) in splits.items():
        fed = _fed_bands(bundle, bands)
        models = CascadeModels(bundle, resolve_device("cpu"), descriptors[fed])
        yield name, [(scene, segment_array(models, scene.image[fed], scene.valid)) for scene in scenes]


def evaluate_si_cascade(bundle_dir: str, splits) -> Dict[str, dict]:
    """The full cascade's scores per split, and the share of cells sent to the fine model."""
    results = {}
    for name, runs in si_cascade_runs(bundle_dir, splits):
        total = Confusion()
        fine_cells = cells = 0
        for scene, result in runs:
            total = total + Confusion.from_masks(result.mask == 1, scene.label, scene.valid)
            fine_cells += result.fine_cells
            cells += int(np.count_nonzero(result.decision.classes != 3))
        results[name] = {**total.scores(), "fine_cell_fraction": fine_cells / cells if cells else 0.0}
    return results


def _cmd_train(args):
    cfg, si = load_si_config(resolve_repo_path(args.config))
    if args.threads:
        cfg.threads = args.threads
    if args.seed is not None:
        # Another seed of the same config: a run of its own, so it must not overwrite the first.
        cfg.seed = args.seed
        cfg.name = f"{cfg.name}_seed{args.seed}"
        args.out = args.out or os.path.join(cfg.checkpoint_dir, cfg.name, "bundle")
    summary = run_train(cfg, si, resolve_data_root(args.data_root), args.out, with_coarse=not args.no_coarse,
                        device=args.device)
    print(json.dumps({k: summary[k] for k in ("checkpoint", "bundle", "seconds")}))
    if not args.no_evaluate:
        report = {"fine": evaluate_si_fine(summary["bundle"], load_eval_splits(resolve_data_root(args.data_root)))}
        _print_report(summary["bundle"], report)


def _print_report(bundle_dir, report):
    for kind, splits in report.items():
        for split, s in splits.items():
            extra = f"  fine cells {s['fine_cell_fraction']:.0%}" if "fine_cell_fraction" in s else ""
            label = "/".join(os.path.normpath(bundle_dir).split(os.sep)[-2:])
            print(f"{label:32s} {kind:8s} {split:32s} F1 {s['f1']:.4f}  "
                  f"IoU {s['iou']:.4f}  precision {s['precision']:.4f}  recall {s['recall']:.4f}  "
                  f"accuracy {s['accuracy']:.4f}{extra}", flush=True)


def load_si_checkpoint(path: str):
    """Config, options and models saved by ``run_train``."""
    state = torch.load(path, map_location="cpu", weights_only=False)
    values = dict(state["config"])
    values.pop("source_path", None)
    if not values.get("train_sources"):
        values["train_sources"] = [{"kind": "none", "path": ""}]
        cfg = config_from_dict(values)
        cfg.train_sources = []
    else:
        cfg = config_from_dict(values)
    si = SIOptions(**dict(state["si"], required_bands=tuple(state["si"]["required_bands"])))
    if si.base_checkpoint:
        # The saved state holds the base weights too: rebuild the shapes, then load.
        from .models import CoarseNet, FineNet

        n = len(si.required_bands)
        identity = ([0.0] * n, [1.0] * n)
        fine = ExtraBands(FineNet(n, *identity, cfg.fine.widths, cfg.fine.decoder_widths), n)
        coarse = ExtraBands(CoarseNet(n, *identity, cfg.coarse.widths, cfg.coarse.context_layers), n)
    else:
        fine = SIFineNet(si.features, cfg.fine.widths, cfg.fine.decoder_widths)
        coarse = SICoarseNet(si.features, cfg.coarse.widths, cfg.coarse.context_layers)
    fine.load_state_dict(state["fine"])
    coarse.load_state_dict(state["coarse"])
    return cfg, si, fine.eval(), coarse.eval(), state.get("training", {})


def _cmd_export(args):
    from .export import export_settings

    cfg, si, fine, coarse, info = load_si_checkpoint(resolve_repo_path(args.checkpoint))
    if args.config:
        wanted, wanted_si = load_si_config(resolve_repo_path(args.config))
        if wanted_si.features != si.features:
            raise ValueError(f"the checkpoint was trained with {si.features} band-set features; "
                             f"the config asks for {wanted_si.features}")
        cfg = export_settings(cfg, wanted)
    if args.bands:
        cfg.bands = args.bands.split(",")
    out = resolve_repo_path(args.out or cfg.bundle.out)
    export_si_bundle(fine, coarse, cfg, si, out, info)
    load_bundle(out)
    print(f"exported {out} with bands {cfg.bands}, fine model at 1/{cfg.fine.inference_scale} resolution")


def calibration_feeds(cfg: TrainConfig, si: SIOptions, data_root: str, count: int):
    """``count`` fine training samples (windows [1, C, patch, patch] and their descriptors),
    drawn as training draws them: every source's band set, band dropout, synthetic clouds."""
    rng = np.random.default_rng(cfg.seed)
    sampler = SISampler(cfg, si, load_banded(cfg.train_sources, data_root),
                        load_banded(cfg.clear_sources, data_root), rng)
    windows, descriptors = [], []
    for _ in range(count):
        image, desc, valid, _ = sampler.fine_sample()
        windows.append(np.ascontiguousarray(np.where(valid[None], image, 0.0)[None], dtype=np.float32))
        descriptors.append(desc)
    return windows, descriptors


def _cmd_quantize(args):
    from .quantize import quantize_fine

    cfg, si = load_si_config(resolve_repo_path(args.config))
    windows, descriptors = calibration_feeds(cfg, si, resolve_data_root(args.data_root), args.windows)
    bundle_dir = resolve_repo_path(args.bundle)
    print(f"wrote {quantize_fine(bundle_dir, windows, descriptors)} (calibrated on {len(windows)} training "
          f"samples); score it with: python -m training.si_train evaluate {args.bundle} --cascade")


def _cmd_evaluate(args):
    torch.set_num_threads(args.threads)
    splits = load_eval_splits(resolve_data_root(args.data_root))
    everything = {}
    for bundle_dir in args.bundles:
        bundle_dir = resolve_repo_path(bundle_dir)
        report = {"fine": evaluate_si_fine(bundle_dir, splits)}
        if args.cascade:
            report["cascade"] = evaluate_si_cascade(bundle_dir, splits)
        _print_report(bundle_dir, report)
        everything[bundle_dir] = report
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(everything, f, indent=2)
    if args.write:
        from .export import update_manifest_metrics

        for bundle_dir, report in everything.items():
            update_manifest_metrics(bundle_dir, manifest_metrics(report))
            print(f"metrics written to {bundle_dir}/manifest.json")


def _cmd_threshold(args):
    from .evaluate import run_threshold_command, sweep_split_runs

    def sweep(bundle_dir, thresholds):
        splits = load_eval_splits(resolve_data_root(args.data_root))
        return sweep_split_runs(si_cascade_runs(bundle_dir, splits), thresholds)

    run_threshold_command(args, [name for name, *_ in EVAL_SPLITS], sweep)


def manifest_metrics(report: dict) -> dict:
    """The manifest's ``metrics``: fine-model pixel scores per split (and the cascade's when run)."""
    keys = ("accuracy", "precision", "recall", "f1", "iou", "pixels")
    out = {}
    for split, scores in report["fine"].items():
        out[split] = {k: round(scores[k], 4) if isinstance(scores[k], float) else scores[k] for k in keys}
        out[split]["measured_on"] = ("fine model over whole images, onnxruntime, nodata excluded, micro-averaged; "
                                     "bands and descriptors as the engine feeds that sensor")
        if "cascade" in report:
            c = report["cascade"][split]
            out[split]["cascade"] = {k: round(c[k], 4) for k in ("f1", "iou", "precision", "recall", "accuracy",
                                                                 "fine_cell_fraction")}
    return out


def main(argv=None):
    from .evaluate import add_threshold_arguments

    parser = argparse.ArgumentParser(prog="python -m training.si_train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-root", help="folder with biome_l8/, oncloudn_s2/ ... (default ../shared/data)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train", help="train the sensor-independent models and export the bundle")
    p.add_argument("config")
    p.add_argument("--out", help="bundle folder (default: the config's bundle.out)")
    p.add_argument("--threads", type=int)
    p.add_argument("--seed", type=int, help="another seed: name <config>_seed<N>, bundle under the checkpoint folder")
    p.add_argument("--no-coarse", action="store_true", help="train the fine model only (comparison runs)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="where to train (default auto: a CUDA GPU when torch sees one, else the CPU)")
    p.add_argument("--no-evaluate", action="store_true")
    p.set_defaults(func=_cmd_train)
    p = sub.add_parser("export", help="export a saved checkpoint as a bundle again")
    p.add_argument("checkpoint", help="training/runs/<config>/checkpoint.pt")
    p.add_argument("--out", help="bundle folder (default: the config's bundle.out)")
    p.add_argument("--bands", help="comma-separated bands for the manifest (default: the config's)")
    p.add_argument("--config", help="take the settings that only shape the bundle (names, threshold, "
                                    "fine.inference_scale, coarse.min_confidence) from this config")
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser("quantize", help="add an int8 copy of the bundle's fine model for the CPU (fine.cpu_file)")
    p.add_argument("bundle")
    p.add_argument("--config", required=True, help="the config the bundle was trained with; its training "
                                                   "samples calibrate the quantisation")
    p.add_argument("--windows", type=int, default=96, help="calibration samples (default 96)")
    p.set_defaults(func=_cmd_quantize)
    p = sub.add_parser("evaluate", help="score sensor-independent bundles on the validation splits")
    p.add_argument("bundles", nargs="+")
    p.add_argument("--cascade", action="store_true", help="also run the full cascade through the engine")
    p.add_argument("--json")
    p.add_argument("--write", action="store_true", help="write the scores into each bundle's manifest")
    p.add_argument("--threads", type=int, default=1)
    p.set_defaults(func=_cmd_evaluate)
    p = sub.add_parser("threshold", help="score the cascade at several fine thresholds on the validation "
                                         "splits and choose one by a rule fixed in advance")
    # One split per sensor decides, each fed as the engine feeds that sensor.
    add_threshold_arguments(p, [name for name, *_ in EVAL_SPLITS], ["biome_val_7band", "oncloudn_val_rgbn"])
    p.set_defaults(func=_cmd_threshold)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""Training configuration: TOML files in ``training/configs/`` read into dataclasses.

Unknown keys are errors, so a typo in a config cannot silently fall back to a default.
Data paths in a config are relative to the data root (``../shared/data`` next to the
repository, or ``--data-root``); output paths are relative to the repository root.

A config with an ``[si]`` table trains sensor-independent models (Francis, "Sensor-Independent
Deep Learning for Cloud Masking"): each
band reaches the models with its descriptor (centre wavelength and width), each source
names its ``sensor`` and the ``bands`` it has, and ``bands`` lists every band the bundle
accepts. See ``SensorIndependence``.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from cloud_mask_plugin.core.bands import COMMON_BANDS, SENSORS

from .augment import PhotometricConfig, SyntheticCloudConfig


@dataclass
class BundleConfig:
    out: str = "cloud_mask_plugin/models/default"
    name: str = "cloud-mask-default"
    version: str = "0.1.0"
    license: str = "CC-BY-4.0"
    description: str = ""


@dataclass
class GeometryConfig:
    downsample: int = 8
    stride: int = 16
    halo: int = 16
    multiple: int = 16

    @property
    def cell(self) -> int:
        return self.downsample * self.stride


@dataclass
class CalConfig:
    enabled: bool = False
    start: float = 60.0
    step: float = 2.0
    floor: float = 45.0
    update_every: int = 150
    combine: str = "and"
    sources: List[str] = field(default_factory=list)  # source names whose labels CAL refines


@dataclass
class FineConfig:
    widths: List[int] = field(default_factory=lambda: [16, 24, 32, 48, 64])
    decoder_widths: List[int] = field(default_factory=lambda: [8, 16, 24, 32])
    patch: int = 128
    overlap: int = 32
    batch: int = 16
    iterations: int = 1200
    lr: float = 3e-3
    weight_decay: float = 1e-4
    threshold: float = 0.5
    # Weight of cloud pixels in the binary cross-entropy. Above 1 trades precision for
    # recall: a missed cloud spoils a user's analysis, an extra masked pixel costs little.
    pos_weight: float = 1.0
    synthetic_share: float = 0.4  # share of each batch made of synthetic clouds over clear scenes
    nodata_edge_probability: float = 0.1
    extreme_bin_weight: float = 1 / 6
    # The exported fine model computes at 1/inference_scale of the input's resolution
    # (``models.AtLowerResolution``): the input is block-averaged, the logits upsampled.
    # Training is unchanged (it already resamples its scenes from 30 m to 15 and 10 m).
    inference_scale: int = 1
    photometric: PhotometricConfig = field(default_factory=PhotometricConfig)
    synthetic: SyntheticCloudConfig = field(default_factory=SyntheticCloudConfig)
    cal: CalConfig = field(default_factory=CalConfig)


@dataclass
class CoarseConfig:
    widths: List[int] = field(default_factory=lambda: [16, 24, 32, 48, 64])
    context_layers: int = 2
    tile: int = 256  # mosaics are built from tiles of this many full-resolution pixels
    mosaic_tiles: int = 4  # tiles per side: 4 x 256 = 1024 px, an 8 x 8 grid of 128 px cells
    mosaics: int = 300  # mosaics made once and drawn from with flips and brightness jitter
    batch: int = 8
    iterations: int = 400
    lr: float = 3e-3
    weight_decay: float = 1e-4
    # Eq. 2 weights in class order cloudless, overcast, partly_cloudy, nodata. The paper
    # uses alpha 2 for partly cloudy and 1 for the rest; Eq. 2 wants them to sum to 1, so
    # they are normalised when read.
    alpha: List[float] = field(default_factory=lambda: [1.0, 1.0, 2.0, 1.0])
    beta: List[float] = field(default_factory=lambda: [1.0, 1.0, 0.5, 1.0])
    gamma: float = 1.0
    # The paper trains with the weighted cross-entropy first and adds the adjacency term
    # for a last stretch; this is the fraction of iterations before gamma switches on.
    adjacency_after: float = 0.5
    temperature: float = 0.1  # relaxed one-hot of the adjacency loss
    grid_tolerance: float = 0.0
    synthetic_share: float = 0.5  # share of mosaics made of clear tiles under a synthetic cloud field
    nodata_edge_probability: float = 0.3
    min_confidence: float = 0.5  # written to the manifest for the engine

    def normalised_alpha(self) -> List[float]:
        total = float(sum(self.alpha))
        return [a / total for a in self.alpha]


@dataclass
class SensorIndependence:
    """The ``[si]`` table: models that take any of the config's bands, with their descriptors."""

    # Per-band feature maps of the band-set embedding (pooled to twice that); unused with
    # ``base_checkpoint``.
    features: int = 16
    # Bands every input has: kept by band dropout, written to the manifest.
    required_bands: Tuple[str, ...] = ("blue", "green", "red", "nir")
    # Share of samples cut down to the required bands only; otherwise each further band is
    # kept with ``extra_band_keep``.
    rgbn_only_probability: float = 0.3
    extra_band_keep: float = 0.6
    # Per sample, each band's wavelength is scaled by 1 + N(0, wavelength_jitter) and its
    # width by exp(U(-width_jitter, width_jitter)): Landsat and Sentinel-2 put their shared
    # bands a few nm apart, and the model should not tell the sensors apart by that alone
    # (only synthetic clouds come with Sentinel-2 descriptors; real labels are Landsat's).
    wavelength_jitter: float = 0.0
    width_jitter: float = 0.0
    # A fixed-band checkpoint whose models take the required bands (listed first in
    # ``bands``, in the base's order); the further bands are added to it
    # (``sensor_independent.ExtraBands``) and only their weights train.
    base_checkpoint: str = ""


@dataclass
class TrainConfig:
    name: str
    seed: int = 0
    threads: int = 2
    bands: List[str] = field(default_factory=lambda: ["blue", "green", "red", "nir"])
    checkpoint_dir: str = "training/runs"
    bundle: BundleConfig = field(default_factory=BundleConfig)
    geometry: GeometryConfig = field(default_factory=GeometryConfig)
    fine: FineConfig = field(default_factory=FineConfig)
    coarse: CoarseConfig = field(default_factory=CoarseConfig)
    # Each source: kind, path, name, and for training: scales (resampling factors),
    # weight (share among labelled sources), title and license (for the manifest).
    train_sources: List[Dict[str, Any]] = field(default_factory=list)
    clear_sources: List[Dict[str, Any]] = field(default_factory=list)
    val_sources: List[Dict[str, Any]] = field(default_factory=list)
    # The fold assignment of ``python -m training cv`` (made on first use; see training/cv.py).
    cv_folds: str = "training/cv_folds.json"
    si: Optional[SensorIndependence] = None
    source_path: Optional[str] = None

    @property
    def sensor_independent(self) -> bool:
        return self.si is not None

    def check(self):
        for b in self.bands:
            if b not in COMMON_BANDS:
                raise ValueError(f"config band '{b}' is not a band common name")
        g = self.geometry
        if (g.cell + 2 * g.halo) % g.multiple:
            raise ValueError("cell size plus twice the halo must be a multiple of 'multiple'")
        if self.fine.inference_scale < 1 or (g.cell + 2 * g.halo) % (g.multiple * self.fine.inference_scale):
            raise ValueError("fine.inference_scale must be 1 or more, and the fine window (cell plus twice the "
                             "halo) a multiple of 'multiple' times it")
        if self.fine.patch % g.multiple or self.coarse.tile % g.cell:
            raise ValueError("fine.patch must be a multiple of 'multiple' and coarse.tile of the cell size")
        if len(self.coarse.alpha) != 4 or len(self.coarse.beta) != 4:
            raise ValueError("coarse.alpha and coarse.beta need one value per coarse class (4)")
        for group in (self.train_sources, self.clear_sources, self.val_sources):
            for entry in group:
                if "kind" not in entry or "path" not in entry:
                    raise ValueError(f"data source {entry} needs 'kind' and 'path'")
                entry.setdefault("name", entry["kind"])
        if self.si is not None:
            self._check_sensor_independence()
        elif not self.train_sources:
            raise ValueError("the config lists no train_sources")
        return self

    def _check_sensor_independence(self):
        si, where = self.si, self.name
        if not (self.train_sources or self.clear_sources):
            raise ValueError(f"{where} lists neither train_sources nor clear_sources")
        missing = [b for b in si.required_bands if b not in self.bands]
        if missing:
            raise ValueError(f"required bands {missing} are not in the config's bands")
        # A band no training source has would reach the model with a descriptor it never saw,
        # which can throw it off completely (a Sentinel-2-only model fed Landsat's cirrus band
        # fell from F1 0.85 to 0.11 on Biome val), so the manifest lists trained bands only.
        trained = {b for entry in self.train_sources + self.clear_sources for b in entry.get("bands", ())}
        untrained = [b for b in self.bands if b not in trained]
        if untrained:
            raise ValueError(f"{where}: bands {untrained} are in no source; drop them from 'bands'")
        if si.base_checkpoint and tuple(self.bands[:len(si.required_bands)]) != si.required_bands:
            raise ValueError(f"{where}: with a base_checkpoint, 'bands' must start with the required bands "
                             f"{list(si.required_bands)} (the base model's inputs, fed first)")
        for entry in self.train_sources + self.clear_sources:
            if entry.get("sensor") not in SENSORS or not entry.get("bands"):
                raise ValueError(f"source {entry['name']} needs 'sensor' (one of {list(SENSORS)}) and 'bands'")
            lacking = [b for b in si.required_bands if b not in entry["bands"]]
            if lacking:
                raise ValueError(f"source {entry['name']} lacks the required bands {lacking}")

    def as_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)


def _build(cls, values: Dict[str, Any], where: str):
    """A dataclass from a TOML table, recursing into nested dataclass fields."""
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; known: {sorted(known)}")
    kwargs = {}
    for key, value in values.items():
        if cls is TrainConfig and key == "si":
            kwargs[key] = None if value is None else _sensor_independence(value, f"{where} [si]")
            continue
        default = known[key].default_factory() if known[key].default_factory is not dataclasses.MISSING else None
        if dataclasses.is_dataclass(default) and isinstance(value, dict):
            kwargs[key] = _build(type(default), value, f"{where}.{key}")
        elif isinstance(value, list) and key in ("gain", "haze", "coverage", "thick_opacity", "thin_opacity",
                                                  "brightness", "edge_softness"):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def _sensor_independence(values: Dict[str, Any], where: str) -> SensorIndependence:
    unknown = set(values) - set(SensorIndependence.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    values = dict(values)
    if "required_bands" in values:
        values["required_bands"] = tuple(values["required_bands"])
    return SensorIndependence(**values)


def load_config(path: str) -> TrainConfig:
    with open(path, "rb") as f:
        values = tomllib.load(f)
    if "name" not in values:
        values["name"] = os.path.splitext(os.path.basename(path))[0]
    cfg = _build(TrainConfig, values, os.path.basename(path))
    cfg.source_path = path
    return cfg.check()


def config_from_dict(values: Dict[str, Any]) -> TrainConfig:
    return _build(TrainConfig, dict(values), "config").check()

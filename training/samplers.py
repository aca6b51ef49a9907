"""Batches for the two models, drawn from the configured sources with augmentation.

A ``Source`` is one ``[[train_sources]]`` or ``[[clear_sources]]`` entry with its scenes,
its bands and their spectra; for a sensor-independent config also the bands' descriptors,
and each sample then keeps a random subset of its bands (``augment.band_dropout``) and
comes as (image, descriptors), since samples with different band sets share a batch.

- ``FineSampler``: patches of ``fine.patch`` px. A share of each batch (``synthetic_share``)
  is clear scenes under synthetic clouds; the rest comes from the labelled sources in
  proportion to their ``weight``, each window drawn with the cloud-fraction balance of
  ``windows.balanced_weights``.
- ``CoarseSampler``: a bank of mosaics of ``mosaic_tiles`` x ``mosaic_tiles`` tiles (the scenes
  are far smaller than a satellite scene, and the coarse model needs many cells per
  input to learn from neighbours); either labelled tiles, or clear tiles under one
  synthetic cloud field spanning the whole mosaic. Mosaics are block-averaged to the
  coarse input and turned into grid labels at full resolution.

Every source is resampled once at start-up by each of its ``scales`` (see
``augment.rescale``); a draw picks a scale uniformly, then a window. A streamed source (a
folder of GeoTIFF pairs, ``scenes.StreamedScene``) is not held in memory: its pools keep only
an index of windows, and each draw reads its window from disk and resamples it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from . import augment
from .cal import CloudAdaptiveLabeling
from .config import TrainConfig
from .data import read_source
from .grid import block_average, grid_labels
from .scenes import Scene, StreamedScene, sensor_descriptors
from .sensor_independent import forward_mixed
from .windows import Window, balanced_fraction_weights, balanced_weights, build_windows, cut, scene_windows


@dataclass
class Source:
    entry: dict
    scenes: list                         # Scene, or StreamedScene for a streamed folder of pairs
    bands: List[str]
    spectra: augment.BandSpectra
    descriptors: Optional[np.ndarray]    # [C, 2] um, sensor-independent configs only

    @property
    def name(self) -> str:
        return self.entry["name"]


def load_sources(entries: Sequence[dict], data_root: str, cfg: TrainConfig) -> List[Source]:
    """The scenes of each entry with the config's bands, or for a sensor-independent config
    with the entry's own bands, their sensor's descriptors and BigEarthNet's coarser bands
    interpolated rather than repeated (see ``data._read_s2_bands``)."""
    out = []
    for entry in entries:
        if cfg.sensor_independent:
            bands = list(entry["bands"])
            scenes = read_source(entry, data_root, bands, streamed=True, resample="bilinear")
            descriptors = sensor_descriptors(entry["sensor"], bands)
            spectra = augment.spectra_by_wavelength(descriptors)
        else:
            bands, descriptors = list(cfg.bands), None
            scenes = read_source(entry, data_root, bands, streamed=True)
            spectra = augment.spectra_by_name(bands)
        if entry.get("teacher"):
            # Images without manual masks: the teacher's cloud class is their label.
            from .teacher import apply_teacher

            scenes = apply_teacher(entry, scenes, data_root)
        if not scenes:
            raise ValueError(f"source {entry['name']} ({entry['path']}) gave no scenes")
        out.append(Source(entry, scenes, bands, spectra, descriptors))
    return out


@dataclass
class Pool:
    """Windows of one source at one scale."""

    source: str
    scenes: List[Scene]
    windows: List[Window]
    weights: np.ndarray

    def draw(self, rng, size: int):
        win = self.windows[int(rng.choice(len(self.windows), p=self.weights))]
        return cut(self.scenes[win.scene], win, size)


class StreamedPool:
    """Windows of one streamed source at one scale, as an index: scene, corner and weight of
    each window (20 bytes), never the pixels. Windows are ``span`` = ``ceil(size / factor)``
    px on the source's own grid, so that resampled by ``factor`` they cover ``size`` px, like
    the windows of an in-memory pool cut from the resampled scene."""

    def __init__(self, source: str, scenes: Sequence[StreamedScene], factor: float, span: int,
                 index: np.ndarray, fractions: np.ndarray, balanced: bool, extreme_bin_weight: float):
        self.source, self.scenes, self.factor, self.span = source, list(scenes), factor, span
        self.scene_of, self.y, self.x = index[:, 0], index[:, 1], index[:, 2]
        self.weights = (balanced_fraction_weights(fractions, extreme_bin_weight=extreme_bin_weight) if balanced
                        else np.full(len(fractions), 1.0 / len(fractions)))

    def draw(self, rng, size: int):
        k = int(rng.choice(len(self.weights), p=self.weights))
        win = self.scenes[self.scene_of[k]].window(int(self.y[k]), int(self.x[k]), self.span, self.span)
        image, valid, label = augment.rescale(win.image, win.valid, win.label, self.factor)
        return image[:, :size, :size], valid[:size, :size], label[:size, :size]


def streamed_pools(name: str, scenes: Sequence[StreamedScene], factors: Sequence[float], size: int, overlap: int,
                   balanced: bool, extreme_bin_weight: float) -> List[StreamedPool]:
    """One ``StreamedPool`` per scale that has a window: each scene is read once, whole, to
    index its windows at every scale (as arrays, scene by scene), and dropped before the next."""
    spans = [int(np.ceil(size / f)) for f in factors]
    indexes: List[List[np.ndarray]] = [[] for _ in factors]
    fractions: List[List[np.ndarray]] = [[] for _ in factors]
    for i, scene in enumerate(scenes):
        pixels = scene.load()
        for k, span in enumerate(spans):
            span_overlap = min(int(round(overlap * span / size)), span - 1)
            found = list(scene_windows(pixels.valid, pixels.label, span, span_overlap))
            indexes[k].append(np.array([(i, y, x) for y, x, _ in found], dtype=np.int32).reshape(-1, 3))
            fractions[k].append(np.array([f for _, _, f in found], dtype=np.float32))
        del pixels
    pools = []
    for factor, span, index, fraction in zip(factors, spans, indexes, fractions):
        index, fraction = np.concatenate(index), np.concatenate(fraction)
        if len(fraction):
            pools.append(StreamedPool(name, scenes, factor, span, index, fraction, balanced, extreme_bin_weight))
    return pools


def _scaled(scenes: Sequence[Scene], factor: float) -> List[Scene]:
    out = []
    for s in scenes:
        image, valid, label = augment.rescale(s.image, s.valid, s.label, factor)
        out.append(Scene(f"{s.name}@x{factor:g}", image, valid, label, s.source, s.pixel_size_m / factor))
    return out


def build_pools(sources: Sequence[Source], size: int, overlap: int, balanced: bool,
                extreme_bin_weight: float) -> Dict[str, List[Pool]]:
    """Per source name, one pool per scale that has at least one window of ``size`` px."""
    pools: Dict[str, List[Pool]] = {}
    for source in sources:
        entry, scenes = source.entry, source.scenes
        factors = [float(f) for f in entry.get("scales", [1.0])]
        if scenes and isinstance(scenes[0], StreamedScene):
            found = streamed_pools(entry["name"], scenes, factors, size, overlap, balanced, extreme_bin_weight)
            if found:
                pools[entry["name"]] = found
            continue
        for factor in factors:
            scaled = _scaled(scenes, factor)
            windows = build_windows(scaled, size, overlap)
            if not windows:
                continue
            if balanced:
                weights = balanced_weights(windows, extreme_bin_weight=extreme_bin_weight)
            else:
                weights = np.full(len(windows), 1.0 / len(windows))
            pools.setdefault(entry["name"], []).append(Pool(entry["name"], scaled, windows, weights))
    return pools


class _Draws:
    """The pools of some sources and each source's share of the draws (its ``weight``).
    ``required``: sources none of which has a window are an error, not just never drawn."""

    def __init__(self, sources: Sequence[Source], size: int, overlap: int, balanced: bool, extreme_bin_weight: float,
                 required: bool = False):
        self.sources = {s.name: s for s in sources}
        self.pools = build_pools(sources, size, overlap, balanced, extreme_bin_weight) if sources else {}
        self.names = [s.name for s in sources if s.name in self.pools]
        if required and not self.names:
            raise ValueError("no source has a window of the requested size; lower the scales or the patch size")
        w = np.array([float(self.sources[n].entry.get("weight", 1.0)) for n in self.names])
        self.p = w / w.sum() if self.names else w

    def __bool__(self):
        return bool(self.names)

    def source(self, rng) -> str:
        return self.names[int(rng.choice(len(self.names), p=self.p))]

    def pool(self, name: str, rng):
        """One of the source's scales, uniformly."""
        scale_pools = self.pools[name]
        return scale_pools[int(rng.integers(len(scale_pools)))]


def _synthetic(labelled: _Draws, clear: _Draws, share: float, rng) -> bool:
    """Whether a sample is clear ground under synthetic clouds: with ``share``, always when
    there is no labelled source (a sensor-independent config may have none), never without
    clear sources."""
    return bool(clear) and (not labelled or rng.random() < share)


def forward(model, inputs, device):
    """The model's output for a batch's ``inputs``: an array [N, C, H, W], or for a
    sensor-independent model a list of (image [C_i, H, W], descriptors [C_i, 2])."""
    if isinstance(inputs, np.ndarray):
        return model(torch.from_numpy(inputs).to(device))
    return forward_mixed(model, [(torch.from_numpy(np.ascontiguousarray(image)).to(device),
                                  torch.from_numpy(np.ascontiguousarray(desc)).to(device)) for image, desc in inputs])


def _inputs(images, descriptors):
    return np.stack(images) if descriptors[0] is None else list(zip(images, descriptors))


class FineSampler:
    def __init__(self, cfg: TrainConfig, labelled: Sequence[Source], clear: Sequence[Source], rng: np.random.Generator,
                 cal: Optional[CloudAdaptiveLabeling] = None):
        self.cfg, self.rng, self.cal = cfg, rng, cal
        f = cfg.fine
        self.labelled = _Draws(labelled, f.patch, f.overlap, True, f.extreme_bin_weight, not cfg.sensor_independent)
        self.clear = _Draws(clear, f.patch, f.overlap, False, f.extreme_bin_weight)
        if not (self.labelled or self.clear):
            raise ValueError("no source has a window of the patch size")
        self.cal_sources = set(f.cal.sources) if cal is not None else set()

    def sample(self):
        """One augmented patch: image, its band descriptors (None for fixed bands), valid,
        label, and whether CAL relabelled it."""
        f, rng = self.cfg.fine, self.rng
        synthetic = _synthetic(self.labelled, self.clear, f.synthetic_share, rng)
        draws = self.clear if synthetic else self.labelled
        name = draws.source(rng)
        source = draws.sources[name]
        image, valid, label = augment.flip_rotate(*draws.pool(name, rng).draw(rng, f.patch), rng)
        relabelled = False
        if synthetic:
            image = augment.add_synthetic_snow(image, valid, source.bands, f.synthetic, rng)
            image, valid, label = augment.add_synthetic_clouds(image, valid, label, source.spectra, f.synthetic, rng)
        elif name in self.cal_sources:
            # CAL binarises the reflectance as delivered, before the brightness jitter.
            label = self.cal.relabel(image, label, valid, source.bands)
            relabelled = True
        if rng.random() < f.nodata_edge_probability:
            image, valid, label = augment.add_nodata_edge(image, valid, label, rng)
        image = augment.jitter_brightness(image, valid, source.spectra, f.photometric, rng)
        image, descriptors = _drop_bands(image, source, self.cfg.si, rng)
        return image, descriptors, valid, label, relabelled

    def batch(self, n: int):
        """(inputs for ``forward``, valid [N, H, W], label [N, H, W], relabelled [N])."""
        samples = [self.sample() for _ in range(n)]
        return (_inputs([s[0] for s in samples], [s[1] for s in samples]), np.stack([s[2] for s in samples]),
                np.stack([s[3] for s in samples]), np.array([s[4] for s in samples]))


def _drop_bands(image, source: Source, si, rng):
    """A sensor-independent sample keeps some of its bands, with their jittered descriptors."""
    if source.descriptors is None:
        return image, None
    keep = augment.band_dropout(source.bands, si, rng)
    return image[keep], augment.jitter_descriptors(source.descriptors[keep], si, rng)


class CoarseSampler:
    def __init__(self, cfg: TrainConfig, labelled: Sequence[Source], clear: Sequence[Source], rng: np.random.Generator):
        self.cfg, self.rng = cfg, rng
        c = cfg.coarse
        self.labelled = _Draws(labelled, c.tile, c.tile // 2, False, 1 / 6, not cfg.sensor_independent)
        self.clear = _Draws(clear, c.tile, c.tile // 2, False, 1 / 6)
        # A sensor-independent mosaic takes its tiles from one source, so it has one band set.
        self.one_source_per_mosaic = cfg.sensor_independent

    def mosaic(self):
        """One full-resolution mosaic before brightness jitter: its source (the first tile's),
        image [C, S, S], valid, label."""
        c, rng = self.cfg.coarse, self.rng
        synthetic = _synthetic(self.labelled, self.clear, c.synthetic_share, rng)
        draws = self.clear if synthetic else self.labelled
        name = draws.source(rng) if self.one_source_per_mosaic else None
        rows, first = [], None
        for _ in range(c.mosaic_tiles):
            tiles = []
            for _ in range(c.mosaic_tiles):
                tile_source = name or draws.source(rng)
                first = first or tile_source
                tiles.append(augment.flip_rotate(*draws.pool(tile_source, rng).draw(rng, c.tile), rng))
            rows.append(tuple(np.concatenate([t[k] for t in tiles], axis=-1) for k in range(3)))
        image, valid, label = (np.concatenate([r[k] for r in rows], axis=-2) for k in range(3))
        source = draws.sources[first]
        if synthetic:
            image = augment.add_synthetic_snow(image, valid, source.bands, self.cfg.fine.synthetic, rng)
            image, valid, label = augment.add_synthetic_clouds(image, valid, label, source.spectra,
                                                               self.cfg.fine.synthetic, rng)
        if rng.random() < c.nodata_edge_probability:
            image, valid, label = augment.add_nodata_edge(image, valid, label, rng)
        return source, image, valid, label

    def build_bank(self, count: int, progress: bool = False):
        """Make ``count`` mosaics once, kept as coarse inputs and grid labels.

        Building a mosaic at full resolution costs far more than a coarse training step,
        so training draws from this bank and varies each draw cheaply at coarse
        resolution: flips and rotations commute exactly with block averaging and grid
        labels, and the brightness jitter is linear, so it commutes with the averaging too.
        """
        from tqdm import tqdm

        g = self.cfg.geometry
        self.bank = []
        for _ in tqdm(range(count), desc="coarse mosaics", disable=not progress, mininterval=2.0):
            source, image, valid, label = self.mosaic()
            h, w = valid.shape
            f = g.downsample
            self.bank.append((source, block_average(image, valid, f), valid.reshape(h // f, f, w // f, f).any(axis=(1, 3)),
                              grid_labels(label, valid, g.cell, self.cfg.coarse.grid_tolerance)))

    def batch(self, n: int):
        """(inputs for ``forward``: coarse inputs [n, C, S/8, S/8], grid labels [n, S/128, S/128])
        drawn from the bank. Fixed-band runs draw the batch's mosaics at once, sensor-independent
        ones each right before its augmentation: the orders the shipped configs were trained
        with, kept so that they train the same weights."""
        at_once = None if self.one_source_per_mosaic else self.rng.integers(len(self.bank), size=n)
        images, descriptors, targets = [], [], []
        for k in range(n):
            i = at_once[k] if at_once is not None else self.rng.integers(len(self.bank))
            source, x, v, t = self.bank[i]
            x, v, t = augment.flip_rotate(x, v, t, self.rng)
            x = augment.jitter_brightness(x, v, source.spectra, self.cfg.fine.photometric, self.rng)
            x, desc = _drop_bands(x, source, self.cfg.si, self.rng)
            images.append(x)
            descriptors.append(desc)
            targets.append(t)
        return _inputs(images, descriptors), np.stack(targets)

"""Batches for the two models, drawn from the configured sources with augmentation.

- ``FineSampler``: patches of ``fine.patch`` px. A share of each batch (``synthetic_share``)
  is clear scenes under synthetic clouds; the rest comes from the labelled sources in
  proportion to their ``weight``, each window drawn with the cloud-fraction balance of
  ``sampling.balanced_weights``.
- ``CoarseSampler``: a bank of mosaics of ``mosaic_tiles`` x ``mosaic_tiles`` tiles (the scenes
  are far smaller than a satellite scene, and the coarse model needs many cells per
  input to learn from neighbours); either labelled tiles, or clear tiles under one
  synthetic cloud field spanning the whole mosaic. Mosaics are block-averaged to the
  coarse input and turned into grid labels at full resolution.

Every source is resampled once at start-up by each of its ``scales`` (see
``augment.rescale``); a draw picks a scale uniformly, then a window. A streamed source (a
folder of GeoTIFF pairs, ``data.StreamedScene``) is not held in memory: its pools keep only
an index of windows, and each draw reads its window from disk and resamples it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import augment
from .cal import CloudAdaptiveLabeling
from .config import TrainConfig
from .data import Scene, StreamedScene
from .grid import block_average, grid_labels
from .sampling import Window, balanced_fraction_weights, balanced_weights, build_windows, cut, scene_windows


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


def build_pools(sources: Sequence[Tuple[dict, List[Scene]]], size: int, overlap: int, balanced: bool,
                extreme_bin_weight: float) -> Dict[str, List[Pool]]:
    """Per source name, one pool per scale that has at least one window of ``size`` px."""
    pools: Dict[str, List[Pool]] = {}
    for entry, scenes in sources:
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


def _source_probabilities(entries: Sequence[dict], pools: Dict[str, List[Pool]]) -> Tuple[List[str], np.ndarray]:
    names = [e["name"] for e in entries if e["name"] in pools]
    if not names:
        raise ValueError("no source has a window of the requested size; lower the scales or the patch size")
    w = np.array([float(next(e for e in entries if e["name"] == n).get("weight", 1.0)) for n in names])
    return names, w / w.sum()


class FineSampler:
    def __init__(self, cfg: TrainConfig, labelled, clear, rng: np.random.Generator,
                 cal: Optional[CloudAdaptiveLabeling] = None):
        self.cfg, self.rng, self.cal = cfg, rng, cal
        f = cfg.fine
        self.labelled = build_pools(labelled, f.patch, f.overlap, True, f.extreme_bin_weight)
        self.labelled_names, self.labelled_p = _source_probabilities([e for e, _ in labelled], self.labelled)
        self.clear = build_pools(clear, f.patch, f.overlap, False, f.extreme_bin_weight) if clear else {}
        if self.clear:
            self.clear_names, self.clear_p = _source_probabilities([e for e, _ in clear], self.clear)
        self.cal_sources = set(f.cal.sources) if cal is not None else set()

    def _pick(self, pools, names, p):
        name = names[int(self.rng.choice(len(names), p=p))]
        scale_pools = pools[name]
        return name, scale_pools[int(self.rng.integers(len(scale_pools)))]

    def sample(self):
        """One augmented patch: image, valid, label, and whether CAL relabelled it."""
        f, bands, rng = self.cfg.fine, self.cfg.bands, self.rng
        synthetic = bool(self.clear) and rng.random() < f.synthetic_share
        if synthetic:
            _, pool = self._pick(self.clear, self.clear_names, self.clear_p)
        else:
            name, pool = self._pick(self.labelled, self.labelled_names, self.labelled_p)
        image, valid, label = augment.flip_rotate(*pool.draw(rng, f.patch), rng)
        relabelled = False
        if synthetic:
            image, valid, label = augment.add_synthetic_clouds(image, valid, label, bands, f.synthetic, rng)
        elif name in self.cal_sources:
            # CAL binarises the reflectance as delivered, before the brightness jitter.
            label = self.cal.relabel(image, label, valid, bands)
            relabelled = True
        if rng.random() < f.nodata_edge_probability:
            image, valid, label = augment.add_nodata_edge(image, valid, label, rng)
        image = augment.jitter_brightness(image, valid, bands, f.photometric, rng)
        return image, valid, label, relabelled

    def batch(self, n: int):
        samples = [self.sample() for _ in range(n)]
        return (np.stack([s[0] for s in samples]), np.stack([s[1] for s in samples]),
                np.stack([s[2] for s in samples]), np.array([s[3] for s in samples]))


class CoarseSampler:
    def __init__(self, cfg: TrainConfig, labelled, clear, rng: np.random.Generator):
        self.cfg, self.rng = cfg, rng
        c = cfg.coarse
        self.labelled = build_pools(labelled, c.tile, c.tile // 2, False, 1 / 6)
        self.labelled_names, self.labelled_p = _source_probabilities([e for e, _ in labelled], self.labelled)
        self.clear = build_pools(clear, c.tile, c.tile // 2, False, 1 / 6) if clear else {}
        if self.clear:
            self.clear_names, self.clear_p = _source_probabilities([e for e, _ in clear], self.clear)

    def _tile(self, pools, names, p):
        name = names[int(self.rng.choice(len(names), p=p))]
        scale_pools = pools[name]
        pool = scale_pools[int(self.rng.integers(len(scale_pools)))]
        return augment.flip_rotate(*pool.draw(self.rng, self.cfg.coarse.tile), self.rng)

    def mosaic(self):
        """One full-resolution mosaic before brightness jitter: image [C, S, S], valid, label."""
        c, rng = self.cfg.coarse, self.rng
        synthetic = bool(self.clear) and rng.random() < c.synthetic_share
        pools = (self.clear, self.clear_names, self.clear_p) if synthetic else \
            (self.labelled, self.labelled_names, self.labelled_p)
        rows = []
        for _ in range(c.mosaic_tiles):
            tiles = [self._tile(*pools) for _ in range(c.mosaic_tiles)]
            rows.append(tuple(np.concatenate([t[k] for t in tiles], axis=-1) for k in range(3)))
        image, valid, label = (np.concatenate([r[k] for r in rows], axis=-2) for k in range(3))
        if synthetic:
            image, valid, label = augment.add_synthetic_clouds(image, valid, label, self.cfg.bands,
                                                               self.cfg.fine.synthetic, rng)
        if rng.random() < c.nodata_edge_probability:
            image, valid, label = augment.add_nodata_edge(image, valid, label, rng)
        return image, valid, label

    def build_bank(self, count: int, progress: bool = False):
        """Make ``count`` mosaics once, kept as coarse inputs and grid labels.

        Building a mosaic at full resolution costs far more than a coarse training step,
        so training draws from this bank and varies each draw cheaply at coarse
        resolution: flips and rotations commute exactly with block averaging and grid
        labels, and the brightness jitter is linear, so it commutes with the averaging too.
        """
        from tqdm import tqdm

        g = self.cfg.geometry
        inputs, valids, targets = [], [], []
        for _ in tqdm(range(count), desc="coarse mosaics", disable=not progress, mininterval=2.0):
            image, valid, label = self.mosaic()
            inputs.append(block_average(image, valid, g.downsample))
            h, w = valid.shape
            f = g.downsample
            valids.append(valid.reshape(h // f, f, w // f, f).any(axis=(1, 3)))
            targets.append(grid_labels(label, valid, g.cell, self.cfg.coarse.grid_tolerance))
        self.bank = (np.stack(inputs), np.stack(valids), np.stack(targets))

    def batch(self, n: int):
        """Coarse inputs [n, C, S/8, S/8] and grid labels [n, S/128, S/128] drawn from the bank."""
        inputs, valids, targets = self.bank
        xs, ts = [], []
        for i in self.rng.integers(len(inputs), size=n):
            x, v, t = augment.flip_rotate(inputs[i], valids[i], targets[i], self.rng)
            xs.append(augment.jitter_brightness(x, v, self.cfg.bands, self.cfg.fine.photometric, self.rng))
            ts.append(t)
        return np.stack(xs), np.stack(ts)

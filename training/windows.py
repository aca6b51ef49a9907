"""Patch sampling: overlapping windows over every scene, drawn with cloud-fraction balance.

Scenes are cut into windows on a regular grid with ``overlap`` pixels shared between
neighbours (the paper uses 256 px windows overlapping by 4 px); the last window of a row
or column is moved in so that the scene edge is covered too.

Most windows are entirely clear or entirely cloudy, while the fine model works on the
partly cloudy cells the coarse model hands it. Following Luotamo et al., windows are put into
ten bins by cloud fraction and drawn so that the two extreme bins (< 10 %, >= 90 %)
carry ``extreme_bin_weight`` each and the middle bins share the rest; empty bins give
their share to the others.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence

import numpy as np

from .scenes import Scene


def window_origins(length: int, window: int, overlap: int) -> List[int]:
    """Start offsets of windows of ``window`` px along an axis of ``length`` px."""
    if window >= length:
        return [0]
    step = window - overlap
    if step <= 0:
        raise ValueError(f"overlap {overlap} must be smaller than the window {window}")
    starts = list(range(0, length - window + 1, step))
    if starts[-1] != length - window:
        starts.append(length - window)
    return starts


@dataclass
class Window:
    scene: int
    y: int
    x: int
    cloud_fraction: float


def scene_windows(valid: np.ndarray, label: np.ndarray, window: int, overlap: int, min_valid: float = 0.5):
    """``(y, x, cloud fraction)`` of the windows of one scene with at least ``min_valid`` data
    (none when the scene is smaller than ``window`` px on a side)."""
    h, w = valid.shape
    if h < window or w < window:
        return
    for y in window_origins(h, window, overlap):
        for x in window_origins(w, window, overlap):
            v = valid[y:y + window, x:x + window]
            n = int(v.sum())
            if n < min_valid * v.size:
                continue
            yield y, x, int((label[y:y + window, x:x + window] & v).sum()) / n


def build_windows(scenes: Sequence[Scene], window: int, overlap: int, min_valid: float = 0.5) -> List[Window]:
    """All windows of all scenes at least ``window`` px in both sizes, with ``min_valid`` data."""
    return [Window(i, y, x, fraction) for i, scene in enumerate(scenes)
            for y, x, fraction in scene_windows(scene.valid, scene.label, window, overlap, min_valid)]


def cloud_fraction_bins(fractions: np.ndarray, bins: int = 10) -> np.ndarray:
    return np.minimum((np.asarray(fractions) * bins).astype(int), bins - 1)


def balanced_weights(windows: Sequence[Window], bins: int = 10, extreme_bin_weight: float = 1 / 6) -> np.ndarray:
    """Sampling probability of each window so that bins get the paper's shares."""
    return balanced_fraction_weights(np.array([w.cloud_fraction for w in windows]), bins, extreme_bin_weight)


def balanced_fraction_weights(fractions: np.ndarray, bins: int = 10, extreme_bin_weight: float = 1 / 6
                              ) -> np.ndarray:
    """``balanced_weights`` from the windows' cloud fractions alone."""
    if len(fractions) == 0:
        return np.zeros(0)
    which = cloud_fraction_bins(fractions, bins)
    share = np.full(bins, (1.0 - 2 * extreme_bin_weight) / (bins - 2))
    share[0] = share[-1] = extreme_bin_weight
    counts = np.bincount(which, minlength=bins)
    share[counts == 0] = 0.0
    share /= share.sum()
    weights = share[which] / counts[which]
    return weights / weights.sum()


def cut(scene: Scene, win: Window, size: int):
    sl = (slice(win.y, win.y + size), slice(win.x, win.x + size))
    return scene.image[(slice(None),) + sl], scene.valid[sl], scene.label[sl]

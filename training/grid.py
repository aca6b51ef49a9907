"""Cascade geometry shared by training and evaluation: block averaging and grid labels.

The coarse model sees the scene downsampled ``downsample`` times and answers one class
per cell of ``cell = downsample * stride`` full-resolution pixels. Class indices follow
``COARSE_CLASSES`` of the bundle format: cloudless, overcast, partly_cloudy, nodata.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

from cloud_mask_plugin.core.bundle import COARSE_CLASSES
from cloud_mask_plugin.core.cascade import downsample_mean

CLOUDLESS, OVERCAST, PARTLY_CLOUDY, NODATA = (COARSE_CLASSES.index(c) for c in
                                              ("cloudless", "overcast", "partly_cloudy", "nodata"))


def pad_to_multiple(image: np.ndarray, valid: np.ndarray, label: np.ndarray, multiple: int
                    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pad bottom and right with nodata so that height and width are multiples of ``multiple``."""
    h, w = valid.shape
    ph, pw = (-h) % multiple, (-w) % multiple
    if not ph and not pw:
        return image, valid, label
    return (np.pad(image, ((0, 0), (0, ph), (0, pw))),
            np.pad(valid, ((0, ph), (0, pw))),
            np.pad(label, ((0, ph), (0, pw))))


def block_average(image: np.ndarray, valid: np.ndarray, factor: int) -> np.ndarray:
    """Mean of the valid pixels of each ``factor`` x ``factor`` block; 0 where none is valid.

    ``image`` [C, H, W] with H and W multiples of ``factor``; returns [C, H/f, W/f] float32.
    This is the engine's own function, so the coarse model trains on exactly the inputs
    it gets in use.
    """
    return downsample_mean(np.asarray(image, np.float32), valid, factor)


def grid_labels(label: np.ndarray, valid: np.ndarray, cell: int, tolerance: float = 0.0) -> np.ndarray:
    """Coarse class of each ``cell`` x ``cell`` block of a full-resolution cloud mask.

    A cell with no valid pixel is nodata; otherwise its cloud fraction f over the valid
    pixels decides: f <= tolerance is cloudless, f >= 1 - tolerance is overcast and
    anything between is partly cloudy. With the default tolerance 0 a single cloud pixel
    makes a cloudless cell partly cloudy, as in the paper (0 < n_cloud < w * h).
    """
    h, w = valid.shape
    if h % cell or w % cell:
        raise ValueError(f"mask size {h}x{w} is not a multiple of the cell size {cell}")
    if not 0.0 <= tolerance < 0.5:
        raise ValueError(f"grid label tolerance must be in [0, 0.5), got {tolerance}")
    v = valid.reshape(h // cell, cell, w // cell, cell).sum(axis=(1, 3))
    c = (label & valid).reshape(h // cell, cell, w // cell, cell).sum(axis=(1, 3))
    fraction = c / np.maximum(v, 1)
    out = np.full(v.shape, PARTLY_CLOUDY, dtype=np.int64)
    out[fraction <= tolerance] = CLOUDLESS
    out[fraction >= 1.0 - tolerance] = OVERCAST
    out[v == 0] = NODATA
    return out

"""Labels spoiled on purpose, to test Cloud Adaptive Labeling (Gala et al.) on noisy labels.

``corrupt_labels``: a clean mask spoiled the way hand-drawn or automatic masks go wrong:
dilated (generous outlines), eroded (thin edges missed), shifted (misregistration) or with
holes (missed blobs). Seeded, so a config names one reproducible noisy data set. Real weak
labels (the CFMask flags of Landsat 7) are read by ``data.read_landsat7_qa``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import ndimage

CORRUPTIONS = ("dilate", "erode", "shift", "holes")


def corrupt_labels(label: np.ndarray, valid: np.ndarray, seed: int, kinds: Sequence[str] = CORRUPTIONS,
                   max_radius: int = 6, max_shift: int = 8, hole_fraction: float = 0.3) -> np.ndarray:
    """A noisy copy of ``label`` [H, W] (bool): one corruption from ``kinds`` drawn per call.

    - ``dilate`` / ``erode``: a disk of radius 2..``max_radius`` px;
    - ``shift``: the mask moved by up to ``max_shift`` px in each direction (edges filled clear);
    - ``holes``: blobs of random size removed from the cloud until about ``hole_fraction``
      of it is gone (a mask that missed clouds).

    Nodata stays nodata: the result is false wherever ``valid`` is false.
    """
    rng = np.random.default_rng(seed)
    label = label.astype(bool) & valid
    kind = kinds[int(rng.integers(len(kinds)))]
    if kind not in CORRUPTIONS:
        raise ValueError(f"unknown corruption {kind!r}; known: {CORRUPTIONS}")
    if kind in ("dilate", "erode"):
        r = int(rng.integers(2, max_radius + 1))
        yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
        disk = yy ** 2 + xx ** 2 <= r * r
        op = ndimage.binary_dilation if kind == "dilate" else ndimage.binary_erosion
        # border_value=1 for erosion so the image edge does not eat clouds that leave the scene.
        noisy = op(label, structure=disk, border_value=0 if kind == "dilate" else 1)
    elif kind == "shift":
        dy, dx = (int(v) for v in rng.integers(-max_shift, max_shift + 1, size=2))
        if dy == 0 and dx == 0:
            dy = max_shift
        noisy = np.zeros_like(label)
        h, w = label.shape
        noisy[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            label[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    else:
        noisy = label.copy()
        target = hole_fraction * label.sum()
        removed, tries = 0, 0
        ys, xs = np.nonzero(label)
        h, w = label.shape
        yy, xx = np.mgrid[0:h, 0:w]
        while removed < target and tries < 200 and len(ys):
            i = int(rng.integers(len(ys)))
            r = float(rng.uniform(4, 20))
            hole = (yy - ys[i]) ** 2 + (xx - xs[i]) ** 2 <= r * r
            removed += int((noisy & hole).sum())
            noisy &= ~hole
            tries += 1
    return noisy & valid

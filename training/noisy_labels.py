"""Noisy cloud labels for Cloud Adaptive Labeling (seed 000): made on purpose, and real weak ones.

- ``corrupt_labels``: a clean mask spoiled the way hand-drawn or automatic masks go wrong:
  dilated (generous outlines), eroded (thin edges missed), shifted (misregistration) or
  with holes (missed blobs). Seeded, so a config names one reproducible noisy data set.
- ``read_landsat7_qa``: the Landsat 7 ETM+ Level-1 clip in ``weak/landsat7_qa`` with the
  CFMask cloud flag of its ``pixel_qa`` band as a weak label (no manual mask exists).

Landsat Collection 1 quality bits used here (USGS Landsat 7 Collection 1 product guides):

- ``pixel_qa`` (Level-2, 16 bit): bit 0 fill, 1 clear, 2 water, 3 cloud shadow, 4 snow,
  5 cloud, bits 6-7 cloud confidence (0 none, 1 low, 2 medium, 3 high). The label is bit 5
  whatever its confidence. In the clip it marks 44 % of the valid pixels (24 % of those
  with low confidence) and agrees with ``bqa`` bit 4 on 87 % of them: generous, noisy
  labels. Valid pixels: 53 % (Landsat 7 scan-line-corrector gaps are fill).
- ``bqa`` (Level-1, 16 bit): bit 0 designated fill, 1 dropped pixel, 2-3 radiometric
  saturation, 4 cloud, 5-6 cloud confidence, 7-8 cloud shadow confidence, 9-10 snow/ice
  confidence. Only used to cross-check bit 5 of ``pixel_qa`` (bit 4 here) in the tests.
- ``sr_cloud_qa`` (LEDAPS): bit 0 dark dense vegetation, 1 cloud, 2 cloud shadow,
  3 adjacent to cloud, 4 snow, 5 water. Not used: LEDAPS' own, coarser cloud test.
"""
from __future__ import annotations

import glob
import os
import re
from typing import Dict, List, Optional, Sequence

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


# ---------------------------------------------------------------------------------------------
# Landsat 7 ETM+ Collection 1 Level-1 with CFMask flags.

PIXEL_QA_FILL, PIXEL_QA_CLEAR, PIXEL_QA_WATER, PIXEL_QA_SHADOW, PIXEL_QA_SNOW, PIXEL_QA_CLOUD = 0, 1, 2, 3, 4, 5
BQA_FILL, BQA_CLOUD = 0, 4
LANDSAT7_BANDS = {"blue": 1, "green": 2, "red": 3, "nir": 4, "nir08": 4, "swir16": 5, "swir22": 7}


def qa_bit(qa: np.ndarray, bit: int) -> np.ndarray:
    return (qa.astype(np.uint32) >> bit) & 1 == 1


def qa_bits(qa: np.ndarray, first: int, count: int = 2) -> np.ndarray:
    return (qa.astype(np.uint32) >> first) & ((1 << count) - 1)


def read_mtl(path: str) -> Dict[str, str]:
    """``KEY = VALUE`` pairs of a Landsat MTL text file (groups flattened, quotes removed)."""
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*([A-Z0-9_]+)\s*=\s*(.+?)\s*$", line)
            if m and m.group(1) not in ("GROUP", "END_GROUP"):
                values[m.group(1)] = m.group(2).strip('"')
    return values


def landsat_toa_reflectance(dn: np.ndarray, mtl: Dict[str, str], band: int) -> np.ndarray:
    """TOA reflectance with the sun elevation correction: (M * DN + A) / sin(sun elevation)."""
    mult = float(mtl[f"REFLECTANCE_MULT_BAND_{band}"])
    add = float(mtl[f"REFLECTANCE_ADD_BAND_{band}"])
    sun = np.deg2rad(float(mtl["SUN_ELEVATION"]))
    return (mult * dn.astype(np.float64) + add) / np.sin(sun)


def read_landsat7_qa(folder: str, bands: Sequence[str], names: Optional[Sequence[str]] = None):
    """Scenes of ``folder``: one per ``*_MTL.txt`` with ``<id>_b<N>.tif`` and ``<id>_pixel_qa.tif``.

    Label: ``pixel_qa`` bit 5 (CFMask cloud); valid: DN > 0 in every band read and
    ``pixel_qa`` bit 0 (fill) unset.
    """
    from .data import Scene, _finish, _read

    scenes: List[Scene] = []
    for mtl_path in sorted(glob.glob(os.path.join(folder, "*_MTL.txt"))):
        scene_id = os.path.basename(mtl_path)[:-len("_MTL.txt")]
        mtl = read_mtl(mtl_path)
        layers, valid = [], None
        for name in bands:
            if name not in LANDSAT7_BANDS:
                raise ValueError(f"Landsat 7 has no '{name}' band here (it has {sorted(LANDSAT7_BANDS)})")
            dn = _read(os.path.join(folder, f"{scene_id}_b{LANDSAT7_BANDS[name]}.tif"))[0]
            valid = dn > 0 if valid is None else valid & (dn > 0)
            layers.append(landsat_toa_reflectance(dn, mtl, LANDSAT7_BANDS[name]))
        qa = _read(os.path.join(folder, f"{scene_id}_pixel_qa.tif"))[0]
        valid &= ~qa_bit(qa, PIXEL_QA_FILL)
        scenes.append(_finish(scene_id, np.stack(layers), valid, qa_bit(qa, PIXEL_QA_CLOUD), "landsat7_qa", 30.0))
    if not scenes:
        raise FileNotFoundError(f"no Landsat MTL files (*_MTL.txt) in {folder}")
    return scenes

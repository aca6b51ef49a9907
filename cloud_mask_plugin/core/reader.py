"""Windowed reads of the model's input bands as reflectance, with a validity mask.

A pixel is valid when every model band has data there: not the band's nodata value,
not masked by a per-dataset mask or alpha band, and finite. Invalid pixels are returned
as 0 reflectance, which is what the models were trained to see for no data.
"""
from __future__ import annotations

import math
import os
from typing import Tuple

import numpy as np
from osgeo import gdal

from .errors import InputError
from .gdal_util import gdal_errors, open_raster, vrt_xml

# Reflectance outside this range is a scaling mistake or a sensor artefact; clipping keeps
# one bad pixel from dominating the block averages of the coarse stage.
REFLECTANCE_RANGE = (-0.5, 2.0)


class RasterReader:
    def __init__(self, plan):
        self.plan = plan
        self.label = os.path.basename(plan.path) or plan.path
        self.ds = open_raster(plan.read_path)
        self.width = self.ds.RasterXSize
        self.height = self.ds.RasterYSize
        self.bands = [self.ds.GetRasterBand(i) for i in plan.source_bands]
        self.scales = np.asarray(plan.scales, dtype=np.float32)[:, None, None]
        self.offsets = np.asarray(plan.offsets, dtype=np.float32)[:, None, None]
        self.nodata = plan.nodata
        # Mask bands hold information beyond the nodata value only for alpha bands and
        # per-dataset masks (.msk files, JPEG/JP2 masks); only then are they worth reading.
        self.mask_bands = []
        # GDAL writes 4-band Byte GeoTIFFs as RGBA by default, so the NIR band of a blue,
        # green, red, NIR file reads as alpha; a band the model reads is data, not a mask.
        alpha_is_model_band = any(self.ds.GetRasterBand(i).GetColorInterpretation() == gdal.GCI_AlphaBand
                                  for i in plan.source_bands)
        for band in self.bands:
            flags = band.GetMaskFlags()
            if flags & gdal.GMF_ALPHA and alpha_is_model_band:
                continue
            if flags & (gdal.GMF_ALPHA | gdal.GMF_PER_DATASET) and not flags & gdal.GMF_NODATA:
                self.mask_bands.append(band.GetMaskBand())
                break  # per-dataset: one mask serves every band
        # GDAL keeps every block it decodes in its process-wide cache (GDAL_CACHEMAX, 5% of
        # RAM by default) until the cache is full: on a full Sentinel-2 tile that is over a
        # gigabyte. Changing the cache size would change it for all of QGIS, so instead the
        # reader drops this dataset's blocks once the reads have moved below them.
        self.block_rows = max(b.GetBlockSize()[1] for b in self.bands + self.mask_bands)
        # Inputs stored in full-width strips (GeoTIFFs written without TILED=YES) decode a
        # whole strip for any part of it; tiled inputs can be read in column stripes.
        self.tiled = max(b.GetBlockSize()[0] for b in self.bands + self.mask_bands) < self.width
        # A VRT's own blocks (128 rows) say nothing about the files under it: Sentinel-2's
        # JPEG 2000 bands decode in tiles of 1024 rows, which would be decoded eight times
        # over if the cache were dropped every 128 rows.
        if self.ds.GetDriver().ShortName in ("VRT", "SENTINEL2"):
            self.block_rows = max(self.block_rows, 1024)
            self.tiled = not _vrt_has_striped_source(self.ds)
        self._top_cached_block_row = None
        data_types = {b.DataType for b in self.bands}
        self._one_request = len(data_types) == 1
        # Integer bands scaled by finite numbers cannot give NaN.
        self._may_hold_nan = (any(gdal.GetDataTypeName(t).startswith(("Float", "CFloat")) for t in data_types)
                              or not (np.isfinite(self.scales).all() and np.isfinite(self.offsets).all()))

    def read(self, x: int, y: int, w: int, h: int) -> Tuple[np.ndarray, np.ndarray]:
        """Reflectance [C, h, w] float32 and validity [h, w] bool of a window inside the raster."""
        raw = np.empty((len(self.bands), h, w), dtype=np.float32)
        valid = np.ones((h, w), dtype=bool)
        block_row = y // self.block_rows
        if self._top_cached_block_row is None or block_row < self._top_cached_block_row:
            self._top_cached_block_row = block_row
        with gdal_errors() as errors:
            # One request for all bands lets GDAL decode each pixel-interleaved block once
            # and skips a per-band round trip; on failure the per-band reads name the band.
            stack = None
            if self._one_request:
                stack = self.ds.ReadAsArray(x, y, w, h, band_list=self.plan.source_bands)
                if stack is not None and stack.ndim == 2:
                    stack = stack[None]
            for c, band in enumerate(self.bands):
                data = stack[c] if stack is not None else band.ReadAsArray(x, y, w, h)
                if data is None:
                    raise InputError(
                        f"'{self.label}' cannot be read at pixels x {x}-{x + w}, y {y}-{y + h} of band "
                        f"{self.plan.source_bands[c]}: {errors.last()} (is the file truncated or corrupt?)"
                    )
                nodata = self.nodata[c]
                if nodata is not None:
                    if isinstance(nodata, float) and math.isnan(nodata):
                        valid &= ~np.isnan(data)
                    else:
                        valid &= data != nodata
                if data.dtype.kind == "f":
                    valid &= np.isfinite(data)
                raw[c] = data
            for mask_band in self.mask_bands:
                mask = mask_band.ReadAsArray(x, y, w, h)
                if mask is None:
                    raise InputError(f"'{self.label}': the mask band cannot be read: {errors.last()}")
                valid &= mask > 0
        raw *= self.scales
        raw += self.offsets
        np.clip(raw, *REFLECTANCE_RANGE, out=raw)
        raw[:, ~valid] = 0.0
        if self._may_hold_nan:
            # NaN survives clip; the valid mask already excludes those pixels.
            np.nan_to_num(raw, copy=False, nan=0.0)
        return raw, valid

    def read_padded(self, x: int, y: int, size: int) -> np.ndarray:
        """A ``size`` x ``size`` window at (x, y) that may reach outside the raster.

        The part outside is filled by mirroring the inside, so the fine model sees
        plausible context at scene edges instead of an artificial black border.
        """
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + size, self.width), min(y + size, self.height)
        data, _ = self.read(x0, y0, x1 - x0, y1 - y0)
        pad = ((0, 0), (y0 - y, y + size - y1), (x0 - x, x + size - x1))
        if any(p for axis in pad for p in axis):
            data = pad_mirrored(data, pad)
        return data

    def release_rows_above(self, y: int):
        """Say that rows above ``y`` will not be read again. Once a whole row of blocks lies
        above ``y``, this dataset's cached blocks are dropped, so its share of GDAL's cache
        stays within about one row of blocks plus one read. Blocks that the next reads
        still need are decoded again: at most once more each when reads move down the
        scene in steps no taller than a block."""
        if self._top_cached_block_row is None:
            return
        # At the bottom of the scene everything is released: the pass is over.
        if y // self.block_rows > self._top_cached_block_row or y >= self.height:
            self.ds.FlushCache()
            self._top_cached_block_row = None

    def release_all(self):
        """Drop this dataset's cached blocks: the reads start again elsewhere (a new column
        stripe, or the next pass)."""
        self.ds.FlushCache()
        self._top_cached_block_row = None

    def close(self):
        self.bands = []
        self.mask_bands = []
        self.ds = None


def _vrt_has_striped_source(ds) -> bool:
    """Whether a VRT reads any file stored in full-width strips (its SourceProperties say so)."""
    root = vrt_xml(ds)
    return root is not None and any(
        el.get("BlockXSize") is not None and el.get("BlockXSize") == el.get("RasterXSize")
        for el in root.iter("SourceProperties"))


def pad_mirrored(data: np.ndarray, pad) -> np.ndarray:
    """np.pad in 'symmetric' mode, repeated when the pad is wider than the data (tiny rasters)."""
    while True:
        step = tuple((min(b, s), min(a, s)) for (b, a), s in zip(pad, data.shape))
        data = np.pad(data, step, mode="symmetric")
        pad = tuple((b - sb, a - sa) for (b, a), (sb, sa) in zip(pad, step))
        if not any(p for axis in pad for p in axis):
            return data

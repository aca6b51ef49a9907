"""Windowed reads of the model's input bands as reflectance, with a validity mask.

A pixel is valid when every model band has data there: not fill by the plan's fill rule
(``fill.FillRule``: the band's no-data value, a product's fill value or QA fill bit, or zero
in every band), not masked by a per-dataset mask or alpha band, and finite. Invalid pixels
are returned as 0 reflectance, which is what the models were trained to see for no data.
"""
from __future__ import annotations

import math
import os
from typing import Tuple

import numpy as np
from osgeo import gdal, gdal_array

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
        self.zeros_are_fill = plan.fill.zeros_in_every_band
        self.qa_fill_bit = plan.fill.qa_fill_bit
        self._qa_ds = None
        self.qa_band = self._open_qa_band(plan.fill.qa_path) if plan.fill.qa_path else None
        # Mask bands hold information beyond the nodata value only for alpha bands and
        # per-dataset masks (.msk files, JPEG/JP2 masks); only then are they worth reading.
        mask_of = None
        # GDAL writes 4-band Byte GeoTIFFs as RGBA by default, so the NIR band of a blue,
        # green, red, NIR file reads as alpha; a band the model reads is data, not a mask.
        alpha_is_model_band = any(self.ds.GetRasterBand(i).GetColorInterpretation() == gdal.GCI_AlphaBand
                                  for i in plan.source_bands)
        for i, band in zip(plan.source_bands, self.bands):
            flags = band.GetMaskFlags()
            if flags & gdal.GMF_ALPHA and alpha_is_model_band:
                continue
            if flags & (gdal.GMF_ALPHA | gdal.GMF_PER_DATASET) and not flags & gdal.GMF_NODATA:
                mask_of = i
                break  # per-dataset: one mask serves every band
        self._mask_of = mask_of
        self.mask_bands = [] if mask_of is None else [self.ds.GetRasterBand(mask_of).GetMaskBand()]
        self.block_rows = max(b.GetBlockSize()[1] for b in self.bands + self.mask_bands)
        # Inputs stored in full-width strips (GeoTIFFs written without TILED=YES) decode a
        # whole strip for any part of it; tiled inputs can be read a few tiles at a time.
        self.tiled = max(b.GetBlockSize()[0] for b in self.bands + self.mask_bands) < self.width
        # A VRT's own blocks (128 rows) say nothing about the files under it: Sentinel-2's
        # JPEG 2000 bands decode in tiles of 1024 rows, which would be decoded eight times
        # over if reads went down 128 rows at a time.
        # The blocks of a VRT's source files stay in GDAL's cache when the VRT is flushed;
        # only closing the VRT lets them go, so ``release_all`` reopens it.
        self._reopen_to_release = self.ds.GetDriver().ShortName in ("VRT", "SENTINEL2")
        if self._reopen_to_release:
            self.block_rows = max(self.block_rows, 1024)
            self.tiled = not _vrt_has_striped_source(self.ds)
        data_types = {b.DataType for b in self.bands}
        self._one_request = len(data_types) == 1
        # Pixels are kept as read (uint16 for most imagery: half of float32) until the
        # models need them; bands of different types are kept as float32.
        self.raw_dtype = (gdal_array.GDALTypeCodeToNumericTypeCode(next(iter(data_types))) if self._one_request
                          else np.float32)
        # Integer bands scaled by finite numbers cannot give NaN.
        self._may_hold_nan = (any(gdal.GetDataTypeName(t).startswith(("Float", "CFloat")) for t in data_types)
                              or not (np.isfinite(self.scales).all() and np.isfinite(self.offsets).all()))

    def read(self, x: int, y: int, w: int, h: int) -> Tuple[np.ndarray, np.ndarray]:
        """Reflectance [C, h, w] float32 and validity [h, w] bool of a window inside the raster."""
        return self.reflectance(*self.read_raw(x, y, w, h))

    def read_raw(self, x: int, y: int, w: int, h: int) -> Tuple[np.ndarray, np.ndarray]:
        """The stored values [C, h, w] (``raw_dtype``) and validity [h, w] bool of a window."""
        raw = np.empty((len(self.bands), h, w), dtype=self.raw_dtype)
        valid = np.ones((h, w), dtype=bool)
        with gdal_errors() as errors:
            self._read_rows(x, y, w, h, raw, valid, errors)
        return raw, valid

    def reflectance(self, raw: np.ndarray, valid: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Stored values to reflectance [C, h, w] float32, 0 where ``valid`` is False."""
        out = raw.astype(np.float32)  # a new array, also when raw is float32 already
        out *= self.scales
        out += self.offsets
        np.clip(out, *REFLECTANCE_RANGE, out=out)
        out[:, ~valid] = 0.0
        if self._may_hold_nan:
            # NaN survives clip; the valid mask already excludes those pixels.
            np.nan_to_num(out, copy=False, nan=0.0)
        return out, valid

    def _read_rows(self, x: int, y: int, w: int, h: int, raw: np.ndarray, valid: np.ndarray, errors):
        stack = None
        if self._one_request:
            # One request for all bands lets GDAL decode each pixel-interleaved block once
            # and skips a per-band round trip; on failure the per-band reads name the band.
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
        if self.zeros_are_fill:
            valid &= np.any(raw != 0, axis=0)
        if self.qa_band is not None:
            qa = self.qa_band.ReadAsArray(x, y, w, h)
            if qa is None:
                raise InputError(f"'{self.label}': the QA band cannot be read at pixels x {x}-{x + w}, "
                                 f"y {y}-{y + h}: {errors.last()}")
            valid &= (qa.astype(np.int64) >> self.qa_fill_bit) & 1 == 0
        for mask_band in self.mask_bands:
            mask = mask_band.ReadAsArray(x, y, w, h)
            if mask is None:
                raise InputError(f"'{self.label}': the mask band cannot be read: {errors.last()}")
            valid &= mask > 0

    def _open_qa_band(self, path: str):
        """Band 1 of the QA file (on the input's pixel grid: ``fill.fill_rule`` checked it)."""
        self._qa_ds = open_raster(path)
        return self._qa_ds.GetRasterBand(1)

    def release_all(self):
        """Drop this reader's cached blocks: every read so far is done with them. GDAL keeps
        every block it decodes in its process-wide cache (GDAL_CACHEMAX, 5% of RAM by
        default) until the cache is full; changing the cache size would change it for all
        of QGIS, so the reader drops its own blocks instead."""
        if self._qa_ds is not None:
            self._qa_ds.FlushCache()
        if not self._reopen_to_release:
            self.ds.FlushCache()
            return
        self.bands = self.mask_bands = []
        self.ds = None
        self.ds = open_raster(self.plan.read_path)
        self.bands = [self.ds.GetRasterBand(i) for i in self.plan.source_bands]
        if self._mask_of is not None:
            self.mask_bands = [self.ds.GetRasterBand(self._mask_of).GetMaskBand()]

    def close(self):
        self.bands = []
        self.mask_bands = []
        self.qa_band = self._qa_ds = None
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

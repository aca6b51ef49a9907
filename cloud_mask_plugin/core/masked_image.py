"""A cloud-free copy of the input: every band, cloud and no-data pixels set to no data.

This is what analysts feed to mosaics and classifications. The copy keeps the input's
bands, data type, CRS, geotransform, band names, scale/offset and metadata; it is tiled and
compressed like the other products. Cloud pixels of the finished mask become no data and,
when a polygon buffer is given, so does everything within that distance of a cloud (the
buffered cloud polygons burnt into the grid), since cloud edges and thin cloud around
them spoil a mosaic as much as the cloud itself. So do the pixels the mask calls no data
(the input's fill, by ``fill.FillRule``): a band the model does not read may hold values
there, but a pixel the mask could not judge has no place in a cloud-free mosaic.

The no-data value is the input band's own; a band without one gets 0 for integer types
(the fill value of Sentinel-2 and Landsat products) and NaN for floating point.

Rows are copied a strip of tiles at a time, so memory does not grow with the scene.
"""
from __future__ import annotations

import math
import os
from typing import Callable, List, Optional

from osgeo import gdal

from .errors import Cancelled, OutputError
from .gdal_util import gdal_errors, open_raster
from .writer import TIFF_OPTIONS

CLOUD = 1
NODATA = 255
STRIP_ROWS = 256   # the outputs' tile height: each strip fills whole rows of tiles


def write_masked_image(source_path: str, mask_path: str, target: str, buffer: float = 0.0,
                       is_cancelled: Optional[Callable[[], bool]] = None, shown_as: Optional[str] = None) -> None:
    """Write ``source_path`` to the GeoTIFF ``target`` with the cloud pixels of
    ``mask_path`` (and, for ``buffer`` > 0 map units, their surroundings) set to no data."""
    shown_as = shown_as or target
    src = open_raster(source_path)
    mask_ds = open_raster(mask_path)
    grown = None
    dst = None
    buffer_path = target + ".buffer.tif"
    try:
        if buffer > 0:
            grown = _burn_buffered_clouds(mask_path, buffer_path, buffer, is_cancelled)
        dst = _create_like(src, target, shown_as)
        nodata = [dst.GetRasterBand(i + 1).GetNoDataValue() for i in range(src.RasterCount)]
        width, height = src.RasterXSize, src.RasterYSize
        mask_band = mask_ds.GetRasterBand(1)
        for y in range(0, height, STRIP_ROWS):
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            rows = min(STRIP_ROWS, height - y)
            mask = mask_band.ReadAsArray(0, y, width, rows)
            cloud = (mask == CLOUD) | (mask == NODATA)
            if grown is not None:
                cloud |= grown.GetRasterBand(1).ReadAsArray(0, y, width, rows).astype(bool)
            with gdal_errors() as errors:
                for index in range(src.RasterCount):
                    data = src.GetRasterBand(index + 1).ReadAsArray(0, y, width, rows)
                    if data is None:
                        raise OutputError(f"cannot read '{os.path.basename(source_path)}' at rows {y}-{y + rows} "
                                          f"for the masked image: {errors.last()}")
                    data[cloud] = nodata[index]
                    if dst.GetRasterBand(index + 1).WriteArray(data, 0, y) != 0:
                        raise OutputError(f"cannot write '{shown_as}': {errors.last()} (is the disk full?)")
                dst.FlushCache()
            if errors.messages:
                raise OutputError(f"cannot write '{shown_as}': {errors.last()} (is the disk full?)")
        with gdal_errors() as errors:
            dst.FlushCache()
            dst = None
        if errors.messages:
            raise OutputError(f"cannot finish '{shown_as}': {errors.last()} (is the disk full?)")
    finally:
        dst = grown = src = mask_ds = None
        if os.path.exists(buffer_path):
            os.remove(buffer_path)


def _create_like(src, target: str, shown_as: str):
    """An empty GeoTIFF with ``src``'s size, bands, type, georeferencing and band facts."""
    first = src.GetRasterBand(1)
    with gdal_errors() as errors:
        dst = gdal.GetDriverByName("GTiff").Create(
            target, src.RasterXSize, src.RasterYSize, src.RasterCount, first.DataType,
            options=TIFF_OPTIONS + ["INTERLEAVE=BAND"] + _predictor(first.DataType))
    if dst is None:
        raise OutputError(f"cannot create '{shown_as}': {errors.last()}")
    transform = src.GetGeoTransform(can_return_null=True)
    if transform:
        dst.SetGeoTransform(transform)
    if src.GetProjection():
        dst.SetProjection(src.GetProjection())
    dst.SetMetadata(src.GetMetadata() or {})
    for index in range(1, src.RasterCount + 1):
        band, out = src.GetRasterBand(index), dst.GetRasterBand(index)
        out.SetNoDataValue(_nodata_value(band))
        out.SetDescription(band.GetDescription() or "")
        if band.GetMetadata():
            out.SetMetadata(band.GetMetadata())
        if band.GetScale() not in (None, 1.0) or band.GetOffset() not in (None, 0.0):
            out.SetScale(band.GetScale() or 1.0)
            out.SetOffset(band.GetOffset() or 0.0)
        out.SetColorInterpretation(band.GetColorInterpretation())
    return dst


def _nodata_value(band) -> float:
    value = band.GetNoDataValue()
    if value is not None:
        return value
    floating = gdal.GetDataTypeName(band.DataType).lower().startswith(("float", "cfloat"))
    return math.nan if floating else 0


def _predictor(data_type: int) -> List[str]:
    # Images vary smoothly: horizontal differencing before DEFLATE shrinks them well.
    floating = gdal.GetDataTypeName(data_type).lower().startswith("float")
    return ["PREDICTOR=3" if floating else "PREDICTOR=2"]


def _burn_buffered_clouds(mask_path: str, target: str, buffer: float, is_cancelled):
    """A byte raster on the mask's grid, 1 inside the cloud polygons grown by ``buffer``."""
    from .vectors import polygonize_mask

    polygons = target + ".gpkg"
    try:
        polygonize_mask(mask_path, polygons, 0.0, buffer, None, is_cancelled)
        mask = open_raster(mask_path)
        with gdal_errors() as errors:
            grown = gdal.GetDriverByName("GTiff").Create(
                target, mask.RasterXSize, mask.RasterYSize, 1, gdal.GDT_Byte,
                options=["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"])
            if grown is None:
                raise OutputError(f"cannot write a temporary file beside '{target}': {errors.last()}")
            grown.SetGeoTransform(mask.GetGeoTransform(can_return_null=True) or (0.0, 1.0, 0.0, 0.0, 0.0, -1.0))
            grown.SetProjection(mask.GetProjection())
            vectors = gdal.OpenEx(polygons, gdal.OF_VECTOR)
            gdal.RasterizeLayer(grown, [1], vectors.GetLayer(0), burn_values=[1])
            vectors = None
            grown.FlushCache()
        if errors.messages:
            raise OutputError(f"cannot grow the clouds by the buffer: {errors.last()}")
        return grown
    finally:
        for path in (polygons, polygons + "-wal", polygons + "-shm"):
            if os.path.exists(path):
                os.remove(path)

"""Cloud polygons from the finished mask raster, written to a GeoPackage.

The mask is first copied, a row of its tiles at a time, into a temporary uncompressed
GeoTIFF stored in strips that holds 1 for cloud and 0 for everything else (clear and no
data), so only cloud pixels become polygons. GDAL's polygonizer reads its input twice,
and through GDAL's block cache it would keep the whole mask there (GDAL_CACHEMAX is 5% of
RAM: 120 MB for a Sentinel-2 tile); from an uncompressed file in strips GDAL can read
directly, without the cache, so memory stays at the polygons being traced.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

import numpy as np
from osgeo import gdal, ogr, osr

from .errors import Cancelled, OutputError
from .gdal_util import gdal_errors

LAYER_NAME = "clouds"
CLOUD = 1


def _write_cloud_only(mask_path: str, target: str, is_cancelled) -> None:
    """Copy ``mask_path`` to ``target`` as 1 (cloud) or 0 (anything else)."""
    src = dst = band = out = None
    with gdal_errors() as errors:
        try:
            src = gdal.Open(mask_path)
            if src is None:
                raise OutputError(f"cannot read the cloud mask back to trace polygons: {errors.last()} "
                                  f"(was the output folder moved or deleted during the run?)")
            width, height = src.RasterXSize, src.RasterYSize
            dst = gdal.GetDriverByName("GTiff").Create(target, width, height, 1, gdal.GDT_Byte,
                                                       options=["TILED=NO", "COMPRESS=NONE", "BIGTIFF=IF_SAFER"])
            if dst is None:
                raise OutputError(f"cannot write a temporary file beside the polygons: {errors.last()}")
            # A mask without a geotransform is in pixel coordinates; QGIS shows such rasters at
            # (0, 1, 0, 0, 0, -1), so the polygons use that to lie on the mask and its input.
            dst.SetGeoTransform(src.GetGeoTransform(can_return_null=True) or (0.0, 1.0, 0.0, 0.0, 0.0, -1.0))
            dst.SetProjection(src.GetProjection())
            band, out = src.GetRasterBand(1), dst.GetRasterBand(1)
            rows = band.GetBlockSize()[1]
            for y in range(0, height, rows):
                if is_cancelled is not None and is_cancelled():
                    raise Cancelled()
                h = min(rows, height - y)
                out.WriteArray((band.ReadAsArray(0, y, width, h) == CLOUD).astype(np.uint8), 0, y)
                # Both files' blocks leave GDAL's cache as soon as they are done with.
                src.FlushCache()
                dst.FlushCache()
        finally:
            band = out = src = dst = None
    if errors.messages:
        raise OutputError(f"cannot prepare the cloud mask for tracing polygons: {errors.last()} (is the disk full?)")


def polygonize_mask(mask_path: str, target: str, min_area: float = 0.0, buffer: float = 0.0,
                    metadata: Optional[dict] = None, is_cancelled: Optional[Callable[[], bool]] = None) -> int:
    """Write cloud polygons of ``mask_path`` (value 1) to the GeoPackage ``target``.

    Returns the number of polygons written. ``min_area`` (map units squared) drops small
    polygons; ``buffer`` (map units) grows the rest.
    """
    # Beside the target (a temporary file of the caller's), so a run killed midway leaves it
    # where the next run's clean-up of that target's temporaries finds it.
    cloud_only = target + ".cloud-only.tif"
    src = band = out = layer = None
    try:
        _write_cloud_only(mask_path, cloud_only, is_cancelled)
        with gdal_errors() as errors:
            try:
                # Read at open time, for this thread only: reads of the uncompressed file
                # then skip GDAL's block cache.
                previous = gdal.GetThreadLocalConfigOption("GTIFF_DIRECT_IO", None)
                gdal.SetThreadLocalConfigOption("GTIFF_DIRECT_IO", "YES")
                try:
                    src = gdal.Open(cloud_only)
                finally:
                    gdal.SetThreadLocalConfigOption("GTIFF_DIRECT_IO", previous)
                band = src.GetRasterBand(1)
                driver = ogr.GetDriverByName("GPKG")
                out = driver.CreateDataSource(target)
                if out is None:
                    raise OutputError(f"cannot create the GeoPackage '{target}': {errors.last()}")
                srs = None
                if src.GetProjection():
                    srs = osr.SpatialReference()
                    srs.ImportFromWkt(src.GetProjection())
                    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
                layer = out.CreateLayer(LAYER_NAME, srs, ogr.wkbPolygon, options=["SPATIAL_INDEX=YES"])
                layer.CreateField(ogr.FieldDefn("cloud", ogr.OFTInteger))
                area_field = ogr.FieldDefn("area", ogr.OFTReal)
                layer.CreateField(area_field)

                def callback(fraction, message, data):
                    return 0 if (is_cancelled is not None and is_cancelled()) else 1

                out.StartTransaction()
                # The band is its own mask: only its non-zero (cloud) pixels are traced.
                status = gdal.Polygonize(band, band, layer, 0, [], callback=callback)
                if is_cancelled is not None and is_cancelled():
                    raise Cancelled()
                if status != 0:
                    raise OutputError(f"cannot polygonize the cloud mask: {errors.last()}")
                kept = _filter_and_measure(layer, min_area, buffer)
                out.CommitTransaction()
                if metadata:
                    out.SetMetadata({k: str(v) for k, v in metadata.items()})
            finally:
                # Close the GeoPackage here, on failure and cancellation too: while GDAL's
                # messages still come to this handler (not to the user's terminal), and before
                # the caller deletes the file, so SQLite rolls back and removes its journal.
                layer = band = src = None
                out = None
            if errors.messages:
                raise OutputError(f"cannot write the GeoPackage '{os.path.basename(target)}': {errors.last()}")
        return kept
    finally:
        try:
            os.remove(cloud_only)
        except OSError:
            pass


def _filter_and_measure(layer, min_area: float, buffer: float) -> int:
    layer.ResetReading()
    doomed = []
    kept = 0
    for feature in layer:
        geometry = feature.GetGeometryRef()
        if min_area > 0 and geometry.GetArea() < min_area:
            doomed.append(feature.GetFID())
            continue
        if buffer:
            geometry = geometry.Buffer(buffer)
            feature.SetGeometry(geometry)
        feature.SetField("area", geometry.GetArea())
        layer.SetFeature(feature)
        kept += 1
    for fid in doomed:
        layer.DeleteFeature(fid)
    return kept

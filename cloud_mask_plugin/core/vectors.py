"""Cloud polygons from the finished mask raster, written to a GeoPackage.

GDAL's polygonizer reads the mask block by block, so memory stays bounded. A small VRT
in GDAL's in-memory file system turns the mask into "cloud or nothing" (clear and no
data both become the VRT's nodata), so only cloud pixels become polygons.
"""
from __future__ import annotations

import os
import uuid
from typing import Callable, Optional
from xml.sax.saxutils import escape

from osgeo import gdal, ogr, osr

from .errors import Cancelled, OutputError
from .gdal_util import gdal_errors

LAYER_NAME = "clouds"


def _cloud_only_vrt(mask_path: str, width: int, height: int) -> str:
    vrt_path = f"/vsimem/cloudmask_{uuid.uuid4().hex}.vrt"
    with gdal_errors() as errors:
        src = gdal.Open(mask_path)
    if src is None:
        raise OutputError(f"cannot read the cloud mask back to trace polygons: {errors.last()} "
                          f"(was the output folder moved or deleted during the run?)")
    # A mask without a geotransform is in pixel coordinates; QGIS shows such rasters at
    # (0, 1, 0, 0, 0, -1), so the polygons use that to lie on the mask and its input.
    gt = src.GetGeoTransform(can_return_null=True) or (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
    srs = src.GetProjection()
    src = None
    xml = f"""<VRTDataset rasterXSize="{width}" rasterYSize="{height}">
  <SRS>{escape(srs)}</SRS>
  <GeoTransform>{', '.join(repr(v) for v in gt)}</GeoTransform>
  <VRTRasterBand dataType="Byte" band="1">
    <NoDataValue>0</NoDataValue>
    <ComplexSource>
      <SourceFilename relativeToVRT="0">{escape(mask_path)}</SourceFilename>
      <SourceBand>1</SourceBand>
      <LUT>0:0,1:1,2:0,254:0,255:0</LUT>
    </ComplexSource>
  </VRTRasterBand>
</VRTDataset>"""
    gdal.FileFromMemBuffer(vrt_path, xml.encode("utf-8"))
    return vrt_path


def polygonize_mask(mask_path: str, target: str, width: int, height: int, min_area: float = 0.0,
                    buffer: float = 0.0, metadata: Optional[dict] = None,
                    is_cancelled: Optional[Callable[[], bool]] = None) -> int:
    """Write cloud polygons of ``mask_path`` (value 1) to the GeoPackage ``target``.

    Returns the number of polygons written. ``min_area`` (map units squared) drops small
    polygons; ``buffer`` (map units) grows the rest.
    """
    vrt_path = _cloud_only_vrt(mask_path, width, height)
    src = band = out = layer = None
    try:
        with gdal_errors() as errors:
            try:
                src = gdal.Open(vrt_path)
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
                status = gdal.Polygonize(band, band.GetMaskBand(), layer, 0, [], callback=callback)
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
        gdal.Unlink(vrt_path)


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

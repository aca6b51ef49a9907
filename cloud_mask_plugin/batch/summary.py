"""A batch's summary: ``batch_summary.csv`` (a row per scene, in the order of the inputs)
and ``batch_footprints.gpkg`` (the same rows with each scene's outline, in longitude and
latitude, for a map of what was masked). Both are written under temporary names and renamed,
so a reader never sees half a summary."""
from __future__ import annotations

import csv
import os
from typing import List

SUMMARY_CSV = "batch_summary.csv"
FOOTPRINTS_GPKG = "batch_footprints.gpkg"
FOOTPRINTS_LAYER = "scenes"
# Column, OGR field type (name in ogr), what it holds.
COLUMNS = [
    ("input", "OFTString", "the raster, band folder or MTL file"),
    ("status", "OFTString", "done, skipped (done by an earlier run with the same model and options), failed, "
                            "or not run (the batch was stopped first)"),
    ("cloud_cover_percent", "OFTReal", "cloudy share of the pixels with data, as in the scene's report"),
    ("nodata_percent", "OFTReal", "share of the scene that is no data (swath edge, collar, fill), as in its report"),
    ("seconds", "OFTReal", "time the scene took on its worker"),
    ("model", "OFTString", "model bundle name"),
    ("model_version", "OFTString", "model bundle version"),
    ("mask", "OFTString", "the cloud mask written"),
    ("report", "OFTString", "the scene's report"),
    ("error", "OFTString", "why the scene failed"),
]


def write_summary(output_dir: str, rows: List[dict]):
    write_csv(os.path.join(output_dir, SUMMARY_CSV), rows)
    write_footprints(os.path.join(output_dir, FOOTPRINTS_GPKG), rows)


def write_csv(path: str, rows: List[dict]):
    temp = partial_name(path)
    with open(temp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([name for name, _, _ in COLUMNS])
        for row in rows:
            writer.writerow(["" if row.get(name) is None else row[name] for name, _, _ in COLUMNS])
    os.replace(temp, path)


def write_footprints(path: str, rows: List[dict]):
    from osgeo import ogr, osr

    from ..core.errors import OutputError
    from ..core.gdal_util import gdal_errors

    temp = partial_name(path)
    if os.path.exists(temp):   # left by a run that was killed while writing it
        os.remove(temp)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    with gdal_errors() as errors:
        ds = ogr.GetDriverByName("GPKG").CreateDataSource(temp)
        if ds is None:
            raise OutputError(f"cannot write the scene footprints '{path}': {errors.last()}")
        layer = ds.CreateLayer(FOOTPRINTS_LAYER, srs, ogr.wkbPolygon)
        for name, kind, _ in COLUMNS:
            layer.CreateField(ogr.FieldDefn(name, getattr(ogr, kind)))
        definition = layer.GetLayerDefn()
        ds.StartTransaction()
        for row in rows:
            feature = ogr.Feature(definition)
            for name, _, _ in COLUMNS:
                if row.get(name) not in (None, ""):
                    feature.SetField(name, row[name])
            if row.get("footprint"):
                feature.SetGeometry(ogr.CreateGeometryFromWkt(row["footprint"]))
            layer.CreateFeature(feature)
        ds.CommitTransaction()
        ds = None
    os.replace(temp, path)


def partial_name(path: str) -> str:
    folder, name = os.path.split(path)
    stem, ext = os.path.splitext(name)
    return os.path.join(folder, f".{stem}.partial{ext}")

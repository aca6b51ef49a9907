"""A batch's summary: ``batch_summary.csv`` (a row per scene, in the order of the inputs)
and ``batch_footprints.gpkg`` (the same rows with each scene's outline, in longitude and
latitude, for a map of what was masked). Both are written under temporary names and renamed,
so a reader never sees half a summary."""
from __future__ import annotations

import os
from typing import List

from ..core.table_files import write_csv, write_gpkg

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
    from osgeo import osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    write_csv(os.path.join(output_dir, SUMMARY_CSV), COLUMNS, rows)
    write_gpkg(os.path.join(output_dir, FOOTPRINTS_GPKG), FOOTPRINTS_LAYER, COLUMNS, rows, "the scene footprints",
               srs=srs, geometry_key="footprint")

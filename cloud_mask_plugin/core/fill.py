"""Which pixels of an input are fill (no data), from what the input itself says.

A satellite product's fill (the swath edge of a Sentinel-2 tile, the collar of a Landsat
scene) is not ground: read as reflectance 0 it would be called clear, counted in the cloud
cover's denominator and sent to the fine model. The rule, first that applies:

1. the no-data value a model band declares (GeoTIFF tag, VRT, GDAL mask);
2. Sentinel-2 band files (L1C and L2A, every processing baseline): the product metadata's
   ``SPECIAL_VALUE NODATA`` (``MTD_MSIL1C.xml`` / ``MTD_MSIL2A.xml``), DN 0 when the
   metadata file is not beside the bands; JPEG 2000 band files carry no no-data tag;
3. Landsat Level-1 and Level-2 band files: DN 0, and the QA band's fill bit (bit 0 of
   ``QA_PIXEL``, ``BQA`` and ``pixel_qa``) when a QA band is beside the bands;
4. any other raster without a declared no-data value: a pixel that is 0 in every band the
   model uses. That is an assumption (said in the report), which ``MaskOptions.zero_is_nodata``
   turns off for rasters whose all-zero pixels are real data.

A pixel is fill when any model band is fill there (the models need every band).
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import List, Optional, Tuple

from osgeo import gdal

from .band_files import sentinel2_metadata_above
from .gdal_util import gdal_errors

# Landsat QA bands: Collection 2 QA_PIXEL, Collection 1 BQA, the Level-2 pixel_qa; bit 0 is fill in all.
_LANDSAT_QA_NAME = re.compile(r"(?i)(?:^|_)(qa_pixel|bqa|pixel_qa)\.tiff?$")
LANDSAT_QA_FILL_BIT = 0


@dataclass(frozen=True)
class FillRule:
    """What the reader takes as fill, and where that came from (for the report)."""

    # Per model band: stored values equal to it are fill (None: the band declares none).
    nodata: List[Optional[float]]
    # A pixel that is 0 in every model band is fill (rule 4).
    zeros_in_every_band: bool = False
    # A Landsat QA band on the input's grid whose ``qa_fill_bit`` marks fill.
    qa_path: Optional[str] = None
    qa_fill_bit: int = LANDSAT_QA_FILL_BIT
    source: str = "none (the raster declares no no-data value)"

    @property
    def assumed(self) -> bool:
        return self.zeros_in_every_band


def fill_rule(declared: List[Optional[float]], integer_bands: bool, sensor_key: Optional[str],
              band_files: Optional[List[str]], zero_is_nodata: bool, size: Tuple[int, int]) -> FillRule:
    """The fill rule of an input of ``size`` (width, height) pixels: ``declared`` are its model
    bands' no-data values, ``band_files`` the files stacked when it is a product folder or MTL file."""
    if any(value is not None for value in declared):
        return FillRule(list(declared), source="the no-data value of the raster's bands")
    count = len(declared)
    if band_files and integer_bands and sensor_key == "sentinel2":
        value, where = _sentinel2_nodata(band_files)
        return FillRule([value] * count, source=f"Sentinel-2 product: DN {value:g} is no data ({where})")
    if band_files and integer_bands and sensor_key and sensor_key.startswith("landsat"):
        qa_path = _landsat_qa_beside(band_files)
        if qa_path and _raster_size(qa_path) != tuple(size):
            return FillRule([0.0] * count, source=f"Landsat fill: DN 0 (the QA band {os.path.basename(qa_path)} "
                                                  f"is not on the bands' pixel grid, so it is not used)")
        if qa_path:
            return FillRule([0.0] * count, qa_path=qa_path,
                            source=f"Landsat fill: DN 0, and bit {LANDSAT_QA_FILL_BIT} of the QA band "
                                   f"{os.path.basename(qa_path)}")
        return FillRule([0.0] * count, source="Landsat fill: DN 0 (no QA band beside the bands)")
    if zero_is_nodata:
        return FillRule([None] * count, zeros_in_every_band=True,
                        source="assumed: pixels that are 0 in every band the model reads are no data "
                               "(the raster declares no no-data value)")
    return FillRule([None] * count)


def _sentinel2_nodata(band_files: List[str]):
    """(value, where it came from): the NODATA special value of the product metadata above
    the band files, else the value every Sentinel-2 product uses (0)."""
    path = sentinel2_metadata_above(os.path.dirname(os.path.abspath(band_files[0])))
    value = special_value(path, "NODATA") if path else None
    if value is not None:
        return value, f"{os.path.basename(path)}: SPECIAL_VALUE NODATA"
    return 0.0, "the Sentinel-2 product format; no MTD_MSIL*.xml found above the band files"


def special_value(metadata_path: str, text: str) -> Optional[float]:
    """The ``SPECIAL_VALUE_INDEX`` named ``text`` in a Sentinel-2 product metadata file, else None."""
    try:
        root = ElementTree.parse(metadata_path).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    for element in root.iter():
        if element.tag.split("}")[-1] != "Special_Values":
            continue
        fields = {child.tag.split("}")[-1]: (child.text or "").strip() for child in element}
        if fields.get("SPECIAL_VALUE_TEXT") == text:
            try:
                return float(fields["SPECIAL_VALUE_INDEX"])
            except (KeyError, ValueError):
                return None
    return None


def _landsat_qa_beside(band_files: List[str]) -> Optional[str]:
    """The QA band file beside the band files whose name shares their product id, else None."""
    folder = os.path.dirname(os.path.abspath(band_files[0]))
    stem = os.path.basename(band_files[0]).upper()
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    candidates = [n for n in names if _LANDSAT_QA_NAME.search(n)]
    # Several products in one folder: the QA band of the bands' own product.
    same_product = [n for n in candidates if stem.startswith(_LANDSAT_QA_NAME.sub("", n).upper())]
    chosen = same_product or (candidates if len(candidates) == 1 else [])
    # pixel_qa (Level-2) and BQA (Level-1) may lie side by side: either marks the same fill.
    return os.path.join(folder, chosen[0]) if chosen else None


def _raster_size(path: str) -> Optional[Tuple[int, int]]:
    with gdal_errors():
        ds = gdal.Open(path)
    return None if ds is None else (ds.RasterXSize, ds.RasterYSize)

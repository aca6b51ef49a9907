"""When a scene was taken and by which sensor, for tables and charts over time.

Looked for in this order, each answer taken from the first place that has it:
1. a Landsat MTL file (the input, or beside the input): ``DATE_ACQUIRED``, ``SPACECRAFT_ID``
   and ``SENSOR_ID``;
2. Sentinel-2 product metadata (``MTD_MSIL1C.xml`` / ``MTD_MSIL2A.xml`` in the input's ``.SAFE``
   folder or one above it): ``PRODUCT_START_TIME`` and ``SPACECRAFT_NAME``;
3. the raster's own tags (GDAL metadata such as ``ACQUISITION_DATE`` or ``SENSING_TIME``);
4. the file or folder name: Landsat and Sentinel-2 product names, else a plain date
   (``2021-06-30`` or ``20210630``).
What none of them says is "unknown", said plainly.
"""
from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from osgeo import gdal

from .band_files import read_mtl, sentinel2_metadata_above
from .errors import InputError
from .gdal_util import gdal_errors

UNKNOWN = "unknown"
_LANDSAT_INSTRUMENTS = {"OLI_TIRS": "OLI/TIRS", "OLI": "OLI", "TIRS": "TIRS", "ETM": "ETM+", "TM": "TM",
                        "MSS": "MSS"}
_LANDSAT_LETTERS = {"C": "OLI/TIRS", "O": "OLI", "T": "TM", "E": "ETM+", "M": "MSS"}
# Acquisition tags some producers write. TIFFTAG_DATETIME is left out on purpose: it is the
# time the file was written, not the time the scene was taken.
_DATE_TAGS = ("ACQUISITION_DATE", "ACQUISITIONDATE", "ACQUISITION_DATETIME", "DATE_ACQUIRED", "SENSING_TIME",
              "PRODUCT_START_TIME", "DATATAKE_1_DATATAKE_SENSING_START", "DATETIME", "IMAGE_DATE")
_SENSOR_TAGS = ("SENSOR", "SPACECRAFT_NAME", "DATATAKE_1_SPACECRAFT_NAME", "SPACECRAFT_ID", "SATELLITE",
                "PLATFORM", "MISSION")
# Landsat product ids (LE07_L1TP_007059_20161209_20170130_01_T1) and old scene ids
# (LC80130312015295LGN00: year and day of year).
_LANDSAT_PRODUCT = re.compile(r"(?<![A-Z0-9])L([COTEM])0?(\d)_L\w{3}_\d{6}_(\d{8})_")
_LANDSAT_SCENE = re.compile(r"(?<![A-Z0-9])L([COTEM])(\d)\d{6}(\d{4})(\d{3})[A-Z]{3}\d{2}")
# Sentinel-2 products (S2A_MSIL2A_20221005T115411_...) and tile files (T29UNU_20221005T115411_B02).
_S2_PRODUCT = re.compile(r"(?<![A-Z0-9])S2([ABCD])_MSIL\w\w_(\d{8})T\d{6}")
_S2_TILE = re.compile(r"(?<![A-Z0-9])T\d\d[A-Z]{3}_(\d{8})T\d{6}")
_PLAIN_DATE = re.compile(r"(?<!\d)((?:19[7-9]|20\d)\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


@dataclass(frozen=True)
class Acquisition:
    date: str        # YYYY-MM-DD, or "unknown"
    sensor: str      # e.g. "Landsat 7 ETM+", "Sentinel-2A MSI", or "unknown"
    source: str      # where each came from, e.g. "date and sensor: MTL file"


def scene_acquisition(input_path: str) -> Acquisition:
    """Date and sensor of the scene ``input_path`` (a raster, band folder or MTL file)."""
    found: Dict[str, Tuple[str, str]] = {}   # "date"/"sensor" -> (value, where from)
    for where, look in (("MTL file", from_mtl), ("Sentinel-2 metadata", from_sentinel2_metadata),
                        ("raster tags", from_tags), ("file name", from_name)):
        date, sensor = look(input_path)
        if date and "date" not in found:
            found["date"] = (date, where)
        if sensor and "sensor" not in found:
            found["sensor"] = (sensor, where)
        if len(found) == 2:
            break
    date, date_from = found.get("date", (UNKNOWN, UNKNOWN))
    sensor, sensor_from = found.get("sensor", (UNKNOWN, UNKNOWN))
    source = f"date and sensor: {date_from}" if date_from == sensor_from else \
        f"date: {date_from}; sensor: {sensor_from}"
    return Acquisition(date, sensor, source)


def from_mtl(input_path: str) -> Tuple[Optional[str], Optional[str]]:
    path = mtl_of(input_path)
    if path is None:
        return None, None
    try:
        values = read_mtl(path)
    except InputError:
        return None, None
    date = iso_date(values.get("DATE_ACQUIRED") or values.get("ACQUISITION_DATE") or "")
    spacecraft = values.get("SPACECRAFT_ID", "")
    sensor = None
    if spacecraft:
        sensor = spacecraft.replace("_", " ").title()
        instrument = values.get("SENSOR_ID", "")
        sensor += f" {_LANDSAT_INSTRUMENTS.get(instrument, instrument)}".rstrip()
    return date, sensor


def mtl_of(input_path: str) -> Optional[str]:
    """The input's MTL file: the input itself, or the only one in its folder (or beside it)."""
    if os.path.isfile(input_path) and input_path.upper().endswith("_MTL.TXT"):
        return input_path
    folder = input_path if os.path.isdir(input_path) else os.path.dirname(os.path.abspath(input_path))
    try:
        found = [name for name in os.listdir(folder) if name.upper().endswith("_MTL.TXT")]
    except OSError:
        return None
    return os.path.join(folder, found[0]) if len(found) == 1 else None


def from_sentinel2_metadata(input_path: str) -> Tuple[Optional[str], Optional[str]]:
    path = sentinel2_metadata_above(input_path if os.path.isdir(input_path) else os.path.dirname(input_path))
    return read_sentinel2_metadata(path) if path else (None, None)


def read_sentinel2_metadata(path: str) -> Tuple[Optional[str], Optional[str]]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None, None
    start = re.search(r"<PRODUCT_START_TIME>([^<]+)<", text)
    spacecraft = re.search(r"<SPACECRAFT_NAME>([^<]+)<", text)
    return (iso_date(start.group(1)) if start else None,
            f"{spacecraft.group(1).strip()} MSI" if spacecraft else None)


def from_tags(input_path: str) -> Tuple[Optional[str], Optional[str]]:
    if os.path.isdir(input_path) or input_path.upper().endswith("_MTL.TXT"):
        return None, None
    with gdal_errors():
        ds = gdal.OpenEx(input_path, gdal.OF_RASTER | gdal.OF_READONLY)
    if ds is None:
        return None, None
    tags = {key.upper(): value for key, value in (ds.GetMetadata() or {}).items()}
    date = next((iso_date(tags[key]) for key in _DATE_TAGS if key in tags and iso_date(tags[key])), None)
    sensor = next((tags[key].strip() for key in _SENSOR_TAGS if tags.get(key, "").strip()), None)
    return date, sensor


def from_name(input_path: str) -> Tuple[Optional[str], Optional[str]]:
    date, sensor = from_one_name(os.path.basename(os.path.abspath(input_path)))
    if date is None and os.path.isdir(input_path):
        # A band folder named "scene_1" holds files named "LC80130312015295LGN00_B1.tif".
        try:
            names = sorted(os.listdir(input_path))
        except OSError:
            names = []
        return next((found for found in map(from_one_name, names) if found[0]), (None, None))
    return date, sensor


def from_one_name(name: str) -> Tuple[Optional[str], Optional[str]]:
    name = name.upper()
    match = _LANDSAT_PRODUCT.search(name)
    if match:
        return iso_date(match.group(3)), landsat_sensor(match.group(1), match.group(2))
    match = _LANDSAT_SCENE.search(name)
    if match:
        day = datetime.date(int(match.group(3)), 1, 1) + datetime.timedelta(days=int(match.group(4)) - 1)
        return day.isoformat(), landsat_sensor(match.group(1), match.group(2))
    match = _S2_PRODUCT.search(name)
    if match:
        return iso_date(match.group(2)), f"Sentinel-2{match.group(1)} MSI"
    match = _S2_TILE.search(name)
    if match:
        return iso_date(match.group(1)), "Sentinel-2 MSI"
    return iso_date(name), None


def landsat_sensor(letter: str, number: str) -> str:
    return f"Landsat {number} {_LANDSAT_LETTERS[letter]}"


def iso_date(text: str) -> Optional[str]:
    """The first real calendar date in ``text`` as YYYY-MM-DD, else None."""
    for match in _PLAIN_DATE.finditer(text or ""):
        try:
            return datetime.date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:   # 2021-02-30
            continue
    return None

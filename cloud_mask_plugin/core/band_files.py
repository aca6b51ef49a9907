"""Rasters delivered as one file per band.

Landsat and Sentinel-2 products, and many analysis-ready datasets, come as one file per
band (``LC08_..._B4.TIF``, ``T33UUP_..._B04_10m.jp2``, ``B02.tif``). The engine reads one
raster, so such an input is stacked into a virtual raster kept in GDAL's in-memory file
system (nothing is written beside the user's data), and its bands are named from the file
names. Three forms are accepted:

- a folder of band files: a Landsat product folder, a Sentinel-2 ``.SAFE`` or ``IMG_DATA``
  folder (searched a few levels down; of several resolutions of a band the finest is used),
  a folder of ``B02.tif``-style chips;
- a Landsat ``*_MTL.txt`` file: the band files beside it;
- a VRT that already stacks band files, as QGIS's "Build virtual raster" makes with "Place
  each input file into a separate band": its bands are named from their source files.

The sensor comes from product names in the file names (``LC08_``, ``S2B_``, ``T33UUP_``,
``l8_``) or, for bare band ids, from their form: only Sentinel-2 writes two digits (``B02``)
and has ``B8A``. Reflectance comes from the Landsat MTL file beside the bands when there is
one (rescaling factors and sun elevation, as USGS documents), else from the product level
the names show.
"""
from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from .bands import SENSORS, Sensor, normalise_band_id
from .errors import InputError
from .gdal_util import gdal_errors, vrt_xml

BAND_FILE_EXTENSIONS = (".tif", ".tiff", ".jp2")
# A band id at the end of a file name: "_B4", "_SR_B4", "B02", "_b1", "_B04_10m".
_BAND_ID_AT_END = re.compile(r"(?i)(?:^|[_.\- ])((?:sr_|toa_)?b(?:and)?_?(\d{1,2}a?))(?:_(10|20|60)m)?$")
_SEARCH_DEPTH = 4                       # how far below a product folder band files are looked for
_SKIPPED_FOLDERS = {"qi_data", "aux_data", "datastrip", "html", "rep_info"}
SENTINEL2_METADATA_FILES = ("MTD_MSIL2A.xml", "MTD_MSIL1C.xml")
_SENTINEL2_METADATA_LEVELS = 5   # R60m -> IMG_DATA -> granule -> GRANULE -> .SAFE

# Product names, as they appear in file and folder names and in metadata.
_SENSOR_NAME_PATTERNS = (
    ("sentinel2", r"(?:^|[^A-Z0-9])S2[ABC]?_|SENTINEL-?2|_MSIL[12]|\bT\d{2}[A-Z]{3}_\d{8}T\d{6}"),
    ("landsat89", r"(?:\b|_)L[CO]0?[89](?:_|\d)|LANDSAT_[89]|LANDSAT-[89]|(?:^|[^A-Z0-9])L[89]_"),
    ("landsat7", r"(?:\b|_)LE0?7(?:_|\d)|LANDSAT_7|(?:^|[^A-Z0-9])L7_"),
    ("landsat45", r"(?:\b|_)LT0?[45](?:_|\d)|LANDSAT_[45]\b|(?:^|[^A-Z0-9])L[45]_"),
    ("cbers4a_wfi", r"CBERS_?4A.*WFI"),
    ("cbers4a_mux", r"CBERS_?4A.*MUX"),
)


def sensor_from_text(text: str) -> Optional[Sensor]:
    """The sensor whose product naming appears in ``text`` (file names, metadata), else None."""
    upper = text.upper()
    for key, pattern in _SENSOR_NAME_PATTERNS:
        if re.search(pattern, upper):
            return SENSORS[key]
    return None


@dataclass(frozen=True)
class BandFile:
    path: str
    band_id: str            # normalised: "B4", "B8A"
    written_id: str         # as the file name has it: "B04", "SR_B4", "b1"
    resolution_m: int       # from a "_10m" suffix, 0 when the name has none

    @property
    def surface_reflectance(self) -> bool:
        return self.written_id.upper().startswith("SR_")


def band_file(path: str) -> Optional[BandFile]:
    """The band id in a file name, or None for files that are not band files (QA, previews)."""
    stem, ext = os.path.splitext(os.path.basename(path))
    if ext.lower() not in BAND_FILE_EXTENSIONS:
        return None
    m = _BAND_ID_AT_END.search(stem)
    if not m:
        return None
    return BandFile(path, normalise_band_id(m.group(1)), m.group(1), int(m.group(3) or 0))


def is_band_file_set(path: str) -> bool:
    """True for the inputs this module stacks: folders (but not ones GDAL opens itself, such as
    Zarr) and Landsat MTL files."""
    if os.path.isdir(path):
        return not path.rstrip("/\\").lower().endswith(".zarr")
    return os.path.isfile(path) and path.upper().endswith("_MTL.TXT")


@dataclass
class BandFileNames:
    """What a set of band files says about itself."""

    names: List[Optional[str]]                 # common name per file, None when unknown
    sensor: Optional[Sensor]
    naming_source: str
    # Per file: reflectance = DN * scale + offset, and where that came from; None = unknown.
    scaling: Optional[Tuple[List[float], List[float], str]]
    # Why the scaling is unknown when it matters (the user must give one), else None.
    scaling_problem: Optional[str] = None
    # What the user should know about a scaling that is known but approximate, else None.
    scaling_caveat: Optional[str] = None


def name_band_files(paths: List[str], label: str, sensor: Optional[Sensor] = None,
                    mtl_path: Optional[str] = None, files_are: str = "the file names") -> Optional[BandFileNames]:
    """Common names and scaling for ``paths`` (one file per band), or None when the file names
    carry no band ids. ``sensor`` (the user's preset) beats what the names suggest;
    ``files_are`` says in the naming source what the names are."""
    files = [band_file(p) for p in paths]
    if not any(files):
        return None
    given = sensor
    sensor = sensor or _sensor_from_band_files([f for f in files if f], paths)
    if sensor is None:
        ids = ", ".join(f.written_id for f in files if f)
        raise InputError(
            f"the band files of '{label}' carry band ids ({ids}) but no sensor name; "
            f"choose the sensor preset (CLI --sensor, Processing SENSOR) so that the ids can be read"
        )
    names = []
    for f in files:
        band = sensor.band_for_id(f.band_id) if f else None
        names.append(band.name if band else None)
    how = "chosen preset" if given else "recognised from the file names"
    naming_source = f"band ids in {files_are} ({sensor.title}, {how})"
    mtl_path = mtl_path or _find_mtl(paths)
    scaling, message = _band_file_scaling(files, sensor, mtl_path, paths)
    if scaling is None:
        return BandFileNames(names, sensor, naming_source, None, scaling_problem=message)
    return BandFileNames(names, sensor, naming_source, scaling, scaling_caveat=message)


def _sensor_from_band_files(files: List[BandFile], paths: List[str]) -> Optional[Sensor]:
    text = " ".join(os.path.basename(p) for p in paths)
    # Also the folder names: "S2A_MSIL2A_....SAFE/GRANULE/.../B02_10m.jp2".
    text += " " + " ".join(os.path.dirname(os.path.abspath(p)) for p in paths[:1])
    sensor = sensor_from_text(text)
    if sensor is not None:
        return sensor
    if any(re.fullmatch(r"(?i)b0\d|b8a", f.written_id) for f in files):
        return SENSORS["sentinel2"]
    return None


def _find_mtl(paths: List[str]) -> Optional[str]:
    folder = os.path.dirname(os.path.abspath(paths[0]))
    try:
        candidates = sorted(n for n in os.listdir(folder) if n.upper().endswith("_MTL.TXT"))
    except OSError:
        return None
    if len(candidates) > 1:
        # Several products in one folder: the MTL whose product id starts the band file names.
        stem = os.path.basename(paths[0]).upper()
        candidates = [n for n in candidates if stem.startswith(n.upper()[:-len("_MTL.TXT")])]
    return os.path.join(folder, candidates[0]) if len(candidates) == 1 else None


def sentinel2_metadata_above(folder: str) -> Optional[str]:
    """The Sentinel-2 product metadata (``MTD_MSIL2A.xml`` / ``MTD_MSIL1C.xml``) in ``folder`` or
    a folder above it (band files lie in ``GRANULE/<granule>/IMG_DATA/R60m``), else None."""
    folder = os.path.abspath(folder)
    for _ in range(_SENTINEL2_METADATA_LEVELS):
        for name in SENTINEL2_METADATA_FILES:
            if os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return None


def read_mtl(path: str) -> Dict[str, str]:
    """``KEY = value`` pairs of a Landsat MTL file (groups flattened, quotes removed)."""
    values: Dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, sep, value = line.partition("=")
                if sep:
                    values[key.strip()] = value.strip().strip('"')
    except OSError as exc:
        raise InputError(f"the MTL file '{os.path.basename(path)}' cannot be read: {exc.strerror}") from None
    return values


def _band_file_scaling(files: List[Optional[BandFile]], sensor: Sensor, mtl_path: Optional[str],
                       paths: List[str]):
    """(scales, offsets, source) per file, and a message: why the user must give the scaling
    when it is None, what is approximate about it otherwise."""
    bands = [f for f in files if f]
    landsat = sensor.key.startswith("landsat")
    if landsat and any(f.surface_reflectance for f in bands):
        level = sensor.scalings["L2SP"]
        return ([level.scale] * len(files), [level.offset] * len(files), f"{sensor.title} preset: {level.note}"), None
    if landsat and mtl_path:
        return _mtl_scaling(files, mtl_path), None
    if landsat and "L1" in sensor.scalings:
        level = sensor.scalings["L1"]
        note = f"{sensor.title} preset: {level.note}; no MTL file beside the bands for the sun elevation"
        caveat = (f"{sensor.title} Level-1 band files without their MTL file: reflectance is taken as "
                  f"{level.scale:g} x DN {level.offset:+g}, not divided by the sine of the sun elevation, so "
                  f"it reads too dark (1.4x at a 45 degree sun, 2x at 30 degrees) and thin or small clouds "
                  f"can be missed; put the *_MTL.txt file beside the bands, or give the scale and offset "
                  f"for the scene's sun elevation")
        return ([level.scale] * len(files), [level.offset] * len(files), note), caveat
    if landsat:
        return None, (f"{sensor.title} Level-1 band files need their MTL file for reflectance: put the "
                      f"*_MTL.txt file beside them, or give the scale and offset")
    if sensor.key == "sentinel2":
        baseline = re.search(r"_N(\d{4})_", " ".join(os.path.abspath(p) for p in paths[:1]))
        if baseline:
            key = "L1C_N0400" if int(baseline.group(1)) >= 400 else "L1C"
            level = sensor.scalings[key]
            formula = "(DN - 1000) / 10000" if level.offset else "DN / 10000"
            note = f"Sentinel-2 processing baseline {baseline.group(1)[:2]}.{baseline.group(1)[2:]} in the product name: {formula}"
            return ([level.scale] * len(files), [level.offset] * len(files), note), None
    return None, None


def _sun_elevation(mtl: Dict[str, str], name: str) -> float:
    try:
        return float(mtl["SUN_ELEVATION"])
    except (KeyError, ValueError):
        raise InputError(f"{name} has no SUN_ELEVATION; give the scale and offset") from None


def toa_reflectance_terms(mtl: Dict[str, str], band_number, name: str = "the MTL file"
                          ) -> Optional[Tuple[float, float, float]]:
    """``(M, A, sun elevation in degrees)`` of TOA reflectance = (M * DN + A) / sin(sun
    elevation) for band ``band_number`` of an MTL file read by ``read_mtl``; None when the
    file gives the band no reflectance terms (thermal, pan)."""
    sun_elevation = _sun_elevation(mtl, name)
    mult = mtl.get(f"REFLECTANCE_MULT_BAND_{band_number}")
    add = mtl.get(f"REFLECTANCE_ADD_BAND_{band_number}")
    if mult is None or add is None:
        return None
    return float(mult), float(add), sun_elevation


def _mtl_scaling(files: List[Optional[BandFile]], mtl_path: str) -> Tuple[List[float], List[float], str]:
    """TOA reflectance = (M * DN + A) / sin(sun elevation), per band, from the MTL file."""
    mtl = read_mtl(mtl_path)
    name = os.path.basename(mtl_path)
    sun_elevation = _sun_elevation(mtl, f"the MTL file '{name}'")
    sine = math.sin(math.radians(sun_elevation))
    scales, offsets = [], []
    for f in files:
        terms = toa_reflectance_terms(mtl, f.band_id[1:] if f else "", f"the MTL file '{name}'")
        if terms is None:
            scales.append(1.0)            # thermal, pan or not a band: never fed as reflectance
            offsets.append(0.0)
            continue
        mult, add, _ = terms
        scales.append(mult / sine)
        offsets.append(add / sine)
    return scales, offsets, f"{name}: TOA reflectance, sun elevation {sun_elevation:.2f} deg"


@dataclass
class BandStack:
    """Band files stacked into one virtual raster, one band per file."""

    source: str                 # what the user gave: a folder or an MTL file
    raster_path: str            # the VRT the engine reads
    files: List[str]
    naming: BandFileNames


def stack_band_files(path: str, sensor: Optional[Sensor] = None) -> BandStack:
    """Stack the band files of the folder or MTL file ``path`` (see the module notes)."""
    label = os.path.basename(path.rstrip("/\\")) or path
    mtl_path = path if os.path.isfile(path) else None
    if mtl_path:
        product = os.path.basename(path)[:-len("_MTL.txt")].upper()
        folder = os.path.dirname(os.path.abspath(path))
        found = [f for f in _band_files_below(folder, 0) if os.path.basename(f.path).upper().startswith(product)]
    else:
        found = _band_files_below(path, _SEARCH_DEPTH)
    if not found:
        raise InputError(
            f"'{label}' holds no band files (raster files whose names end in a band id, such as "
            f"LC08_..._B4.TIF, T33UUP_..._B04.jp2 or B02.tif); give a raster file or a folder of band files"
        )
    chosen = _one_file_per_band(found, label)
    naming = name_band_files([f.path for f in chosen], label, sensor, mtl_path)
    # The bands the sensor knows, by wavelength; not the panchromatic band, whose finer pixels
    # would set the grid of the whole stack.
    keep = sorted((i for i, name in enumerate(naming.names) if name and name != "pan"),
                  key=lambda i: naming.sensor.bands[chosen[i].band_id].wavelength_nm)
    if not keep:
        raise InputError(f"none of the band files of '{label}' is a {naming.sensor.title} band the models can use")
    chosen = [chosen[i] for i in keep]
    naming = _subset(naming, keep)
    raster_path = _build_vrt(path, [f.path for f in chosen], naming.names, label)
    return BandStack(path, raster_path, [f.path for f in chosen], naming)


def _band_files_below(folder: str, depth: int) -> List[BandFile]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"the folder '{folder}' cannot be read: {exc.strerror}") from None
    files = [band_file(e.path) for e in entries if e.is_file()]
    found = [f for f in files if f]
    if found or depth == 0:
        return found
    for entry in entries:
        if entry.is_dir() and entry.name.lower() not in _SKIPPED_FOLDERS:
            found.extend(_band_files_below(entry.path, depth - 1))
    return found


def _one_file_per_band(found: List[BandFile], label: str) -> List[BandFile]:
    by_id: Dict[str, List[BandFile]] = {}
    for f in found:
        by_id.setdefault(f.band_id, []).append(f)
    chosen = []
    for band_id, files in by_id.items():
        finest = min(f.resolution_m for f in files)
        best = [f for f in files if f.resolution_m == finest]
        if len(best) > 1:
            names = ", ".join(os.path.basename(f.path) for f in best[:3])
            raise InputError(
                f"'{label}' holds several files for band {band_id} ({names}): band files of more than one "
                f"product; give one product's folder, or for Landsat its MTL file"
            )
        chosen.append(best[0])
    return chosen


def _subset(naming: BandFileNames, indices: List[int]) -> BandFileNames:
    scaling = None
    if naming.scaling is not None:
        scales, offsets, source = naming.scaling
        scaling = ([scales[i] for i in indices], [offsets[i] for i in indices], source)
    return dataclasses.replace(naming, names=[naming.names[i] for i in indices], scaling=scaling)


def _build_vrt(source: str, paths: List[str], names: List[Optional[str]], label: str) -> str:
    from osgeo import gdal

    # One VRT per source, rebuilt on each call, so planning a run many times does not pile up.
    key = hashlib.sha1(os.path.abspath(source).encode("utf-8")).hexdigest()[:16]
    vrt_path = f"/vsimem/cloud_mask_plugin/band_stack_{key}.vrt"
    with gdal_errors() as errors:
        # The stack lies on the grid of its finest band file (Sentinel-2's 10 m bands), not on
        # the union of every file's extent: clips cut from a product leave its 20 m and 60 m
        # bands a pixel or two wider, which would shift the mask off the bands users overlay.
        bounds = _finest_file_bounds(paths)
        options = gdal.BuildVRTOptions(separate=True, resolution="highest", outputBounds=bounds)
        vrt = gdal.BuildVRT(vrt_path, paths, options=options)
    if vrt is None or vrt.RasterCount != len(paths):
        detail = errors.last("the files differ in projection or cannot be read")
        raise InputError(f"the band files of '{label}' cannot be stacked: {detail}")
    for i, name in enumerate(names):
        vrt.GetRasterBand(i + 1).SetDescription(name or "")
    vrt = None  # writes the VRT
    return vrt_path


def _finest_file_bounds(paths: List[str]) -> Optional[Tuple[float, float, float, float]]:
    """(xmin, ymin, xmax, ymax) of the band file with the smallest pixels, None when a file
    cannot be opened or is not north-up (BuildVRT then says why)."""
    from osgeo import gdal

    finest = None
    for path in paths:
        ds = gdal.Open(path)
        if ds is None:
            return None
        transform = ds.GetGeoTransform(can_return_null=True)
        if transform is None or transform[2] or transform[4] or transform[5] >= 0:
            return None
        x0, dx, _, y0, _, dy = transform
        bounds = (x0, y0 + dy * ds.RasterYSize, x0 + dx * ds.RasterXSize, y0)
        if finest is None or abs(dx) < finest[0]:
            finest = (abs(dx), bounds)
    return finest[1] if finest else None


def vrt_band_sources(ds) -> Optional[List[str]]:
    """The one source file of each band of a VRT dataset, or None when it is not a VRT of
    one file per band (e.g. a mosaic or a VRT with band descriptions of its own)."""
    root = vrt_xml(ds)
    if root is None:
        return None
    base = os.path.dirname(ds.GetDescription())
    sources = []
    for band in root.iter("VRTRasterBand"):
        names = {el.text for el in band.iter("SourceFilename") if el.text}
        if len(names) != 1:
            return None
        (name,) = names
        relative = any(el.get("relativeToVRT") == "1" for el in band.iter("SourceFilename"))
        sources.append(os.path.join(base, name) if relative else name)
    return sources if len(sources) == ds.RasterCount else None

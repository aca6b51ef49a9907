"""Input planning: which raster band feeds which model input, and how DN becomes reflectance.

Nothing here reads pixels; it looks at the raster's structure and metadata so that a
front end can show the user what will happen before anything runs, and so that a raster
that cannot be used is refused with a message saying what is missing.

Band names come from, in order of precedence:
1. the user's explicit list (``MaskOptions.bands``);
2. a sensor preset (``MaskOptions.sensor``) applied to band ids in the band
   descriptions ("B02", "SR_B4") or, when there are none, to the sensor's band order;
3. the raster itself: band descriptions that are common names ("red", "NIR"), band
   metadata (``eo:common_name``, ``wavelength``), or band ids of a sensor recognised
   from the file name or metadata (Sentinel-2 "T33UUP_..._B04.jp2", Landsat "LC08_..._B4");
4. for one file per band (a product folder, a Landsat MTL file, or a VRT stacking band
   files), the band ids in the file names (``band_files``).

Scaling comes from the user's scale/offset, else GDAL's per-band scale/offset, else what
band files say (a Landsat MTL file, the product level in the names), else the sensor
preset when it has exactly one product level, else from the data type: floating point
data is taken as reflectance, integer data as reflectance x 10000 (with a warning in the
report, since Landsat Level-1 DN would need --scale 2e-5 --offset -0.1).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

from .band_files import (BandFileNames, is_band_file_set, name_band_files, sensor_from_text,
                         stack_band_files, vrt_band_sources)
from .bands import (COMMON_BANDS, SENSORS, Sensor, band_descriptor, common_name_from_text, names_match,
                    normalise_band_id)
from .errors import (ASSUMED_REFLECTANCE, BAND_FILE_SCALING, BAND_LIST_TOO_LONG, BANDS_MISSING, PRESET_BAND_COUNT,
                     BandMappingError, EngineMessage, InputError, TooFewBands)
from .fill import FillRule, fill_rule
from .gdal_util import open_raster

# Every front end names bands its own way; one message serves them all.
HOW_TO_NAME_BANDS = "name the bands (CLI --bands, Processing BANDS, or the panel's band table)"


@dataclass
class InputPlan:
    path: str
    width: int
    height: int
    band_count: int
    # The common name of each raster band (None when unknown), 1st raster band first.
    raster_band_names: List[Optional[str]]
    naming_source: str
    sensor: Optional[str]
    # For each model input, the 1-based raster band that feeds it.
    model_band_names: List[str]
    source_bands: List[int]
    # Centre wavelength and width (nm) of each fed band, as the raster's sensor has them.
    descriptors: List[Tuple[float, float]]
    scales: List[float]
    offsets: List[float]
    scaling_source: str
    # Which pixels are fill (no data): declared values, product conventions, or the all-zero rule.
    fill: FillRule
    data_types: List[str]
    # None when the raster has no geotransform (pixel coordinates only).
    geotransform: Optional[Tuple[float, ...]]
    projection: str
    warnings: List[str] = field(default_factory=list)
    # The raster the engine reads when it is not ``path`` itself: the virtual raster that
    # stacks a folder of band files.
    raster_path: Optional[str] = None
    # The model bundle (its band path, for a bundle of band paths) that runs on this raster,
    # and why that path: "" for a bundle of one path.
    bundle: Any = None
    band_path: str = ""

    @property
    def read_path(self) -> str:
        return self.raster_path or self.path

    @property
    def nodata(self) -> List[Optional[float]]:
        """Per model band, the stored value that is fill (None: none)."""
        return self.fill.nodata

    def describe(self) -> List[str]:
        """Human-readable lines, one per model input: 'blue <- band 1 (x 0.0001 + 0)'."""
        return [
            f"{name} <- band {src} (reflectance = DN x {scale:g} {'+' if offset >= 0 else '-'} {abs(offset):g})"
            for name, src, scale, offset in zip(self.model_band_names, self.source_bands, self.scales, self.offsets)
        ]

    def mapping_dict(self) -> dict:
        return {name: src for name, src in zip(self.model_band_names, self.source_bands)}

    def descriptor_array(self):
        """[C, 2] float32 in micrometres, the form sensor-independent models take."""
        import numpy as np

        return np.asarray(self.descriptors, dtype=np.float32) / 1000.0


def plan_raster(path: str, bundle, options) -> InputPlan:
    label = os.path.basename(path.rstrip("/\\")) or path
    sensor = _sensor_from_options(options)
    stack = stack_band_files(path, sensor) if is_band_file_set(path) else None
    ds = open_raster(stack.raster_path if stack else path)
    count = ds.RasterCount
    if count == 0:
        raise InputError(f"'{label}' has no raster bands")
    if count < len(bundle.required_bands):
        raise TooFewBands(label, count, bundle.required_bands)
    bands = [ds.GetRasterBand(i + 1) for i in range(count)]
    descriptions = [b.GetDescription() or "" for b in bands]
    warnings: List[str] = []

    # One file per band: a stacked folder, or a VRT of band files without band descriptions.
    band_file_names = stack.naming if stack else None
    band_file_paths = stack.files if stack else None
    if band_file_names is None and not any(descriptions):
        band_file_names = _names_from_vrt_sources(ds, label, sensor)
        band_file_paths = vrt_band_sources(ds) if band_file_names else None
    if band_file_names is not None and not options.bands:
        names, naming_source = list(band_file_names.names), band_file_names.naming_source
    else:
        names, naming_source = _name_bands(ds, path, descriptions, bands, options, sensor)
    if sensor is None and band_file_names is not None:
        sensor = band_file_names.sensor
    if sensor is None and naming_source.startswith("band ids of"):
        sensor = _detect_sensor(path, ds)

    bundle, band_path, (model_band_names, source_bands) = _choose_band_path(bundle, names, label, descriptions)
    scales, offsets, scaling_source = _scaling(bands, source_bands, options, sensor, warnings, label,
                                               band_file_names)

    from osgeo import gdal

    data_types = [gdal.GetDataTypeName(bands[i - 1].DataType) for i in source_bands]
    fill = fill_rule([bands[i - 1].GetNoDataValue() for i in source_bands],
                     all(t.lower().startswith(("byte", "int", "uint")) for t in data_types),
                     sensor.key if sensor else None, band_file_paths, options.zero_is_nodata,
                     (ds.RasterXSize, ds.RasterYSize))
    return InputPlan(
        path=path,
        width=ds.RasterXSize,
        height=ds.RasterYSize,
        band_count=count,
        raster_band_names=names,
        naming_source=naming_source,
        sensor=sensor.key if sensor else None,
        model_band_names=model_band_names,
        source_bands=source_bands,
        descriptors=[band_descriptor(names[i - 1], sensor) for i in source_bands],
        scales=scales,
        offsets=offsets,
        scaling_source=scaling_source,
        fill=fill,
        data_types=data_types,
        geotransform=_geotransform(ds),
        projection=ds.GetProjection() or "",
        warnings=warnings,
        raster_path=stack.raster_path if stack else None,
        bundle=bundle,
        band_path=band_path,
    )


def _geotransform(ds) -> Optional[Tuple[float, ...]]:
    gt = ds.GetGeoTransform(can_return_null=True)
    return tuple(gt) if gt else None


def _sensor_from_options(options) -> Optional[Sensor]:
    if not options.sensor or options.sensor == "auto":
        return None
    if options.sensor not in SENSORS:
        raise InputError(f"unknown sensor '{options.sensor}'; use one of: {', '.join(SENSORS)}")
    return SENSORS[options.sensor]


def _name_bands(ds, path, descriptions, bands, options, sensor) -> Tuple[List[Optional[str]], str]:
    count = len(bands)
    label = os.path.basename(path) or path
    if options.bands:
        if len(options.bands) > count:
            raise BandMappingError(
                f"the band list names {len(options.bands)} bands but '{label}' has only {count}; "
                f"give one name per raster band (use '-' to skip a band)",
                code=BAND_LIST_TOO_LONG, raster=label, listed=len(options.bands), band_count=count)
        return list(options.bands) + [None] * (count - len(options.bands)), "band list given by the user"

    if sensor is not None:
        by_id = [_band_id_name(sensor, d) for d in descriptions]
        if any(by_id):
            return by_id, f"band ids of the {sensor.title} preset"
        order = sensor.default_band_order()
        if count == len(order):
            return [b.name for b in order], f"band order of the {sensor.title} preset"
        raise BandMappingError(
            f"'{label}' has {count} bands without band ids, and the {sensor.title} preset has "
            f"{len(order)}; {HOW_TO_NAME_BANDS}, e.g. blue,green,red,nir",
            code=PRESET_BAND_COUNT, raster=label, band_count=count, sensor=sensor.title, preset_count=len(order))

    from_text = [common_name_from_text(d) for d in descriptions]
    from_metadata = [_name_from_band_metadata(b) for b in bands]
    names = [t or m for t, m in zip(from_text, from_metadata)]
    if any(names):
        return names, "band descriptions and metadata"

    detected = _detect_sensor(path, ds)
    if detected is not None:
        by_id = [_band_id_name(detected, d) for d in descriptions]
        if not any(by_id) and count == 1:
            by_id = [_band_id_name(detected, os.path.splitext(os.path.basename(path))[0])]
        if any(by_id):
            return by_id, f"band ids of {detected.title} (recognised from the file)"
    return [None] * count, "nothing (no band descriptions, metadata or known file name)"


def _names_from_vrt_sources(ds, label: str, sensor: Optional[Sensor]) -> Optional[BandFileNames]:
    """Names from the source files of a VRT that stacks band files, else None."""
    sources = vrt_band_sources(ds)
    return name_band_files(sources, label, sensor, files_are="the VRT's source file names") if sources else None


def _band_id_name(sensor: Sensor, text: str) -> Optional[str]:
    if not text:
        return None
    m = re.search(r"(?i)(?:^|[^a-z0-9])(?:sr_|toa_)?(b(?:and)?[ _]?\d{1,2}a?)$", text.strip())
    if not m:
        return None
    band = sensor.band_for_id(normalise_band_id(m.group(1)))
    return band.name if band else None


def _name_from_band_metadata(band) -> Optional[str]:
    md = band.GetMetadata() or {}
    for key in ("eo:common_name", "common_name", "COMMON_NAME", "BANDNAME", "band_name"):
        if md.get(key):
            name = common_name_from_text(md[key])
            if name:
                return name
    for key in ("wavelength", "WAVELENGTH", "CENTRAL_WAVELENGTH_UM", "central_wavelength"):
        if md.get(key):
            try:
                value = float(re.findall(r"[0-9.]+", md[key])[0])
            except (IndexError, ValueError):
                continue
            units = (md.get("wavelength_units") or md.get("WAVELENGTH_UNITS") or "").lower()
            nm = value * 1000.0 if (value < 30 or units.startswith("micro") or units == "um") else value
            return _nearest_common_name(nm)
    return None


def _nearest_common_name(wavelength_nm: float) -> Optional[str]:
    best = min(
        (b for b in COMMON_BANDS.values() if b.name not in ("pan",)),
        key=lambda b: abs(b.wavelength_nm - wavelength_nm),
    )
    # Only accept a wavelength inside the band (plus a little slack for sensor differences).
    return best.name if abs(best.wavelength_nm - wavelength_nm) <= best.width_nm / 2 + 15 else None


def _detect_sensor(path: str, ds) -> Optional[Sensor]:
    metadata = " ".join(f"{k}={v}" for k, v in (ds.GetMetadata() or {}).items())
    return sensor_from_text(os.path.basename(path) + " " + metadata)


def _choose_band_path(bundle, names: List[Optional[str]], label: str, descriptions: List[str]):
    """The richest band path of ``bundle`` whose bands the raster has, why that one (see
    ``bundle.load_bundle``; "" for a bundle of one path, which is its own path), and its
    ``_match_model_bands``. When no path fits, the error is the last path's, which needs fewest bands."""
    if not bundle.paths:
        return bundle, "", _match_model_bands(bundle, names, label, descriptions)
    passed_over = []
    for candidate in bundle.paths[:-1]:
        try:
            match = _match_model_bands(candidate, names, label, descriptions)
            break
        except BandMappingError as error:
            passed_over.append(f"the {candidate.path_name} path needs {', '.join(error.values['missing'])}")
    else:
        candidate = bundle.paths[-1]   # raises here when the raster lacks its bands too
        match = _match_model_bands(candidate, names, label, descriptions)
    bands = ", ".join(candidate.band_names)
    if not passed_over:
        return candidate, f"{candidate.path_name} path ({bands}): the raster has all its bands", match
    return candidate, f"{candidate.path_name} path ({bands}): the raster lacks what {'; '.join(passed_over)}", match


def _match_model_bands(bundle, names: List[Optional[str]], label: str,
                       descriptions: List[str]) -> Tuple[List[str], List[int]]:
    """The model inputs to feed and the 1-based raster band of each.

    A fixed model needs every band it lists, in its order. A sensor-independent model
    takes every listed band the raster has, and needs at least its required bands.
    """
    chosen: List[str] = []
    sources: List[int] = []
    missing: List[str] = []
    for wanted in bundle.band_names:
        # The band of that very name first, then an equivalent one (nir08 for nir), and
        # never a raster band already feeding another input: a bundle listing both nir and
        # nir08 must not be fed Sentinel-2's B8 twice.
        exact = [i + 1 for i, have in enumerate(names) if have == wanted]
        similar = [i + 1 for i, have in enumerate(names) if have and have != wanted and names_match(wanted, have)]
        found = [i for i in exact + similar if i not in sources]
        if found:
            chosen.append(wanted)
            sources.append(found[0])
        elif wanted in bundle.required_bands:
            missing.append(wanted)
    if missing:
        offered = ", ".join(
            f"{i + 1}={names[i] or (repr(descriptions[i]) if descriptions[i] else '?')}" for i in range(len(names))
        )
        example = ",".join(bundle.required_bands)
        raise BandMappingError(
            f"'{label}' lacks the band(s) {', '.join(missing)} that model '{bundle.label}' needs "
            f"(raster bands: {offered}); {HOW_TO_NAME_BANDS}, e.g. {example}, or choose a sensor preset",
            code=BANDS_MISSING, raster=label, model=bundle.label, missing=missing, band_count=len(names),
            needed=list(bundle.required_bands), offered=offered)
    return chosen, sources


def _scaling(bands, source_bands, options, sensor, warnings, label,
             band_file_names: Optional[BandFileNames] = None) -> Tuple[List[float], List[float], str]:
    n = len(source_bands)
    if options.scale is not None or options.offset is not None:
        scale = 1.0 if options.scale is None else float(options.scale)
        offset = 0.0 if options.offset is None else float(options.offset)
        return [scale] * n, [offset] * n, "given by the user"

    gdal_scales = [bands[i - 1].GetScale() for i in source_bands]
    gdal_offsets = [bands[i - 1].GetOffset() for i in source_bands]
    if any((s not in (None, 1.0)) or (o not in (None, 0.0)) for s, o in zip(gdal_scales, gdal_offsets)):
        return ([1.0 if s is None else float(s) for s in gdal_scales],
                [0.0 if o is None else float(o) for o in gdal_offsets], "GDAL band scale/offset")

    if band_file_names is not None and band_file_names.scaling is not None:
        scales, offsets, source = band_file_names.scaling
        if band_file_names.scaling_caveat:
            warnings.append(EngineMessage(f"'{label}': {band_file_names.scaling_caveat}", BAND_FILE_SCALING,
                                          raster=label))
        return [scales[i - 1] for i in source_bands], [offsets[i - 1] for i in source_bands], source
    if band_file_names is not None and band_file_names.scaling_problem:
        raise InputError(f"'{label}': {band_file_names.scaling_problem} (CLI --scale/--offset, Processing SCALE/OFFSET)")

    if sensor is not None and len(sensor.scalings) == 1:
        (level, scaling), = sensor.scalings.items()
        return [scaling.scale] * n, [scaling.offset] * n, f"{sensor.title} preset: {scaling.note}"

    from osgeo import gdal

    integer = any(gdal.GetDataTypeName(bands[i - 1].DataType).lower().startswith(("byte", "int", "uint"))
                  for i in source_bands)
    if integer:
        warnings.append(EngineMessage(
            f"'{label}' has integer bands and no scale: assumed reflectance x 10000 "
            f"(Sentinel-2 before 2022, most surface-reflectance products); set the scale and offset if wrong",
            ASSUMED_REFLECTANCE, raster=label))
        return [1e-4] * n, [0.0] * n, "assumed (integer data, reflectance x 10000)"
    return [1.0] * n, [0.0] * n, "assumed (floating-point data taken as reflectance)"

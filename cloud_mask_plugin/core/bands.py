"""Band catalogue: which raster band is which spectral band, by name and wavelength.

Models ask for bands by STAC ``eo:common_name`` (blue, green, red, nir, ...). A raster
offers bands with GDAL descriptions such as ``B02``, ``SR_B4``, ``Red`` or nothing at all.
This module connects the two: a catalogue of sensors with each band's common name,
centre wavelength and width, and the rules that turn a raster's band descriptions, a
chosen sensor preset or an explicit user list into common names.

Wavelengths are in nanometres; widths are full width at half maximum, from the
sensors' published spectral response summaries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple


@dataclass(frozen=True)
class Band:
    """One spectral band: its common name and where it sits in the spectrum."""

    name: str
    wavelength_nm: float
    width_nm: float

    def as_dict(self) -> dict:
        return {"name": self.name, "wavelength_nm": self.wavelength_nm, "width_nm": self.width_nm}


# Typical centre and width of each STAC common name. Used when a band is known only
# by its common name (for example a GeoTIFF whose band descriptions say "red").
COMMON_BANDS: Dict[str, Band] = {
    b.name: b
    for b in (
        Band("coastal", 443, 20),
        Band("blue", 490, 65),
        Band("green", 560, 40),
        Band("yellow", 605, 20),
        Band("red", 665, 35),
        Band("rededge071", 705, 15),
        Band("rededge075", 740, 15),
        Band("rededge078", 783, 20),
        Band("nir", 842, 115),
        Band("nir08", 865, 25),
        Band("nir09", 945, 20),
        Band("cirrus", 1375, 30),
        Band("swir16", 1610, 90),
        Band("swir22", 2200, 180),
        Band("pan", 590, 170),
        Band("lwir", 11450, 2100),
        Band("lwir11", 10900, 590),
        Band("lwir12", 12000, 1000),
    )
}

# Names a model may ask for and names a raster may use for the same physical band:
# a model trained on "nir" accepts a raster band labelled "nir08" and vice versa.
EQUIVALENT_NAMES: Dict[str, Sequence[str]] = {
    "nir": ("nir", "nir08"),
    "nir08": ("nir08", "nir"),
    "lwir": ("lwir", "lwir11"),
    "lwir11": ("lwir11", "lwir"),
}

# Free-text aliases seen in band descriptions, lower-cased.
_ALIASES: Dict[str, str] = {
    "coastal": "coastal", "coastal_aerosol": "coastal", "aerosol": "coastal", "ca": "coastal",
    "blue": "blue", "b": "blue",
    "green": "green", "g": "green",
    "yellow": "yellow",
    "red": "red", "r": "red",
    "rededge": "rededge071", "red_edge": "rededge071", "re": "rededge071",
    "rededge1": "rededge071", "rededge2": "rededge075", "rededge3": "rededge078",
    "rededge071": "rededge071", "rededge075": "rededge075", "rededge078": "rededge078",
    "nir": "nir", "near_infrared": "nir", "near-infrared": "nir", "n": "nir",
    "nir08": "nir08", "nir_narrow": "nir08", "narrow_nir": "nir08", "nir09": "nir09",
    "water_vapour": "nir09", "water_vapor": "nir09", "wv": "nir09",
    "cirrus": "cirrus",
    "swir1": "swir16", "swir16": "swir16", "swir_1": "swir16",
    "swir2": "swir22", "swir22": "swir22", "swir_2": "swir22",
    "pan": "pan", "panchromatic": "pan",
    "tir": "lwir", "tir1": "lwir11", "tir2": "lwir12", "thermal": "lwir",
    "lwir": "lwir", "lwir11": "lwir11", "lwir12": "lwir12",
}


@dataclass(frozen=True)
class Scaling:
    """DN to reflectance: reflectance = DN * scale + offset."""

    scale: float
    offset: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class Sensor:
    """A sensor preset: its bands keyed by the product's own band ids, and scaling."""

    key: str
    title: str
    bands: Dict[str, Band]
    scalings: Dict[str, Scaling] = field(default_factory=dict)

    def band_for_id(self, band_id: str) -> Optional[Band]:
        return self.bands.get(normalise_band_id(band_id))

    def default_band_order(self) -> List[Band]:
        return list(self.bands.values())


def normalise_band_id(band_id: str) -> str:
    """'b2', 'B02', 'SR_B2', 'band2' -> 'B2'; 'B8A' -> 'B8A'."""
    m = re.search(r"(?i)(?:^|[^a-z])(?:sr_|st_|toa_)?(?:b|band)[ _]?0*(\d{1,2})(a?)$", band_id.strip())
    if not m:
        return band_id.strip().upper()
    return "B" + m.group(1) + m.group(2).upper()


def _sensor(key, title, table, scalings=None) -> Sensor:
    bands = {bid: Band(name, wl, width) for bid, name, wl, width in table}
    return Sensor(key, title, bands, scalings or {})


# Sentinel-2 MSI (A/B/C differ by a few nm; these are the S2A centres, within 3 nm of the others).
SENTINEL2 = _sensor("sentinel2", "Sentinel-2 MSI (A/B/C)", [
    ("B1", "coastal", 442.7, 21), ("B2", "blue", 492.4, 66), ("B3", "green", 559.8, 36),
    ("B4", "red", 664.6, 31), ("B5", "rededge071", 704.1, 15), ("B6", "rededge075", 740.5, 15),
    ("B7", "rededge078", 782.8, 20), ("B8", "nir", 832.8, 106), ("B8A", "nir08", 864.7, 21),
    ("B9", "nir09", 945.1, 20), ("B10", "cirrus", 1373.5, 31), ("B11", "swir16", 1613.7, 91),
    ("B12", "swir22", 2202.4, 175),
], {
    "L1C": Scaling(1e-4, 0.0, "Sentinel-2 L1C before processing baseline 04.00"),
    "L2A": Scaling(1e-4, 0.0, "Sentinel-2 L2A before processing baseline 04.00"),
    "L1C_N0400": Scaling(1e-4, -0.1, "Sentinel-2 L1C, baseline 04.00+ (from 2022-01-25): (DN - 1000) / 10000"),
    "L2A_N0400": Scaling(1e-4, -0.1, "Sentinel-2 L2A, baseline 04.00+ (from 2022-01-25): (DN - 1000) / 10000"),
})

LANDSAT89 = _sensor("landsat89", "Landsat 8/9 OLI/TIRS", [
    ("B1", "coastal", 443, 16), ("B2", "blue", 482, 60), ("B3", "green", 561.5, 57),
    ("B4", "red", 654.5, 37), ("B5", "nir08", 865, 28), ("B6", "swir16", 1608.5, 85),
    ("B7", "swir22", 2200.5, 187), ("B8", "pan", 589.5, 172), ("B9", "cirrus", 1373.5, 20),
    ("B10", "lwir11", 10895, 590), ("B11", "lwir12", 12005, 1010),
], {
    "L1": Scaling(2e-5, -0.1, "Landsat Collection 1/2 Level-1 TOA reflectance (not sun-angle corrected)"),
    "L2SP": Scaling(2.75e-5, -0.2, "Landsat Collection 2 Level-2 surface reflectance"),
})

LANDSAT7 = _sensor("landsat7", "Landsat 7 ETM+", [
    ("B1", "blue", 483, 65), ("B2", "green", 560, 80), ("B3", "red", 662, 60),
    ("B4", "nir08", 835, 130), ("B5", "swir16", 1648, 200), ("B6", "lwir", 11450, 2100),
    ("B7", "swir22", 2206, 260), ("B8", "pan", 710, 380),
], {
    "L2SP": Scaling(2.75e-5, -0.2, "Landsat Collection 2 Level-2 surface reflectance"),
})

LANDSAT45 = _sensor("landsat45", "Landsat 4/5 TM", [
    ("B1", "blue", 485, 70), ("B2", "green", 560, 80), ("B3", "red", 660, 60),
    ("B4", "nir08", 830, 140), ("B5", "swir16", 1650, 200), ("B6", "lwir", 11450, 2100),
    ("B7", "swir22", 2215, 270),
], {
    "L2SP": Scaling(2.75e-5, -0.2, "Landsat Collection 2 Level-2 surface reflectance"),
})

CBERS4A_WFI = _sensor("cbers4a_wfi", "CBERS-4A WFI", [
    ("B13", "blue", 485, 70), ("B14", "green", 555, 70), ("B15", "red", 660, 60),
    ("B16", "nir", 830, 120),
], {
    "L4_SR": Scaling(1e-4, 0.0, "CBERS-4A Level-4 surface reflectance x 10000"),
})

CBERS4A_MUX = _sensor("cbers4a_mux", "CBERS-4A MUX", [
    ("B5", "blue", 485, 70), ("B6", "green", 555, 70), ("B7", "red", 660, 60),
    ("B8", "nir", 830, 120),
], {
    "L4_SR": Scaling(1e-4, 0.0, "CBERS-4A Level-4 surface reflectance x 10000"),
})

PLANETSCOPE4 = _sensor("planetscope4", "PlanetScope 4-band", [
    ("B1", "blue", 490, 50), ("B2", "green", 565, 36), ("B3", "red", 665, 31), ("B4", "nir", 865, 40),
], {"SR": Scaling(1e-4, 0.0, "PlanetScope surface reflectance x 10000")})

PLANETSCOPE8 = _sensor("planetscope8", "PlanetScope 8-band (SuperDove)", [
    ("B1", "coastal", 443, 20), ("B2", "blue", 490, 50), ("B3", "green05", 531, 36),
    ("B4", "green", 565, 36), ("B5", "yellow", 610, 20), ("B6", "red", 665, 31),
    ("B7", "rededge071", 705, 16), ("B8", "nir", 865, 40),
], {"SR": Scaling(1e-4, 0.0, "PlanetScope surface reflectance x 10000")})

SENSORS: Dict[str, Sensor] = {
    s.key: s for s in (SENTINEL2, LANDSAT89, LANDSAT7, LANDSAT45, CBERS4A_WFI, CBERS4A_MUX,
                       PLANETSCOPE4, PLANETSCOPE8)
}


def common_name_from_text(text: str) -> Optional[str]:
    """A common name read from free text such as a GDAL band description, else None.

    Only whole-string matches count ("Red", "NIR", "swir16", "SWIR 1"): guessing from
    substrings would turn "B04 (red)" and "infrared" alike into wrong names.
    """
    if not text:
        return None
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    if key in _ALIASES:
        return _ALIASES[key]
    # "B04 - red", "red (B4)": a common name inside brackets or after a separator.
    for part in re.split(r"[()\[\]:,;/|]|\s-\s", text):
        part_key = re.sub(r"[\s\-]+", "_", part.strip().lower())
        if part_key in _ALIASES:
            return _ALIASES[part_key]
    return None


def band_from_name(name: str) -> Band:
    """The catalogue Band for a common name; raises KeyError for names we do not know."""
    return COMMON_BANDS[name]


def names_match(model_band: str, raster_band: str) -> bool:
    return raster_band in EQUIVALENT_NAMES.get(model_band, (model_band,))


def sensor_band(sensor: Sensor, name: str, related: bool = True) -> Optional[Band]:
    """``sensor``'s band called ``name``; else, with ``related``, its band that ``name`` also
    covers ('nir' -> Landsat's 'nir08'); else None."""
    bands = list(sensor.bands.values())
    exact = [b for b in bands if b.name == name]
    if exact or not related:
        return exact[0] if exact else None
    return next((b for b in bands if names_match(name, b.name)), None)


def band_descriptor(name: str, sensor: Optional[Sensor] = None, related: bool = False) -> Tuple[float, float]:
    """(centre wavelength, width) in nm of band ``name`` as ``sensor`` has it (``sensor_band``),
    or the common band's when there is no sensor or it has no such band. What a
    sensor-independent bundle is fed beside each band, in the engine and in training."""
    band = sensor_band(sensor, name, related) if sensor is not None else None
    band = band or COMMON_BANDS[name]
    return band.wavelength_nm, band.width_nm


def parse_band_list(text: str) -> List[Optional[str]]:
    """'blue,green,red,nir' or 'blue,green,-,nir' -> names ('-' or '' skips a band).

    Raises ValueError naming the entry it cannot read.
    """
    names: List[Optional[str]] = []
    for i, raw in enumerate(text.split(","), start=1):
        raw = raw.strip()
        if raw in ("", "-", "skip", "none"):
            names.append(None)
            continue
        name = _ALIASES.get(raw.lower(), raw.lower())
        if name not in COMMON_BANDS:
            known = ", ".join(sorted(COMMON_BANDS))
            raise ValueError(
                f"band {i} of the band list is '{raw}', which is not a band name; "
                f"use one of: {known}, or '-' to skip a band"
            )
        names.append(name)
    return names

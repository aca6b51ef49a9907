"""The classes of the paletted products (cloud mask, coarse grid): codes, names, colours.

One table serves the GeoTIFF writer (colour table, category names and a copy of the names
inside the file) and the QGIS styles (``cloud_mask_plugin/styles.py``), so a mask looks
and reads the same in QGIS, in another GIS and after the ``.tif`` was copied alone.

GDAL keeps a GeoTIFF band's category names in a ``.aux.xml`` sidecar, which is lost when
only the ``.tif`` is copied; the TIFF colour map has no alpha. So the names are also
written as dataset metadata (``CLASS_<code>=<name>``, stored in the file's GDAL_METADATA
tag), and the colours in the colour table are opaque: transparency is the style's job.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

RGBA = Tuple[int, int, int, int]
CLASS_KEY = "CLASS_{code}"


@dataclass(frozen=True)
class ClassTable:
    description: str                 # the band description: short, it heads QGIS's legend
    names: Dict[int, str]            # code -> English name
    colors: Dict[int, RGBA]          # code -> colour (alpha as the QGIS style draws it)
    nodata: Optional[int] = None

    def category_names(self) -> List[str]:
        """GDAL's category names: entry i names value i ("" for codes without a class)."""
        top = max(code for code in self.names if code != self.nodata)
        return [self.names.get(code, "") for code in range(top + 1)]

    def file_colors(self) -> Dict[int, RGBA]:
        """The colour table as the TIFF colour map holds it (opaque)."""
        return {code: rgba[:3] + (255,) for code, rgba in self.colors.items()}

    def metadata(self) -> Dict[str, str]:
        """``CLASS_<code>=<name>`` items that travel inside the GeoTIFF."""
        return {CLASS_KEY.format(code=code): name for code, name in self.names.items()}


# Cloud in a saturated magenta, half transparent: it reads over white cloud tops and dark
# ground alike (a pale blue or white disappears over the clouds it marks); clear is not
# drawn at all; no data is grey.
CLOUD_MASK = ClassTable(
    description="cloud mask",
    names={0: "clear", 1: "cloud", 255: "no data"},
    colors={0: (0, 0, 0, 0), 1: (230, 0, 160, 150), 255: (128, 128, 128, 140)},
    nodata=255,
)

COARSE_GRID = ClassTable(
    description="coarse class",
    names={0: "cloudless", 1: "overcast", 2: "partly cloudy", 3: "no data"},
    colors={0: (46, 139, 87, 255), 1: (120, 60, 200, 255), 2: (255, 165, 0, 255), 3: (128, 128, 128, 255)},
)


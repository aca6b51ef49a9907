"""What a run is asked and what it gives back: ``MaskOptions`` (how to read the input and
run the models), ``OutputPaths`` (where each product goes) and ``MaskResult``.

The engine (``pipeline``) and its entry points (``api``, which re-exports these names)
both take them from here, so neither imports the other for them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, List, Optional

ProgressCallback = Callable[[float, str], None]   # (fraction 0..1, what is happening)
CancelCheck = Callable[[], bool]                   # True when the user asked to stop


@dataclass
class MaskOptions:
    """How to read the input and run the models. ``None`` means "work it out"."""

    # One common name per raster band ("blue", "nir", ...; None skips a band).
    bands: Optional[List[Optional[str]]] = None
    # A sensor preset key of ``bands.SENSORS`` ("sentinel2", "landsat89", ...).
    sensor: Optional[str] = None
    # DN to reflectance for every band: reflectance = DN * scale + offset.
    scale: Optional[float] = None
    offset: Optional[float] = None
    model: Optional[str] = None          # bundle folder; None = the bundled default
    device: str = "auto"                 # auto | cpu | cuda
    threshold: Optional[float] = None    # cloud probability threshold; None = the bundle's
    overwrite: bool = False
    # Cloud polygons: drop polygons smaller than this (map units squared) and grow the
    # rest by this distance (map units) before writing.
    min_polygon_area: float = 0.0
    polygon_buffer: float = 0.0
    # Fine-model windows per inference call; None picks per device (backend.default_batch_size):
    # 1 on the CPU, where bigger batches were no faster and hold more memory, 32 on a GPU.
    batch_size: Optional[int] = None
    # Write the mask as a Cloud Optimized GeoTIFF instead of a tiled GeoTIFF.
    cog: bool = False
    # CPU threads the models of this run may use; None = all cores. Runs side by side on one
    # machine (a batch's worker processes) each take their share instead of all of them.
    threads: Optional[int] = None
    # For a raster that declares no no-data value (and is no Sentinel-2 or Landsat product
    # whose format says what fill is): take pixels that are 0 in every model band as no data.
    # False for rasters whose all-zero pixels are real data.
    zero_is_nodata: bool = True


@dataclass
class OutputPaths:
    """Where each product goes; ``None`` skips that product (the mask is always written)."""

    mask: str
    probability: Optional[str] = None
    coarse_grid: Optional[str] = None
    polygons: Optional[str] = None
    report: Optional[str] = None
    # The input with cloud pixels (and the polygons' buffer) set to no data.
    masked_image: Optional[str] = None

    def all(self) -> List[str]:
        return [p for p in (self.mask, self.probability, self.coarse_grid, self.polygons, self.report,
                            self.masked_image) if p]


@dataclass
class MaskResult:
    outputs: OutputPaths
    report: dict = field(default_factory=dict)

    @property
    def cloud_cover_percent(self) -> float:
        return float(self.report["cloud_cover_percent"])

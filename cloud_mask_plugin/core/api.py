"""The engine's one entry point: mask the clouds of one raster file.

Every front end (CLI, Processing algorithm, dock widget task) builds a ``MaskOptions``
and an ``OutputPaths`` and calls ``mask_file``. It never imports QGIS.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, List, Optional

from .errors import InputError, OutputError

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


def default_outputs(input_path: str, output_dir: str, probability: bool = True, coarse_grid: bool = True,
                    polygons: bool = True, report: bool = True, masked_image: bool = False) -> OutputPaths:
    """``<stem>_cloudmask.tif``, ``<stem>_cloudprob.tif``, ``<stem>_coarsegrid.tif``,
    ``<stem>_clouds.gpkg``, ``<stem>_report.json`` and ``<stem>_masked.tif`` in ``output_dir``."""
    stem = os.path.splitext(os.path.basename(input_path.rstrip("/\\")))[0]
    if stem.upper().endswith("_MTL"):   # a Landsat MTL file stands for its product
        stem = stem[:-len("_MTL")]
    if stem.lower().endswith(".tar") or not stem:
        raise OutputError(f"cannot derive an output name from '{input_path}'")

    def path(suffix):
        return os.path.join(output_dir, stem + suffix)

    return OutputPaths(
        mask=path("_cloudmask.tif"),
        probability=path("_cloudprob.tif") if probability else None,
        coarse_grid=path("_coarsegrid.tif") if coarse_grid else None,
        polygons=path("_clouds.gpkg") if polygons else None,
        report=path("_report.json") if report else None,
        masked_image=path("_masked.tif") if masked_image else None,
    )


def mask_file(input_path: str, outputs: OutputPaths, options: Optional[MaskOptions] = None,
              progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None) -> MaskResult:
    """Mask the clouds of ``input_path`` and write the products named in ``outputs``.

    Raises a ``CloudMaskError`` subclass with a one-line message on any user-facing
    problem, ``Cancelled`` when ``is_cancelled()`` turns true. Either way no output file is
    left behind and the input is never modified.
    """
    from .pipeline import run_pipeline  # heavy imports (GDAL, onnxruntime) only when used

    try:
        return run_pipeline(input_path, outputs, options or MaskOptions(), progress, is_cancelled)
    except MemoryError:
        # The outputs' transaction has already removed its temporary files.
        label = os.path.basename(os.fspath(input_path)) or input_path
        raise InputError(
            f"not enough memory to mask '{label}'; split it into tiles (e.g. with gdal_translate -srcwin) "
            f"or close other programs and try again"
        ) from None


def plan_input(input_path: str, options: Optional[MaskOptions] = None):
    """How ``input_path`` would be read for the chosen model, without running anything:
    an ``inputs.InputPlan`` (band mapping, scaling, where each came from). Raises
    ``InputError`` naming what is missing when the bands cannot be mapped. Front ends use
    it to show the detected band mapping before the user presses "Mask clouds"."""
    from .bundle import load_bundle
    from .inputs import plan_raster

    options = options or MaskOptions()
    return plan_raster(input_path, load_bundle(options.model), options)


def describe_device(requested: str = "auto", model: Optional[str] = None) -> str:
    """Which device a run would really use and why, e.g. "GPU: CUDA via onnxruntime" or
    "CPU: no CUDA provider found". ``model`` (default: the bundled model) matters for the
    torch GPU route, which needs the bundle's TorchScript files."""
    from .backend import resolve_device
    from .bundle import BundleError, load_bundle

    try:
        bundle = load_bundle(model)
    except BundleError:
        bundle = None
    return resolve_device(requested, bundle).description

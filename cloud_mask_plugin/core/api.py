"""The engine's one entry point: mask the clouds of one raster file.

Every front end (CLI, Processing algorithm, dock widget task) builds a ``MaskOptions``
and an ``OutputPaths`` and calls ``mask_file``. It never imports QGIS.
"""
from __future__ import annotations

import os
from typing import Optional

from .errors import InputError, OutputError
from .options import CancelCheck, MaskOptions, MaskResult, OutputPaths, ProgressCallback

__all__ = ["CancelCheck", "MaskOptions", "MaskResult", "OutputPaths", "ProgressCallback", "default_outputs",
           "describe_device", "mask_file", "plan_input"]


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

"""One raster file through the cascade: the streamed run, from the input's plan to the
committed outputs.

The models are loaded, the outputs opened in a transaction (nothing is left behind by a
failed or cancelled run), and ``stripes.StripeScheduler`` streams the scene through the
cascade, reading each block of the input once, in memory bounded by the stripe whatever
the scene's size. Then the optional Cloud Optimized GeoTIFF conversion, the masked image,
the cloud polygons and the report (``report.py``).
"""
from __future__ import annotations

import dataclasses
import os
import time
from typing import Callable, Optional

import numpy as np

from .options import MaskOptions, MaskResult, OutputPaths
from .backend import default_batch_size, resolve_device
from .bundle import load_bundle
from .cascade import CascadeModels
from .errors import Cancelled, InputError, OutputError
from .heap import release_free_memory
from .inputs import plan_raster
from .masked_image import write_masked_image
from .reader import RasterReader
from .report import provenance, run_report
from .stripes import StripeScheduler
from .vectors import polygonize_mask
from .writer import OutputTransaction, convert_to_cog, open_rasters


class _Progress:
    """Maps each stage's own 0..1 onto the run's overall 0..1 and checks for cancellation."""

    STAGES = {"mask": (0.0, 0.90), "vectors": (0.90, 1.0)}

    def __init__(self, callback, is_cancelled):
        self.callback = callback
        self.is_cancelled = is_cancelled or (lambda: False)

    def __call__(self, stage: str, fraction: float, message: str):
        if self.is_cancelled():
            raise Cancelled()
        if self.callback is not None:
            lo, hi = self.STAGES[stage]
            self.callback(lo + (hi - lo) * min(max(fraction, 0.0), 1.0), message)


def run_pipeline(input_path: str, outputs: OutputPaths, options: MaskOptions,
                 progress: Optional[Callable[[float, str], None]] = None,
                 is_cancelled: Optional[Callable[[], bool]] = None) -> MaskResult:
    started = time.perf_counter()
    report_progress = _Progress(progress, is_cancelled)
    input_path = os.fspath(input_path)
    bundle = load_bundle(options.model)
    plan = plan_raster(input_path, bundle, options)
    bundle = plan.bundle   # the band path that runs on this input
    threshold = bundle.fine.threshold if options.threshold is None else float(options.threshold)
    if not 0.0 < threshold < 1.0:
        raise InputError(f"threshold {threshold} is outside 0..1; use a cloud probability such as 0.5")
    device = dataclasses.replace(resolve_device(options.device, bundle), threads=options.threads)
    models = CascadeModels(bundle, device, plan.descriptor_array())
    device = models.device  # after any fallback from a GPU that did not start
    timings = {}

    with OutputTransaction(outputs.all(), input_path, options.overwrite) as transaction:
        metadata = provenance(bundle, threshold, device.description, input_path)
        reader = RasterReader(plan)
        writers = {}
        run = None
        try:
            writers = open_rasters(transaction, outputs, plan, bundle.cell_size, metadata)
            run = StripeScheduler(reader, models, writers, threshold,
                                  options.batch_size or default_batch_size(device),
                                  lambda fraction, message: report_progress("mask", fraction, message),
                                  spill_dir=os.path.dirname(os.path.abspath(outputs.mask)))
            t = time.perf_counter()
            run.run(_fine_window_seconds(models, len(plan.source_bands)))
            timings["read"] = run.read_seconds
            timings["mask"] = time.perf_counter() - t
            for writer in writers.values():
                writer.close()
        except BaseException:
            for writer in writers.values():
                writer.abandon()
            raise
        finally:
            if run is not None:
                run.close()
            reader.close()

        if options.cog:
            for key in ("mask", "probability"):
                final = getattr(outputs, key)
                if final:
                    plain = transaction.temps[os.path.abspath(final)]
                    cog = transaction.temp_path(final)
                    convert_to_cog(plain, cog, smooth=key == "probability")
                    os.remove(plain)

        release_free_memory()  # the fine stage's windows and buffers
        polygon_count = None
        if outputs.masked_image:
            report_progress("vectors", 0.0, "writing the masked image")
            write_masked_image(plan.read_path, transaction.temps[os.path.abspath(outputs.mask)],
                               transaction.temp_path(outputs.masked_image), options.polygon_buffer,
                               report_progress.is_cancelled, shown_as=outputs.masked_image)
        if outputs.polygons:
            t = time.perf_counter()
            report_progress("vectors", 0.0, "tracing cloud polygons")
            mask_temp = transaction.temps[os.path.abspath(outputs.mask)]
            polygon_count = polygonize_mask(mask_temp, transaction.temp_path(outputs.polygons),
                                            options.min_polygon_area, options.polygon_buffer,
                                            metadata, report_progress.is_cancelled)
            timings["polygons"] = time.perf_counter() - t

        timings["total"] = time.perf_counter() - started
        report = run_report(input_path, outputs, plan, bundle, device.description, threshold, run,
                            polygon_count, timings)
        if outputs.report:
            import json

            try:
                with open(transaction.temp_path(outputs.report), "w", encoding="utf-8") as f:
                    json.dump(report, f, indent=2)
            except OSError as exc:
                raise OutputError(f"cannot write the report '{outputs.report}': {exc.strerror or exc} "
                                  f"(is the disk full?)") from None
        report_progress("vectors", 1.0, "done")
        transaction.commit()
    return MaskResult(outputs=outputs, report=report)


def _fine_window_seconds(models: CascadeModels, bands: int) -> float:
    """Seconds of fine model per window, for the estimate the run logs up front: one window,
    after a first call that pays the session's set-up. Not divided among the windows that
    run side by side: reading, blending and writing around each window take about as long
    again on the CPU."""
    window = models.bundle.fine_window
    zeros = np.zeros((1, bands, window, window), np.float32)
    models.fine.run(zeros, models.descriptors)
    t = time.perf_counter()
    models.fine.run(zeros, models.descriptors)
    return time.perf_counter() - t

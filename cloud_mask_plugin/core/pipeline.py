"""One raster file through the cascade, streamed so memory does not grow with the scene.

The scene is processed in column stripes (about 2048 px wide, whole cells), each from top
to bottom, so that GDAL's cache holds the input tiles of one stripe instead of rows of
tiles across the whole scene. Inputs stored in full-width strips are one stripe.

Pass 1 reads the model bands one cell high, keeps the validity mask as packed bits where
there is no data, and builds the coarse model's input by block averaging. The coarse model
then classifies every cell. Pass 2 goes over the stripes again: it reads full-resolution
windows only around cells that need the fine model, blends their probabilities, and writes
the mask and probability rasters one strip of cells at a time. Fine windows of one row of
cells reach into the rows above and below, so a row is written only after the next row's
windows were added (a lag of one row); windows of the cells on either side of a stripe's
edge reach into the next stripe, so they are handed on to it instead of computed twice.

Peak memory is a few strips of one stripe, the coarse image (1/64 of the scene's pixels
per band), the fine windows handed from one stripe to the next (two per row of cells) and
one batch of fine windows.
"""
from __future__ import annotations

import dataclasses
import datetime
import os
import time
from typing import Callable, Optional

import numpy as np
from osgeo import gdal

from . import __version__ as PLUGIN_VERSION
from .options import MaskOptions, MaskResult, OutputPaths
from .backend import default_batch_size, resolve_device
from .bundle import COARSE_CLASSES, load_bundle
from .cascade import (NODATA, OVERCAST, CascadeModels, blend_weights, cell_valid_fraction, decide_cells,
                      downsample_mean)
from .classes import CLOUD_MASK, COARSE_GRID
from .errors import Cancelled, InputError, OutputError
from .heap import release_free_memory
from .inputs import plan_raster
from .masked_image import write_masked_image
from .reader import RasterReader, pad_mirrored
from .vectors import polygonize_mask
from .writer import GeoTiffWriter, OutputTransaction, convert_to_cog

# Scenes whose coarse image would exceed this many bytes are refused with advice to split
# them; 2 GiB covers about 92 000 x 92 000 pixels with 4 bands (the validity bits add an
# eighth of a byte per pixel on top).
MAX_COARSE_BYTES = 2 * 1024 ** 3
# Column stripes are about this wide: a multiple of the outputs' 256 px tiles for the usual
# cell sizes (so no output tile is written twice) and of 512 px input tiles (so few input
# tiles are decoded twice), and narrow enough that GDAL's cache of one stripe's input
# tiles is a few tens of MB.
STRIPE_PIXELS = 2048


class _Progress:
    """Maps each stage's own 0..1 onto the run's overall 0..1 and checks for cancellation."""

    STAGES = {"read": (0.0, 0.30), "coarse": (0.30, 0.35), "fine": (0.35, 0.90), "vectors": (0.90, 1.0)}

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
    threshold = bundle.fine.threshold if options.threshold is None else float(options.threshold)
    if not 0.0 < threshold < 1.0:
        raise InputError(f"threshold {threshold} is outside 0..1; use a cloud probability such as 0.5")
    cell = bundle.cell_size
    grid_h, grid_w = -(-plan.height // cell), -(-plan.width // cell)
    coarse_bytes = grid_h * grid_w * bundle.coarse.stride ** 2 * len(plan.source_bands) * 4
    if coarse_bytes > MAX_COARSE_BYTES:
        raise InputError(
            f"'{os.path.basename(input_path)}' is {plan.width} x {plan.height} pixels, too large to mask in "
            f"one run (its coarse image alone would need {coarse_bytes / 1024 ** 3:.1f} GiB); split it into "
            f"tiles, e.g. with gdal_translate -srcwin"
        )
    device = dataclasses.replace(resolve_device(options.device, bundle), threads=options.threads)
    models = CascadeModels(bundle, device, plan.descriptor_array())
    device = models.device  # after any fallback from a GPU that did not start
    timings = {}

    with OutputTransaction(outputs.all(), input_path, options.overwrite) as transaction:
        # The tallest read is a fine window: a cell and its halo above and below.
        reader = RasterReader(plan, tallest_read=cell + 2 * bundle.fine.halo)
        try:
            t = time.perf_counter()
            stripes = _column_stripes(reader, cell, grid_w)
            coarse_image, valid_bits, valid_fraction = _read_coarse_inputs(reader, bundle, grid_h, stripes,
                                                                           report_progress)
            timings["read_coarse_input"] = time.perf_counter() - t

            t = time.perf_counter()
            report_progress("coarse", 0.0, "classifying the coarse grid")
            decision = decide_cells(models.coarse_probabilities(coarse_image), valid_fraction,
                                    bundle.coarse.min_confidence)
            del coarse_image
            release_free_memory()  # the coarse image and the coarse model's activations
            timings["coarse"] = time.perf_counter() - t

            metadata = _provenance(bundle, threshold, device.description, input_path)
            writers = _open_rasters(transaction, outputs, plan, bundle, metadata, options.cog)
            try:
                t = time.perf_counter()
                counts = _fine_pass(reader, models, decision, valid_bits, stripes, writers, threshold,
                                    options.batch_size or default_batch_size(device),
                                    report_progress)
                timings["fine_and_write"] = time.perf_counter() - t
                if "grid" in writers:
                    writers["grid"].write(decision.classes, 0, 0)
                for writer in writers.values():
                    writer.close()
            except BaseException:
                for writer in writers.values():
                    writer.abandon()
                raise
        finally:
            reader.close()

        if options.cog:
            for key in ("mask", "probability"):
                final = getattr(outputs, key)
                if final:
                    plain = transaction.temps[os.path.abspath(final)]
                    cog = transaction.temp_path(final)
                    convert_to_cog(plain, cog, smooth=key == "probability")
                    os.remove(plain)

        release_free_memory()  # the fine pass's windows and buffers
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
        report = _report(input_path, outputs, plan, bundle, device.description, threshold, decision, counts,
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


def _stripe_cells(cell: int) -> int:
    """Cells across a column stripe: about STRIPE_PIXELS, at least one."""
    return max(1, round(STRIPE_PIXELS / cell))


def _column_stripes(reader: RasterReader, cell: int, grid_w: int):
    """(first cell column, end cell column) of each column stripe, left to right."""
    if not reader.tiled:
        return [(0, grid_w)]
    step = _stripe_cells(cell)
    return [(c0, min(c0 + step, grid_w)) for c0 in range(0, grid_w, step)]


def _read_coarse_inputs(reader: RasterReader, bundle, grid_h: int, stripes, report_progress):
    """Pass 1: the coarse image, the validity mask (packed bits per cell row and stripe,
    only where some pixel has no data) and each cell's valid fraction."""
    cell, factor = bundle.cell_size, bundle.coarse.downsample
    stride = bundle.coarse.stride
    grid_w = stripes[-1][1]
    width, height = reader.width, reader.height
    coarse = np.zeros((len(reader.bands), grid_h * stride, grid_w * stride), dtype=np.float32)
    valid_fraction = np.zeros((grid_h, grid_w), dtype=np.float32)
    valid_bits = {}
    steps_done, steps = 0, grid_h * len(stripes)
    for stripe, (c0, c1) in enumerate(stripes):
        x0, x1 = c0 * cell, min(c1 * cell, width)
        for row in range(grid_h):
            y0, y1 = row * cell, min((row + 1) * cell, height)
            data, valid = reader.read(x0, y0, x1 - x0, y1 - y0)
            # Most of a scene has no no-data pixel and needs no bits at all.
            if not valid.all():
                valid_bits[row, stripe] = np.packbits(valid, axis=1)
            # Cells never straddle stripes, so every block mean is the whole scene's.
            pad = ((0, 0), (0, cell - (y1 - y0)), (0, c1 * cell - x1))
            data = np.pad(data, pad)
            valid = np.pad(valid, pad[1:])
            coarse[:, row * stride:(row + 1) * stride, c0 * stride:c1 * stride] = downsample_mean(data, valid, factor)
            valid_fraction[row, c0:c1] = cell_valid_fraction(valid, cell)[0]
            reader.release_rows_above(y1)
            steps_done += 1
            report_progress("read", steps_done / steps, "reading the scene")
        reader.release_all()
    if not valid_fraction.any():
        raise InputError(f"'{reader.label}' has no valid pixels in the model's bands (everything is no data)")
    return coarse, valid_bits, valid_fraction


def _open_rasters(transaction, outputs: OutputPaths, plan, bundle, metadata, cog: bool):
    writers = {}
    gt = plan.geotransform
    try:
        writers["mask"] = GeoTiffWriter(
            transaction.temp_path(outputs.mask), plan.width, plan.height, gt, plan.projection, gdal.GDT_Byte, 255,
            CLOUD_MASK.description, {**metadata, **CLOUD_MASK.metadata()}, CLOUD_MASK.category_names(),
            CLOUD_MASK.file_colors(), shown_as=outputs.mask)
        if outputs.probability:
            writers["probability"] = GeoTiffWriter(
                transaction.temp_path(outputs.probability), plan.width, plan.height, gt, plan.projection,
                gdal.GDT_Byte, 255, "cloud probability (%)", metadata, shown_as=outputs.probability, smooth=True)
        if outputs.coarse_grid:
            cell = bundle.cell_size
            # Without a geotransform the mask stays in pixel coordinates, which QGIS shows
            # at (0, 1, 0, 0, 0, -1); the grid gets that spacing times the cell to lie on it.
            g = gt or (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
            grid_gt = (g[0], g[1] * cell, g[2] * cell, g[3], g[4] * cell, g[5] * cell)
            writers["grid"] = GeoTiffWriter(
                transaction.temp_path(outputs.coarse_grid), -(-plan.width // cell), -(-plan.height // cell), grid_gt,
                plan.projection, gdal.GDT_Byte, None, COARSE_GRID.description, {**metadata, **COARSE_GRID.metadata()},
                COARSE_GRID.category_names(), COARSE_GRID.file_colors(), shown_as=outputs.coarse_grid)
    except BaseException:
        for writer in writers.values():
            writer.abandon()
        raise
    return writers


def _fine_pass(reader: RasterReader, models: CascadeModels, decision, valid_bits, stripes, writers,
               threshold: float, batch_size: int, report_progress) -> dict:
    """Pass 2: fine windows around the cells that need them, blended, written strip by strip."""
    counts = {"cloud_pixels": 0, "valid_pixels": 0, "fine_cells": int(decision.needs_fine.sum())}
    done = [0]
    handed_on = {}
    for stripe, (c0, c1) in enumerate(stripes):
        handed_on = _fine_stripe(reader, models, decision, valid_bits, stripe, c0, c1, handed_on, writers,
                                 threshold, batch_size, counts, done, report_progress)
        reader.release_all()
    return counts


def _fine_stripe(reader, models, decision, valid_bits, stripe, c0, c1, handed_on, writers, threshold,
                 batch_size, counts, done, report_progress) -> dict:
    """The fine pass over cell columns [c0, c1), top to bottom.

    The pixels of the stripe also get the right edge of the windows of cell c0 - 1 and the
    left edge of the windows of cell c1. The previous stripe computed both (c0 as a look
    ahead) and hands them in as ``handed_on[row] = (window of c0 or None, right edge of
    c0 - 1 or None)``; this stripe returns the same for the next one. Every window is
    computed once, and each pixel adds up its windows in the order of the in-memory
    cascade (row by row, left to right), so the result is the same to the last bit.
    """
    bundle = models.bundle
    cell, halo = bundle.cell_size, bundle.fine.halo
    window = cell + 2 * halo
    width, height = reader.width, reader.height
    grid_h, grid_w = decision.classes.shape
    weights = blend_weights(window, halo)
    look_ahead = c1 < grid_w
    x_start, x_end = c0 * cell, min(c1 * cell, width)
    # Accumulators cover scene columns [x_start - halo, c1 * cell + halo) and two rows of
    # cells plus the halo below: row r - 1 (waiting for row r's windows) and row r.
    acc_w = (c1 - c0) * cell + 2 * halo
    numerator = np.zeros((2 * cell + halo, acc_w), dtype=np.float32)
    denominator = np.zeros_like(numerator)
    mask_strip = np.empty((cell, x_end - x_start), dtype=np.uint8)
    percent_strip = np.empty_like(mask_strip) if "probability" in writers else None
    hand_on = {}

    def add(p: np.ndarray, c: int, first: int = 0):
        """Blend window columns [first, first + width of p) of cell c's window into buffer rows
        [cell - halo, cell - halo + window), the rows of the current row's windows."""
        left = (c - c0) * cell + first  # accumulator column of p's first column
        a0, a1 = max(left, 0), min(left + p.shape[1], acc_w)
        if a0 >= a1:
            return
        w = weights[:, first + a0 - left:first + a1 - left]
        top = cell - halo
        numerator[top:top + window, a0:a1] += p[:, a0 - left:a1 - left] * w
        denominator[top:top + window, a0:a1] += w

    def finish_row(row: int):
        """Compose and write the stripe's part of cell row ``row`` from buffer rows [0, cell)."""
        y0, y1 = row * cell, min((row + 1) * cell, height)
        rows, cols = y1 - y0, x_end - x_start
        bits = valid_bits.get((row, stripe))
        valid = (None if bits is None else np.unpackbits(bits, axis=1, count=cols).astype(bool))
        settled = np.repeat(np.repeat(decision.cloud_prob[row:row + 1, c0:c1], cell, axis=0), cell,
                            axis=1)[:rows, :cols]
        fine_cols = np.repeat(decision.needs_fine[row, c0:c1], cell)[:cols]
        probability = settled
        if fine_cols.any():
            blended = numerator[:rows, halo:halo + cols] / np.maximum(denominator[:rows, halo:halo + cols], 1e-6)
            probability = np.where(fine_cols[None, :], blended, settled)
        mask = mask_strip[:rows]
        np.greater_equal(probability, threshold, out=mask, casting="unsafe")
        if valid is not None:
            mask[~valid] = 255
        if percent_strip is not None:
            percent = percent_strip[:rows]
            percent[...] = np.rint(probability * 100.0)
            if valid is not None:
                percent[~valid] = 255
        counts["cloud_pixels"] += int(np.count_nonzero(mask == 1))
        counts["valid_pixels"] += rows * cols if valid is None else int(np.count_nonzero(valid))
        writers["mask"].write(mask, x_start, y0)
        if percent_strip is not None:
            writers["probability"].write(percent_strip[:rows], x_start, y0)

    for row in range(grid_h):
        ahead = [None, None]  # what this row hands on: the window of c1, the right edge of c1 - 1's

        def take(c: int, p: np.ndarray):
            add(p, c)
            if look_ahead and c == c1:
                ahead[0] = p.copy()  # a copy: p may be a view of a whole batch
            elif look_ahead and c == c1 - 1:
                ahead[1] = p[:, cell + halo:].copy()

        first_window, left_edge = handed_on.pop(row, (None, None))
        if left_edge is not None:
            add(left_edge, c0 - 1, first=cell + halo)
        if first_window is not None:
            take(c0, first_window)
        end = c1 + 1 if look_ahead else c1
        cols = c0 + np.flatnonzero(decision.needs_fine[row, c0:end])
        if first_window is not None:
            cols = cols[1:]
        if cols.size:
            # Windows are read a run of neighbouring cells at a time and fed in batches;
            # the two are independent, so a batch of one does not mean a read per window.
            # A read spans at most a stripe and its look-ahead cell, also when an input in
            # full-width strips makes the whole scene one stripe.
            windows = _fine_windows(reader, cols, row * cell - halo, cell, halo, _stripe_cells(cell) + 1)
            batches = ((chunk, np.stack([next(windows) for _ in chunk]))
                       for chunk in (cols[start:start + batch_size] for start in range(0, cols.size, batch_size)))
            for chunk, probs in models.fine_in_order(batches):
                for c, p in zip(chunk, probs):
                    take(int(c), p)
                done[0] += len(chunk)
                report_progress("fine", done[0] / max(counts["fine_cells"], 1), "fine model on partly cloudy cells")
        if ahead[0] is not None or ahead[1] is not None:
            hand_on[row] = tuple(ahead)
        # The next row's windows start a halo above its cells.
        reader.release_rows_above((row + 1) * cell - halo)
        if row >= 1:
            finish_row(row - 1)
        numerator[:cell + halo] = numerator[cell:]
        numerator[cell + halo:] = 0
        denominator[:cell + halo] = denominator[cell:]
        denominator[cell + halo:] = 0
        report_progress("fine", done[0] / max(counts["fine_cells"], 1), "writing the mask")
    finish_row(grid_h - 1)
    return hand_on


def _fine_windows(reader: RasterReader, cols: np.ndarray, y: int, cell: int, halo: int, max_span_cells: int):
    """The fine windows of cells ``cols`` (sorted) of one row, whose windows start at scene row ``y``.

    Neighbouring cells share one read; a gap wider than ``max_span_cells`` starts a new
    read, so a read never spans the whole width of a wide scene for two far-apart cells.
    """
    window = cell + 2 * halo
    start = 0
    for end in range(1, len(cols) + 1):
        if end < len(cols) and cols[end] - cols[start] < max_span_cells:
            continue
        first, last = int(cols[start]), int(cols[end - 1])
        x = first * cell - halo
        region = _read_region(reader, x, y, (last + 1) * cell + halo - x, window)
        for c in cols[start:end]:
            left = int(c) * cell - halo - x
            yield region[:, :, left:left + window]
        start = end


def _read_region(reader: RasterReader, x: int, y: int, w: int, h: int) -> np.ndarray:
    """Reflectance of a region that may reach outside the scene, mirrored at the scene's edges
    exactly as ``cascade.segment_array`` mirrors the whole scene: where the region sticks out
    by ``p`` pixels, the ``p`` pixels inside that edge are read too (even when the region
    itself holds fewer), so the mirror shows the same pixels however the region is cut."""
    width, height = reader.width, reader.height
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, width), min(y + h, height)
    pad = ((0, 0), (y0 - y, y + h - y1), (x0 - x, x + w - x1))
    if not any(p for axis in pad for p in axis):
        data, _ = reader.read(x0, y0, x1 - x0, y1 - y0)
        return data
    # Widen the read to the mirror's sources; a pad beyond the scene's size is mirrored
    # repeatedly by pad_mirrored, as it is for the whole scene.
    rx0 = min(x0, max(width - pad[2][1], 0)) if pad[2][1] else x0
    rx1 = max(x1, min(pad[2][0], width)) if pad[2][0] else x1
    ry0 = min(y0, max(height - pad[1][1], 0)) if pad[1][1] else y0
    ry1 = max(y1, min(pad[1][0], height)) if pad[1][0] else y1
    data, _ = reader.read(rx0, ry0, rx1 - rx0, ry1 - ry0)
    data = pad_mirrored(data, pad)
    # The padded array starts at scene column rx0 - left pad and row ry0 - top pad.
    left, top = x - (rx0 - pad[2][0]), y - (ry0 - pad[1][0])
    return data[:, top:top + h, left:left + w]


def _provenance(bundle, threshold: float, device: str, input_path: str) -> dict:
    return {
        "CLOUDMASK_MODEL": bundle.name,
        "CLOUDMASK_MODEL_VERSION": bundle.version,
        "CLOUDMASK_PLUGIN_VERSION": PLUGIN_VERSION,
        "CLOUDMASK_THRESHOLD": f"{threshold:g}",
        "CLOUDMASK_DEVICE": device,
        "CLOUDMASK_INPUT": os.path.basename(input_path),
    }


def _report(input_path, outputs, plan, bundle, device, threshold, decision, counts, polygon_count, timings) -> dict:
    classes = decision.classes
    valid = counts["valid_pixels"]
    cells_with_data = int(np.count_nonzero(classes != NODATA))
    return {
        "input": os.path.abspath(input_path),
        "outputs": {k: v for k, v in vars(outputs).items() if v},
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "plugin_version": PLUGIN_VERSION,
        "model": {"name": bundle.name, "version": bundle.version, "path": bundle.path},
        "device": device,
        "width": plan.width,
        "height": plan.height,
        "bands": plan.mapping_dict(),
        "band_naming": plan.naming_source,
        "scaling": {"source": plan.scaling_source, "scales": plan.scales, "offsets": plan.offsets},
        "threshold": threshold,
        "cloud_cover_percent": round(100.0 * counts["cloud_pixels"] / valid, 4) if valid else 0.0,
        "cloud_pixels": counts["cloud_pixels"],
        "valid_pixels": valid,
        "nodata_pixels": plan.width * plan.height - valid,
        "coarse_classes": {name: int(np.count_nonzero(classes == code)) for code, name in enumerate(COARSE_CLASSES)},
        "cell_size": bundle.cell_size,
        "cells_total": int(classes.size),
        "cells_with_data": cells_with_data,
        "cells_fine": counts["fine_cells"],
        "cells_skipped": cells_with_data - counts["fine_cells"],
        "overcast_cells_settled": int(np.count_nonzero((classes == OVERCAST) & ~decision.needs_fine)),
        "polygons": polygon_count,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "warnings": plan.warnings,
    }

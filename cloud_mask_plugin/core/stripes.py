"""The stripe scheduler: each block of the input read once, any size, memory bounded by the stripe.

Rows stream in a stripe at a time: whole cell rows, as tall as a row of the input's
blocks (so each block is decoded once), read a few tiles across at a time on tiled inputs
(so GDAL's cache, and each read, hold only those). From each stripe the coarse image (block means) and
each cell's valid fraction are computed at once, and its pixels go to a ``RowStore``.

The coarse model runs on a band of ``COARSE_TILE_CELLS`` cell rows as soon as the rows
below it hold the model's reach: the very tiles, with the very context, of an in-memory
run. The fine model then runs on that band's cells that need it, reading their windows
from the store while the pixels are still there, and rows no window needs any more are
dropped. So memory holds the band, the reach below it and one stripe being read, whatever
the scene's height; the store moves to a temporary file when that grows with the width.

The fine stage goes over a band one column stripe of about ``STRIPE_PIXELS`` at a time
(``ColumnBlender``), each with blending buffers of two rows of cells that only the stripe at
work holds whole. Fine windows of one row of cells reach
into the rows above and below, so a row is finished (composed and written) only after
the next row's windows were added; windows of the cells on either side of a stripe's
edge are handed to the next stripe instead of computed twice. Each pixel adds up its
windows in the order of the in-memory cascade (``cascade.segment_array``: row by row,
left to right), so the outputs are the same to the last bit.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, Optional

import numpy as np

from .bundle import COARSE_CLASSES
from .cascade import (COARSE_TILE_CELLS, NODATA, OVERCAST, CascadeModels, blend_weights, cell_valid_fraction,
                      decide_cells, downsample_mean)
from .errors import InputError
from .heap import release_free_memory
from .reader import RasterReader, pad_mirrored
from .rowstore import RowStore

# Column stripes are about this wide: a multiple of the outputs' 256 px tiles for the usual
# cell sizes (so no output tile is written twice) and of 512 px input tiles (so no input
# tile is decoded twice), and narrow enough that GDAL's cache of one stripe's input tiles
# and the fine stage's blending buffers are a few MB each.
STRIPE_PIXELS = 2048
# A stripe of rows is one row of the input's blocks, at least one cell row; a tiled input's
# stripe is read in pieces of at most this many bytes (whole cells across: 2048 px of a
# 4-band uint16 file in 512 px tiles, 1024 px of a Sentinel-2 VRT in 1024 px JPEG 2000
# tiles). An input in strips is read across its whole width, in stripes cut to this size
# where its strips allow.
MAX_READ_BYTES = 8 * 1024 ** 2


def stripe_cells(cell: int) -> int:
    """Cells across a column stripe: about STRIPE_PIXELS, at least one."""
    return max(1, round(STRIPE_PIXELS / cell))


def column_stripes(reader: RasterReader, cell: int, grid_w: int):
    """(first cell column, end cell column) of each column stripe, left to right. Inputs in
    full-width strips are read as one stripe: any part of a strip decodes all of it."""
    if not reader.tiled:
        return [(0, grid_w)]
    step = stripe_cells(cell)
    return [(c0, min(c0 + step, grid_w)) for c0 in range(0, grid_w, step)]


def _pixel_bytes(reader: RasterReader) -> int:
    return len(reader.bands) * np.dtype(reader.raw_dtype).itemsize


def row_stripe_cells(reader: RasterReader, cell: int) -> int:
    """Cell rows read at a time: a row of the input's blocks, in whole cells; for an input
    in strips no more than MAX_READ_BYTES across its width allow."""
    rows = max(1, -(-reader.block_rows // cell))
    if reader.tiled:
        return rows
    return max(1, min(rows, MAX_READ_BYTES // (cell * reader.width * _pixel_bytes(reader))))


def read_pieces(reader: RasterReader, cell: int, grid_w: int, stripe_rows: int):
    """(first cell column, end cell column) of each read of a stripe of rows."""
    if not reader.tiled:
        return [(0, grid_w)]
    across = MAX_READ_BYTES // (stripe_rows * cell * cell * _pixel_bytes(reader))
    step = max(1, min(stripe_cells(cell), across))
    return [(c0, min(c0 + step, grid_w)) for c0 in range(0, grid_w, step)]


def rows_held(cell: int, halo: int, margin: int, stripe_rows: int) -> int:
    """The most cell rows the store holds: a coarse band, the row above it (its windows'
    halo), the coarse model's reach below it and a stripe being read."""
    return COARSE_TILE_CELLS + 1 + margin + stripe_rows + max(0, -(-halo // cell) - 1)


class StripeScheduler:
    """One run of the cascade over a file, stripe by stripe (see the module's description)."""

    def __init__(self, reader: RasterReader, models: CascadeModels, writers: dict, threshold: float,
                 batch_size: int, progress: Callable[[str, float, str], None], spill_dir: Optional[str] = None):
        bundle = models.bundle
        self.reader, self.models, self.writers = reader, models, writers
        self.threshold, self.batch_size, self.progress = threshold, batch_size, progress
        self.cell, self.halo = bundle.cell_size, bundle.fine.halo
        self.stride, self.factor = bundle.coarse.stride, bundle.coarse.downsample
        self.min_confidence = bundle.coarse.min_confidence
        width, height = reader.width, reader.height
        self.grid_h, self.grid_w = -(-height // self.cell), -(-width // self.cell)
        self.margin = models.coarse_margin(self.grid_h, self.grid_w)
        self.column_stripes = column_stripes(reader, self.cell, self.grid_w)
        self.stripe_rows = row_stripe_cells(reader, self.cell)
        self.read_pieces = read_pieces(reader, self.cell, self.grid_w, self.stripe_rows)
        self.store = RowStore(reader, self.cell, rows_held(self.cell, self.halo, self.margin, self.stripe_rows),
                              spill_dir)
        # A thread of its own, the only user of the reader's dataset, decodes the input a piece
        # ahead: the next read overlaps the work on this one, for one piece more in memory.
        self.band_count = len(reader.bands)
        self._reads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cloudmask-read")
        self._read_order = ((r0, c0, c1) for r0 in range(0, self.grid_h, self.stripe_rows)
                            for c0, c1 in self.read_pieces)
        self._read_ahead = None
        # Per cell row, only while the row is in flight: coarse image [C, stride, gw * stride],
        # valid fraction [gw], and the coarse answer (classes, needs_fine, cloud probability).
        self._coarse_rows: Dict[int, np.ndarray] = {}
        self._valid_fraction: Dict[int, np.ndarray] = {}
        self.needs_fine: Dict[int, np.ndarray] = {}
        self.cloud_prob: Dict[int, np.ndarray] = {}
        self.counts = {"cloud_pixels": 0, "valid_pixels": 0, "fine_cells": 0, "cells_with_data": 0,
                       "overcast_cells_settled": 0, "coarse_classes": dict.fromkeys(COARSE_CLASSES, 0)}
        self.rows_read = 0        # cell rows read so far
        self.rows_done = 0        # cell rows whose outputs are written
        self.read_seconds = 0.0
        self.estimate = None      # (low, high) seconds, logged after the first read

    # ----------------------------------------------------------------------------------
    def run(self, fine_window_seconds: float) -> dict:
        self._fine_window_seconds = fine_window_seconds
        blenders = [ColumnBlender(self, c0, c1) for c0, c1 in self.column_stripes]
        for r0 in range(0, self.grid_h, COARSE_TILE_CELLS):
            r1 = min(r0 + COARSE_TILE_CELLS, self.grid_h)
            while self.rows_read < min(r1 + self.margin, self.grid_h):
                self._read_stripe()
            self.progress(self.rows_done / self.grid_h, "classifying the coarse grid")
            self._decide(r0, r1)
            # Column stripe by column stripe, each down the band's rows: one stripe's blending
            # buffers are whole at a time, the others keep only the rows carried to the next band.
            hands = {}
            for blender in blenders:
                blender.resume()
                hands = {row: blender.row(row, hands.get(row, (None, None))) for row in range(r0, r1)}
                blender.suspend()
                self.progress(r0 / self.grid_h, "writing the mask")
            self.rows_done = r1 - 1
            # Windows of the next row start a halo above it; the mirror at the scene's bottom
            # may reach one row further up.
            for old in range(r1 - 3 - max(0, -(-self.halo // self.cell) - 1), -1, -1):
                if not self.store.held(old):
                    break
                self.store.drop(old)
                self.needs_fine.pop(old, None)
                self.cloud_prob.pop(old, None)
            # The band's windows, reads and coarse tiles came and went, some from the fine
            # model's worker threads: without this the freed heap stays with the process and
            # the resident set creeps up over a large scene (by 150 MB on a 10980 px tile).
            release_free_memory()
        for blender in blenders:
            blender.finish()
        self.rows_done = self.grid_h
        if not self.counts["cells_with_data"]:
            raise InputError(f"'{self.reader.label}' has no valid pixels in the model's bands (everything is no data)")
        return self.counts

    def close(self):
        self._reads.shutdown(wait=True, cancel_futures=True)
        self.store.close()

    # ----------------------------------------------------------------------------------
    def _read_stripe(self):
        """Read the next stripe of rows: into the store, and its coarse image and valid fractions."""
        cell, reader = self.cell, self.reader
        r0 = self.rows_read
        r1 = min(r0 + self.stripe_rows, self.grid_h)
        y0 = r0 * cell
        coarse = {row: np.zeros((self.band_count, self.stride, self.grid_w * self.stride), np.float32)
                  for row in range(r0, r1)}
        valid_fraction = {row: np.zeros(self.grid_w, np.float32) for row in range(r0, r1)}
        t = time.perf_counter()
        for c0, c1 in self.read_pieces:
            self.progress(self.rows_done / self.grid_h, "reading the scene")
            x0, x1 = c0 * cell, min(c1 * cell, reader.width)
            raw, valid = self._next_read()
            for row in range(r0, r1):
                top, bottom = row * cell - y0, min((row + 1) * cell, reader.height) - y0
                self.store.put(row, x0, raw[:, top:bottom], valid[top:bottom])
                data, row_valid = reader.reflectance(raw[:, top:bottom], valid[top:bottom])
                # Cells never straddle the pieces, so every block mean is the whole scene's.
                pad = ((0, 0), (0, cell - (bottom - top)), (0, c1 * cell - x1))
                if pad[1][1] or pad[2][1]:
                    data = np.pad(data, pad)
                    row_valid = np.pad(row_valid, pad[1:])
                coarse[row][:, :, c0 * self.stride:c1 * self.stride] = downsample_mean(data, row_valid, self.factor)
                valid_fraction[row][c0:c1] = cell_valid_fraction(row_valid, cell)[0]
            if self.estimate is None:
                self._log_estimate(time.perf_counter() - t, (r1 - r0) * cell)
        for row in range(r0, r1):
            self.store.seal(row)
        self._coarse_rows.update(coarse)
        self._valid_fraction.update(valid_fraction)
        self.rows_read = r1
        release_free_memory()  # the read's buffers, so the next read does not add to them
        self.read_seconds += time.perf_counter() - t

    def _next_read(self):
        """Stored values and validity of the next piece in reading order (stripes down, pieces
        across), the read of the piece after it queued behind it in the reading thread."""
        current = self._read_ahead or self._reads.submit(self._read_piece, next(self._read_order))
        following = next(self._read_order, None)
        self._read_ahead = None if following is None else self._reads.submit(self._read_piece, following)
        return current.result()

    def _read_piece(self, piece):
        r0, c0, c1 = piece
        y0, x0 = r0 * self.cell, c0 * self.cell
        y1, x1 = min((r0 + self.stripe_rows) * self.cell, self.reader.height), min(c1 * self.cell, self.reader.width)
        raw, valid = self.reader.read_raw(x0, y0, x1 - x0, y1 - y0)
        self.reader.release_all()  # every block of these columns and rows is read now
        return raw, valid

    def _decide(self, r0: int, r1: int):
        """Classify cell rows [r0, r1) with the coarse model and drop coarse rows no band needs."""
        first = max(r0 - self.margin, 0)
        last = min(r1 + self.margin, self.grid_h)
        probs = self.models.coarse_band([self._coarse_rows[r] for r in range(first, last)], first, r0, self.grid_h)
        decision = decide_cells(probs, np.stack([self._valid_fraction.pop(r) for r in range(r0, r1)]),
                                self.min_confidence)
        for r in range(r0, r1):
            self.needs_fine[r] = decision.needs_fine[r - r0]
            self.cloud_prob[r] = decision.cloud_prob[r - r0]
        classes, counts = decision.classes, self.counts
        counts["fine_cells"] += int(decision.needs_fine.sum())
        counts["cells_with_data"] += int(np.count_nonzero(classes != NODATA))
        counts["overcast_cells_settled"] += int(np.count_nonzero((classes == OVERCAST) & ~decision.needs_fine))
        for code, name in enumerate(COARSE_CLASSES):
            counts["coarse_classes"][name] += int(np.count_nonzero(classes == code))
        if "grid" in self.writers:
            self.writers["grid"].write(classes, 0, r0)
        for r in range(first, max(r1 - self.margin, 0)):   # the next band's context starts there
            self._coarse_rows.pop(r, None)

    def _log_estimate(self, first_read_seconds: float, first_read_rows: int):
        """Seconds the run will take: every pixel read like the first read's, plus the fine
        model on none (low) or all (high) of the cells; the coarse model decides where in
        between."""
        stripes = -(-self.grid_h // self.stripe_rows)
        x1 = min(self.read_pieces[0][1] * self.cell, self.reader.width)
        first_pixels = first_read_rows * (x1 - self.read_pieces[0][0] * self.cell)
        low = first_read_seconds * self.reader.width * self.reader.height / max(first_pixels, 1)
        high = low + self._fine_window_seconds * self.grid_h * self.grid_w
        self.estimate = (low, high)
        self.progress(0.0, f"estimated {_duration(low)} to {_duration(high)} for {self.reader.width} x "
                           f"{self.reader.height} pixels in {stripes} stripes")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class ColumnBlender:
    """The fine stage over cell columns [c0, c1), one row of cells at a time.

    The pixels of the stripe also get the right edge of the windows of cell c0 - 1 and the
    left edge of the windows of cell c1. The stripe on the left computes both (c0 as a
    look-ahead) and hands them in with each row as ``(window of c0 or None, right edge of
    c0 - 1 or None)``; ``row`` returns the same for the stripe on the right.
    """

    def __init__(self, run: StripeScheduler, c0: int, c1: int):
        self.run, self.c0, self.c1 = run, c0, c1
        cell, halo = run.cell, run.halo
        self.window = cell + 2 * halo
        self.weights = blend_weights(self.window, halo)
        self.look_ahead = c1 < run.grid_w
        self.x_start, self.x_end = c0 * cell, min(c1 * cell, run.reader.width)
        # Blending buffers cover scene columns [x_start - halo, c1 * cell + halo) and two rows
        # of cells plus the halo below: row r - 1 (waiting for row r's windows) and row r.
        # They exist only while some window is blended in them.
        self.acc_shape = (2 * cell + halo, (c1 - c0) * cell + 2 * halo)
        self.numerator = self.denominator = None
        self._carry = None
        self.last_window_row = -10
        self.mask_strip = np.empty((cell, self.x_end - self.x_start), dtype=np.uint8)
        self.percent_strip = np.empty_like(self.mask_strip) if "probability" in run.writers else None

    def _add(self, p: np.ndarray, c: int, first: int = 0):
        """Blend window columns [first, first + width of p) of cell c's window into buffer rows
        [cell - halo, cell - halo + window), the rows of the current row's windows."""
        cell, halo = self.run.cell, self.run.halo
        left = (c - self.c0) * cell + first  # buffer column of p's first column
        a0, a1 = max(left, 0), min(left + p.shape[1], self.acc_shape[1])
        if a0 >= a1:
            return
        if self.numerator is None:
            self.numerator = np.zeros(self.acc_shape, dtype=np.float32)
            self.denominator = np.zeros_like(self.numerator)
        w = self.weights[:, first + a0 - left:first + a1 - left]
        top = cell - halo
        self.numerator[top:top + self.window, a0:a1] += p[:, a0 - left:a1 - left] * w
        self.denominator[top:top + self.window, a0:a1] += w

    def suspend(self):
        """Between bands: keep only the buffer rows that carry over (the last row, waiting for
        the next row's windows, and the halo below it), or nothing when they are all zero."""
        cell, halo = self.run.cell, self.run.halo
        if self.numerator is not None:
            self._carry = (self.numerator[:cell + halo].copy(), self.denominator[:cell + halo].copy())
        self.numerator = self.denominator = None

    def resume(self):
        if self._carry is not None:
            self.numerator = np.zeros(self.acc_shape, dtype=np.float32)
            self.denominator = np.zeros_like(self.numerator)
            rows = self._carry[0].shape[0]
            self.numerator[:rows], self.denominator[:rows] = self._carry
            self._carry = None

    def row(self, row: int, handed_in) -> tuple:
        """Blend the windows of cell row ``row`` and finish row ``row - 1``."""
        run, cell, halo = self.run, self.run.cell, self.run.halo
        c0, c1 = self.c0, self.c1
        ahead = [None, None]  # what this row hands on: the window of c1, the right edge of c1 - 1's

        def take(c: int, p: np.ndarray):
            self._add(p, c)
            self.last_window_row = row
            if self.look_ahead and c == c1:
                ahead[0] = p.copy()  # a copy: p may be a view of a whole batch
            elif self.look_ahead and c == c1 - 1:
                ahead[1] = p[:, cell + halo:].copy()

        first_window, left_edge = handed_in
        if left_edge is not None:
            self._add(left_edge, c0 - 1, first=cell + halo)
            self.last_window_row = row
        if first_window is not None:
            take(c0, first_window)
        end = c1 + 1 if self.look_ahead else c1
        cols = c0 + np.flatnonzero(run.needs_fine[row][c0:end])
        if first_window is not None:
            cols = cols[1:]
        if cols.size:
            # Windows are read a run of neighbouring cells at a time and fed in batches;
            # the two are independent, so a batch of one does not mean a read per window.
            windows = fine_windows(run.store, cols, row * cell - halo, cell, halo, stripe_cells(cell) + 1)
            batch = run.batch_size
            batches = ((chunk, np.stack([next(windows) for _ in chunk]))
                       for chunk in (cols[start:start + batch] for start in range(0, cols.size, batch)))
            for chunk, probs in run.models.fine_in_order(batches):
                for c, p in zip(chunk, probs):
                    take(int(c), p)
                run.progress(row / run.grid_h, "fine model on partly cloudy cells")
        if row >= 1:
            self._finish_row(row - 1)
        if self.numerator is not None:
            self.numerator[:cell + halo] = self.numerator[cell:]
            self.numerator[cell + halo:] = 0
            self.denominator[:cell + halo] = self.denominator[cell:]
            self.denominator[cell + halo:] = 0
            if self.last_window_row < row - 1:
                # No window in this row or the one above (whose windows reach a halo into
                # this one): the buffers are all zero; let them go until the next window.
                self.numerator = self.denominator = None
        return tuple(ahead)

    def finish(self):
        self.resume()
        self._finish_row(self.run.grid_h - 1)
        self.numerator = self.denominator = None

    def _finish_row(self, row: int):
        """Compose and write the stripe's part of cell row ``row`` from buffer rows [0, cell)."""
        run, cell, halo = self.run, self.run.cell, self.run.halo
        c0, c1 = self.c0, self.c1
        y0, y1 = row * cell, min((row + 1) * cell, run.reader.height)
        rows, cols = y1 - y0, self.x_end - self.x_start
        valid = run.store.valid(row, self.x_start, self.x_end)
        settled = np.repeat(np.repeat(run.cloud_prob[row][None, c0:c1], cell, axis=0), cell,
                            axis=1)[:rows, :cols]
        fine_cols = np.repeat(run.needs_fine[row][c0:c1], cell)[:cols]
        probability = settled
        if fine_cols.any():
            blended = (self.numerator[:rows, halo:halo + cols]
                       / np.maximum(self.denominator[:rows, halo:halo + cols], 1e-6))
            probability = np.where(fine_cols[None, :], blended, settled)
        mask = self.mask_strip[:rows]
        np.greater_equal(probability, run.threshold, out=mask, casting="unsafe")
        if valid is not None:
            mask[~valid] = 255
        if self.percent_strip is not None:
            percent = self.percent_strip[:rows]
            percent[...] = np.rint(probability * 100.0)
            if valid is not None:
                percent[~valid] = 255
        run.counts["cloud_pixels"] += int(np.count_nonzero(mask == 1))
        run.counts["valid_pixels"] += rows * cols if valid is None else int(np.count_nonzero(valid))
        run.writers["mask"].write(mask, self.x_start, y0)
        if self.percent_strip is not None:
            run.writers["probability"].write(self.percent_strip[:rows], self.x_start, y0)


def fine_windows(source, cols: np.ndarray, y: int, cell: int, halo: int, max_span_cells: int):
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
        region = read_region(source, x, y, (last + 1) * cell + halo - x, window)
        for c in cols[start:end]:
            left = int(c) * cell - halo - x
            yield region[:, :, left:left + window]
        start = end


def read_region(source, x: int, y: int, w: int, h: int) -> np.ndarray:
    """Reflectance of a region that may reach outside the scene, mirrored at the scene's edges
    exactly as ``cascade.segment_array`` mirrors the whole scene: where the region sticks out
    by ``p`` pixels, the ``p`` pixels inside that edge are read too (even when the region
    itself holds fewer), so the mirror shows the same pixels however the region is cut."""
    width, height = source.width, source.height
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, width), min(y + h, height)
    pad = ((0, 0), (y0 - y, y + h - y1), (x0 - x, x + w - x1))
    if not any(p for axis in pad for p in axis):
        data, _ = source.read(x0, y0, x1 - x0, y1 - y0)
        return data
    # Widen the read to the mirror's sources; a pad beyond the scene's size is mirrored
    # repeatedly by pad_mirrored, as it is for the whole scene.
    rx0 = min(x0, max(width - pad[2][1], 0)) if pad[2][1] else x0
    rx1 = max(x1, min(pad[2][0], width)) if pad[2][0] else x1
    ry0 = min(y0, max(height - pad[1][1], 0)) if pad[1][1] else y0
    ry1 = max(y1, min(pad[1][0], height)) if pad[1][0] else y1
    data, _ = source.read(rx0, ry0, rx1 - rx0, ry1 - ry0)
    data = pad_mirrored(data, pad)
    # The padded array starts at scene column rx0 - left pad and row ry0 - top pad.
    left, top = x - (rx0 - pad[2][0]), y - (ry0 - pad[1][0])
    return data[:, top:top + h, left:left + w]

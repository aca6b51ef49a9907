"""The coarse/fine cascade of Luotamo, Metsämäki and Klami ("Multi-scale Cloud Detection in
Remote Sensing Images using a Dual Convolutional Neural Network"): the two models and the
rules between them (no files, no GDAL).

1. The coarse model sees the whole scene downsampled ``downsample`` times and gives each
   cell of ``cell_size`` x ``cell_size`` full-resolution pixels one of four classes:
   cloudless, overcast, partly cloudy, no data.
2. Cells it settles with confidence (cloudless or overcast, top probability at least
   ``min_confidence``) are filled from that answer. Partly cloudy cells, and cells the
   coarse model is unsure about, go to the fine model at full resolution on a window of
   the cell plus a ``halo`` of context on each side.
3. Fine windows of neighbouring cells overlap by twice the halo; their probabilities are
   blended with weights that fall linearly to zero at each window's edge, so no seam
   shows where two windows meet.

``CascadeModels`` holds the two onnxruntime (or torch) sessions and the thread pool that
runs fine windows side by side. ``stripes.py`` streams a file through these pieces;
``segment_array`` runs them on an in-memory scene (used by training's evaluation, the
benchmarks and tests).
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, Sequence, Tuple

import numpy as np

from .bundle import COARSE_CLASSES, Bundle
from .backend import (DeviceChoice, GpuUnavailable, cpu_fallback, default_batch_size, fine_parallelism,
                      open_session)

# Codes written to the coarse-grid raster, in the manifest's canonical class order.
GRID_CODES = {name: code for code, name in enumerate(COARSE_CLASSES)}
CLOUDLESS, OVERCAST, PARTLY, NODATA = (GRID_CODES[n] for n in COARSE_CLASSES)

# Coarse inference runs in tiles of this many cells, plus a margin of context cells on
# each side, so that its memory does not grow with the scene. The default model's margin
# is 8 cells, so a tile is a 384 px input (about 25 MB of activations; 32-cell tiles took
# 60 MB more on a Sentinel-2 tile). The margins cost about 1 s of coarse inference on a
# 10980 px tile, a few percent of the run.
# The margin is the model's own reach (``coarse_context_cells``), so a tiled scene gets
# exactly the answer of one inference over the whole scene, whatever the tile size.
COARSE_TILE_CELLS = 8
# Cells of context probed for around a cell; a model reaching further gets this margin.
COARSE_PROBE_CELLS = 12

_context_cache = {}


def downsample_mean(reflectance: np.ndarray, valid: np.ndarray, factor: int) -> np.ndarray:
    """Block mean of valid pixels over ``factor`` x ``factor`` blocks; 0 where none is valid.

    The input's height and width must be multiples of ``factor`` (pad first). Training
    builds the coarse model's inputs with this same function.
    """
    c, h, w = reflectance.shape
    if h % factor or w % factor:
        raise ValueError(f"size {h}x{w} is not a multiple of the downsampling factor {factor}")
    if valid.all():   # weights of 1: the same sums without multiplying by them
        sums = reflectance.reshape(c, h // factor, factor, w // factor, factor).sum(axis=(2, 4))
        counts = np.full(sums.shape[1:], factor * factor, np.float32)
    else:
        weights = valid.astype(np.float32)
        sums = (reflectance * weights).reshape(c, h // factor, factor, w // factor, factor).sum(axis=(2, 4))
        counts = weights.reshape(h // factor, factor, w // factor, factor).sum(axis=(1, 3))
    out = np.zeros_like(sums)
    np.divide(sums, counts, out=out, where=counts > 0)
    return out


def blend_weights(window: int, halo: int) -> np.ndarray:
    """Weights of a fine window: 1 in its middle, falling linearly to 0 over ``2 * halo``
    pixels at each edge, so two windows overlapping by ``2 * halo`` share the seam evenly."""
    if halo == 0:
        return np.ones((window, window), dtype=np.float32)
    ramp_len = min(2 * halo, window // 2)
    ramp = np.ones(window, dtype=np.float32)
    steps = (np.arange(ramp_len, dtype=np.float32) + 0.5) / ramp_len
    ramp[:ramp_len] = steps
    ramp[window - ramp_len:] = steps[::-1]
    return np.outer(ramp, ramp)


@dataclass
class CellDecision:
    classes: np.ndarray       # uint8 [gh, gw], GRID_CODES
    needs_fine: np.ndarray    # bool [gh, gw]
    cloud_prob: np.ndarray    # float32 [gh, gw], cloud probability given to settled cells


class CascadeModels:
    """The bundle's two models loaded on one device.

    ``descriptors`` [C, 2] (centre wavelength and width in micrometres of each fed band)
    is required by sensor-independent bundles and ignored by fixed-band ones.
    """

    def __init__(self, bundle: Bundle, device: DeviceChoice, descriptors: Optional[np.ndarray] = None):
        self.bundle = bundle
        self.device = device
        descriptor_input = bundle.descriptor_input if bundle.sensor_independent else None
        if descriptor_input and descriptors is None:
            raise ValueError("a sensor-independent bundle needs the fed bands' descriptors")
        self.descriptors = np.asarray(descriptors, dtype=np.float32) if descriptor_input else None
        # The coarse model runs a few large tiles per scene: without onnxruntime's memory
        # arena its activations go back to the system after each tile instead of staying
        # reserved through the fine pass (half the peak, same speed at that call rate).
        try:
            self._open_sessions(device, descriptor_input)
        except GpuUnavailable as exc:
            if device.requested != "auto":
                raise
            # ``auto`` promises a run, not a GPU: the report says why it is the CPU.
            self.device = device = cpu_fallback(device, str(exc))
            self._open_sessions(device, descriptor_input)
        self.class_index = [bundle.coarse.classes.index(name) for name in COARSE_CLASSES]

    def _open_sessions(self, device: DeviceChoice, descriptor_input: Optional[str]):
        self.coarse = open_session(self.bundle, self.bundle.coarse, device, "coarse", descriptor_input, arena=False)
        self.fine_workers, fine_threads = fine_parallelism(device)
        self.fine = open_session(self.bundle, self.bundle.fine, device, "fine", descriptor_input,
                                 threads=fine_threads)

    def fine_in_order(self, batches: Iterable[Tuple[object, np.ndarray]]) -> Iterator[Tuple[object, np.ndarray]]:
        """For each (key, windows [N, C, win, win]) of ``batches``, (key, cloud probability
        [N, win, win]), in the order given, with up to ``fine_workers`` batches running at
        once (onnxruntime releases the GIL). ``batches`` is drawn from while earlier ones
        run, so reading the next windows overlaps the model. Results do not depend on the
        number of workers: each window's answer is computed alone, and callers add them up
        in the order given."""
        if self.fine_workers <= 1:
            for key, windows in batches:
                yield key, self.fine_probabilities(windows)
            return
        pending = deque()
        with ThreadPoolExecutor(max_workers=self.fine_workers, thread_name_prefix="cloudmask-fine") as pool:
            try:
                for key, windows in batches:
                    pending.append((key, pool.submit(self.fine_probabilities, windows)))
                    if len(pending) >= 2 * self.fine_workers:
                        key, future = pending.popleft()
                        yield key, future.result()
                while pending:
                    key, future = pending.popleft()
                    yield key, future.result()
            finally:
                # Stopped early (cancelled, failed): drop what has not started yet.
                for _, future in pending:
                    future.cancel()

    def coarse_probabilities(self, image: np.ndarray) -> np.ndarray:
        """Class probabilities [4, gh, gw] in canonical order for a coarse image [C, gh*s, gw*s]."""
        stride = self.bundle.coarse.stride
        _, h, w = image.shape
        gh, gw = h // stride, w // stride
        out = np.empty((len(COARSE_CLASSES), gh, gw), dtype=np.float32)
        rows = [image[:, r * stride:(r + 1) * stride] for r in range(gh)]
        for r0 in range(0, gh, COARSE_TILE_CELLS):
            out[:, r0:r0 + COARSE_TILE_CELLS] = self.coarse_band(rows, 0, r0, gh)
        return out

    def coarse_margin(self, gh: int, gw: int) -> int:
        """Cells of context read around each coarse tile of a grid of gh x gw cells; a grid
        of one tile needs none (and no probing for it)."""
        return self.coarse_context_cells() if max(gh, gw) > COARSE_TILE_CELLS else 0

    def coarse_band(self, rows: Sequence[np.ndarray], first_row: int, r0: int, gh: int) -> np.ndarray:
        """Class probabilities [4, r1 - r0, gw] of the band of cell rows [r0, r1), r1 = r0 +
        COARSE_TILE_CELLS or gh. ``rows`` holds the coarse image [C, stride, gw * stride] of
        each cell row from ``first_row`` on, at least the band and its margin above and
        below. A streamed scene and a scene in memory run the very same tiles."""
        stride = self.bundle.coarse.stride
        gw = rows[0].shape[2] // stride
        step = COARSE_TILE_CELLS
        margin = self.coarse_margin(gh, gw)
        r1 = min(r0 + step, gh)
        out = np.empty((len(COARSE_CLASSES), r1 - r0, gw), dtype=np.float32)
        # Context cells around the tile, dropped after inference.
        rr0, rr1 = max(r0 - margin, 0), min(r1 + margin, gh)
        if rr0 < first_row or rr1 - first_row > len(rows):
            raise ValueError(f"coarse rows {first_row}.. do not hold the band's context rows {rr0}..{rr1}")
        # Tiles twice as wide as the band is tall: fewer context cells computed across the
        # band (75 across a 43-cell grid instead of 123) for a third more activations.
        for c0 in range(0, gw, 2 * step):
            c1 = min(c0 + 2 * step, gw)
            cc0, cc1 = max(c0 - margin, 0), min(c1 + margin, gw)
            tile = np.concatenate([row[:, :, cc0 * stride:cc1 * stride] for row in rows[rr0 - first_row:rr1 - first_row]],
                                  axis=1)
            probs = self.coarse.run(tile[None], self.descriptors)[0]
            if probs.ndim != 3 or probs.shape[0] != len(self.bundle.coarse.classes):
                raise_wrong_output(self.bundle, "coarse", probs.shape,
                                   f"one probability per class for {len(self.bundle.coarse.classes)} classes "
                                   f"{self.bundle.coarse.classes}")
            probs = probs[self.class_index]
            if probs.shape[1:] != (rr1 - rr0, cc1 - cc0):
                raise_wrong_stride(self.bundle, probs.shape, (rr1 - rr0, cc1 - cc0))
            out[:, :, c0:c1] = probs[:, r0 - rr0:r1 - rr0, c0 - cc0:c1 - cc0]
        return out

    def coarse_context_cells(self) -> int:
        """How many cells on each side of a cell the coarse model's answer depends on.

        The manifest may say (``coarse.context_cells``); otherwise it is measured once per
        model file: the model runs on a random scene of 2 * COARSE_PROBE_CELLS + 1 cells and
        on the same scene with the middle cell changed, and the furthest cell whose output
        changed gives the reach (plus one spare cell, in case an input happens to silence a
        path at the edge of the reach). Two different changes are tried.
        """
        declared = self.bundle.coarse.context_cells
        if declared is not None:
            return int(declared)
        path = self.bundle.file_path(self.bundle.coarse.file)
        try:
            key = (path, os.path.getmtime(path), os.path.getsize(path))
        except OSError:
            key = (path, None, None)
        if key not in _context_cache:
            stride, n, mid = self.bundle.coarse.stride, 2 * COARSE_PROBE_CELLS + 1, COARSE_PROBE_CELLS
            rng = np.random.default_rng(0)
            # As many bands as the run feeds: a sensor-independent bundle may list more.
            fed = len(self.descriptors) if self.descriptors is not None else len(self.bundle.bands)
            base = rng.uniform(0.02, 0.5, size=(1, fed, n * stride, n * stride)).astype(np.float32)
            reference = self.coarse.run(base, self.descriptors)[0]
            reach = 0
            for low, high in ((0.5, 1.0), (0.0, 0.05)):
                changed = base.copy()
                block = (slice(None), slice(None), slice(mid * stride, (mid + 1) * stride),
                         slice(mid * stride, (mid + 1) * stride))
                changed[block] = rng.uniform(low, high, size=changed[block].shape)
                differs = np.any(self.coarse.run(changed, self.descriptors)[0] != reference, axis=0)
                rows, cols = np.nonzero(differs)
                if rows.size:
                    reach = max(reach, int(np.max(np.maximum(np.abs(rows - mid), np.abs(cols - mid)))))
            _context_cache[key] = min(reach + 1, COARSE_PROBE_CELLS)
        return _context_cache[key]

    def fine_probabilities(self, windows: np.ndarray) -> np.ndarray:
        """Cloud probability [N, win, win] for fine windows [N, C, win, win]."""
        out = self.fine.run(windows, self.descriptors)
        out = out[:, 0] if out.ndim == 4 else out
        if out.shape != (windows.shape[0],) + windows.shape[2:]:
            raise_wrong_output(self.bundle, "fine", out.shape,
                               f"one cloud probability per pixel of its {windows.shape[2]} x {windows.shape[3]} windows")
        return out


def raise_wrong_output(bundle, role: str, got, expected: str):
    from .errors import ModelError

    raise ModelError(
        f"the {role} model of '{bundle.label}' returned an output of shape {tuple(got)} where its manifest "
        f"implies {expected}; the manifest does not match the model: re-export the bundle"
    )


def raise_wrong_stride(bundle, got, expected):
    from .errors import ModelError

    raise ModelError(
        f"the coarse model of '{bundle.label}' returned a grid of {tuple(got[1:])} cells where "
        f"its manifest's stride {bundle.coarse.stride} implies {expected}; the manifest does not match the model"
    )


def decide_cells(probs: np.ndarray, valid_fraction: np.ndarray, min_confidence: float) -> CellDecision:
    """Turn coarse probabilities into cell classes and the set of cells the fine model must see.

    The model's own "no data" class is not trusted for deciding: whether a cell has data
    is known exactly from the validity mask, so a cell is no data when none of its pixels
    are valid, and otherwise takes the best of the three cloud classes. A cell only partly
    covered by data (scene edges, swath borders) is never settled: the coarse model sees
    it mostly as no-data zeros, so its answer there says little about the valid part.
    """
    cloud_classes = probs[[CLOUDLESS, OVERCAST, PARTLY]]
    total = cloud_classes.sum(axis=0)
    cloud_classes = cloud_classes / np.maximum(total, 1e-6)
    best = np.argmax(cloud_classes, axis=0)               # 0 cloudless, 1 overcast, 2 partly
    best_prob = np.take_along_axis(cloud_classes, best[None], axis=0)[0]
    classes = np.choose(best, [CLOUDLESS, OVERCAST, PARTLY]).astype(np.uint8)
    has_data = valid_fraction > 0
    classes[~has_data] = NODATA
    settled = (valid_fraction >= 1.0) & (classes != PARTLY) & (best_prob >= min_confidence)
    needs_fine = has_data & ~settled
    p_cloudless, p_overcast = cloud_classes[0], cloud_classes[1]
    cloud_prob = p_overcast / np.maximum(p_overcast + p_cloudless, 1e-6)
    # A settled cell's probability must agree with its class whatever the threshold.
    cloud_prob = np.where(classes == OVERCAST, np.maximum(cloud_prob, 0.99), np.minimum(cloud_prob, 0.01))
    return CellDecision(classes, needs_fine, cloud_prob.astype(np.float32))


def grid_decision(grid: np.ndarray, valid_fraction: np.ndarray) -> CellDecision:
    """The decision of a coarse grid given from outside (uint8 [gh, gw], GRID_CODES) instead of
    the coarse model's: the grid's classes taken as certain and put through ``decide_cells``'s
    rules, so its cloudless and overcast cells are settled and its partly cloudy cells, the
    cells it calls no data that have data, and every cell partly covered by data go to the
    fine model. The benchmarks give the truth's grid: what a perfect coarse model would leave."""
    if grid.shape != valid_fraction.shape:
        raise ValueError(f"a grid of {grid.shape} cells given for a scene of {valid_fraction.shape} cells")
    if grid.size and not (0 <= grid.min() and grid.max() < len(COARSE_CLASSES)):
        raise ValueError(f"grid codes must be 0..{len(COARSE_CLASSES) - 1} (GRID_CODES)")
    certain = np.eye(len(COARSE_CLASSES), dtype=np.float32)[grid.astype(np.intp)].transpose(2, 0, 1)
    return decide_cells(certain, valid_fraction, 1.0)


def pad_to_grid(reflectance: np.ndarray, valid: np.ndarray, cell: int):
    """Pad [C, H, W] and [H, W] at the bottom/right to whole cells (padding is invalid)."""
    _, h, w = reflectance.shape
    gh, gw = -(-h // cell), -(-w // cell)
    ph, pw = gh * cell - h, gw * cell - w
    if ph or pw:
        reflectance = np.pad(reflectance, ((0, 0), (0, ph), (0, pw)))
        valid = np.pad(valid, ((0, ph), (0, pw)))
    return reflectance, valid, gh, gw


def cell_valid_fraction(valid_padded: np.ndarray, cell: int) -> np.ndarray:
    h, w = valid_padded.shape
    return valid_padded.reshape(h // cell, cell, w // cell, cell).mean(axis=(1, 3), dtype=np.float32)


@dataclass
class ArrayResult:
    mask: np.ndarray          # uint8 [H, W]: 0 clear, 1 cloud, 255 no data
    probability: np.ndarray   # float32 [H, W], cloud probability (0 where no data)
    decision: CellDecision
    fine_cells: int


def segment_array(models: CascadeModels, reflectance: np.ndarray, valid: np.ndarray,
                  threshold: Optional[float] = None, batch_size: Optional[int] = None,
                  fine_everywhere: bool = False,
                  is_cancelled: Optional[Callable[[], bool]] = None,
                  grid: Optional[np.ndarray] = None) -> ArrayResult:
    """Run the cascade on an in-memory scene [C, H, W] with validity [H, W].

    ``fine_everywhere`` runs the fine model on every cell with data: Luotamo et al.'s patch-wise
    baseline, which the cascade must match in accuracy while skipping most of the work.
    ``grid`` (uint8 [gh, gw] of GRID_CODES, gh x gw the scene's cells) replaces the coarse
    model, which then does not run (``grid_decision``).
    """
    from .reader import pad_mirrored

    bundle = models.bundle
    cell, halo = bundle.cell_size, bundle.fine.halo
    threshold = bundle.fine.threshold if threshold is None else threshold
    batch_size = batch_size or default_batch_size(models.device)
    _, h, w = reflectance.shape
    padded, valid_padded, gh, gw = pad_to_grid(reflectance, valid, cell)
    valid_fraction = cell_valid_fraction(valid_padded, cell)
    if grid is not None:
        decision = grid_decision(grid, valid_fraction)
    else:
        coarse_image = downsample_mean(padded, valid_padded, bundle.coarse.downsample)
        decision = decide_cells(models.coarse_probabilities(coarse_image), valid_fraction,
                                bundle.coarse.min_confidence)
    if fine_everywhere:
        decision.needs_fine = decision.classes != NODATA

    probability = np.repeat(np.repeat(decision.cloud_prob, cell, axis=0), cell, axis=1)
    numerator = np.zeros((gh * cell + 2 * halo, gw * cell + 2 * halo), dtype=np.float32)
    denominator = np.zeros_like(numerator)
    weights = blend_weights(cell + 2 * halo, halo)
    # Mirror the real scene (not the grid padding) so edge windows see plausible context.
    context = pad_mirrored(reflectance, ((0, 0), (halo, gh * cell - h + halo), (halo, gw * cell - w + halo)))
    cells = np.argwhere(decision.needs_fine)
    win = cell + 2 * halo

    def batches():
        for start in range(0, len(cells), batch_size):
            chunk = cells[start:start + batch_size]
            yield chunk, np.stack([context[:, r * cell:r * cell + win, c * cell:c * cell + win] for r, c in chunk])

    for chunk, probs in models.fine_in_order(batches()):
        if is_cancelled is not None and is_cancelled():
            from .errors import Cancelled

            raise Cancelled()
        for (r, c), p in zip(chunk, probs):
            numerator[r * cell:r * cell + win, c * cell:c * cell + win] += p * weights
            denominator[r * cell:r * cell + win, c * cell:c * cell + win] += weights
    fine_area = np.repeat(np.repeat(decision.needs_fine, cell, axis=0), cell, axis=1)
    core = (slice(halo, halo + gh * cell), slice(halo, halo + gw * cell))
    blended = numerator[core] / np.maximum(denominator[core], 1e-6)
    probability = np.where(fine_area, blended, probability)[:h, :w]
    mask = (probability >= threshold).astype(np.uint8)
    mask[~valid] = 255
    probability[~valid] = 0.0
    return ArrayResult(mask, probability.astype(np.float32), decision, int(len(cells)))

"""Speed-up of the coarse/fine cascade over running the same fine model on every patch.

Seed 001 (Luotamo et al.) reports its cascade 4.1x faster than patch-wise segmentation
of the whole scene. Here both run in the same process on the same in-memory 5490 x 5490
scene (real Sentinel-2 ground under ~30% synthetic cloud, see ``scenes.py``) through
``cascade.segment_array``: once as the cascade, once with ``fine_everywhere=True``,
which sends every cell with data to the fine model. Each is timed twice, alternating,
and the faster run of each counts (the machine is shared).

``fine_everywhere`` still runs the coarse model (it decides which cells have data); a
patch-wise baseline would not, so the coarse stage's time is taken off the baseline
before dividing: the speed-up printed last is the conservative one.

Both masks are also scored against the scene's synthetic truth (pixel accuracy and F1)
and against each other, so the speed is not bought with a different answer.

Last line: ``speedup X``.
"""
from __future__ import annotations

import time

import numpy as np

import common
from common import log


def load_scene(path: str, bundle):
    """The scene's reflectance, validity and band descriptors as the engine reads them."""
    from cloud_mask_plugin.core.api import MaskOptions
    from cloud_mask_plugin.core.inputs import plan_raster
    from cloud_mask_plugin.core.reader import RasterReader

    plan = plan_raster(path, bundle, MaskOptions())
    reader = RasterReader(plan)
    try:
        return reader.read(0, 0, reader.width, reader.height) + (plan.descriptor_array(),)
    finally:
        reader.close()


def coarse_stage_seconds(models, reflectance, valid) -> float:
    """What the baseline spends on the coarse model, which a patch-wise baseline would not run."""
    from cloud_mask_plugin.core.cascade import (cell_valid_fraction, decide_cells, downsample_mean,
                                                pad_to_grid)

    bundle = models.bundle
    start = time.perf_counter()
    padded, valid_padded, _, _ = pad_to_grid(reflectance, valid, bundle.cell_size)
    coarse_image = downsample_mean(padded, valid_padded, bundle.coarse.downsample)
    decide_cells(models.coarse_probabilities(coarse_image), cell_valid_fraction(valid_padded, bundle.cell_size),
                 bundle.coarse.min_confidence)
    return time.perf_counter() - start


def scores(mask: np.ndarray, truth: np.ndarray, valid: np.ndarray) -> dict:
    from cloud_mask_plugin.core.metrics import Confusion

    return Confusion.from_masks(mask == 1, truth, valid).scores()


def truly_mixed_cells(truth: np.ndarray, valid: np.ndarray, cell: int, tolerance: float) -> float:
    """Share of cells with data whose cloud fraction lies strictly between ``tolerance`` and
    1 - ``tolerance`` (the training's grid labels use the same rule)."""
    h, w = truth.shape
    gh, gw = -(-h // cell), -(-w // cell)
    cloud = np.zeros((gh * cell, gw * cell), np.float32)
    count = np.zeros_like(cloud)
    cloud[:h, :w] = truth & valid
    count[:h, :w] = valid
    cloud = cloud.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    count = count.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    has_data = count > 0
    fraction = cloud[has_data] / count[has_data]
    return float(np.mean((fraction > tolerance) & (fraction < 1.0 - tolerance)))


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=5490, help="scene width and height in pixels (default 5490)")
    p.add_argument("--cover", type=float, default=0.3, help="cloud cover of the scene (default 0.3)")
    p.add_argument("--repeats", type=int, default=2, help="timed runs of each variant (default 2)")
    args = p.parse_args(argv)
    model = common.bundle_path(args.model)

    from osgeo import gdal

    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.bundle import load_bundle
    from cloud_mask_plugin.core.cascade import NODATA, PARTLY, CascadeModels, segment_array
    from scenes import build_scene

    log(common.describe_machine())
    scene = build_scene(args.size, cover=args.cover)
    bundle = load_bundle(model)
    reflectance, valid, descriptors = load_scene(scene.path, bundle)
    models = CascadeModels(bundle, resolve_device(args.device, bundle), descriptors)
    truth = gdal.Open(scene.truth_path).ReadAsArray().astype(bool)
    log(f"scene {args.size} x {args.size}, cloud cover {scene.cloud_cover:.1%}; model {bundle.label}; "
        f"device {models.device.description}; fine window {bundle.fine_window} px")

    # Warm both sessions up so neither variant pays for first-call set-up.
    window = bundle.fine_window
    models.fine_probabilities(np.zeros((1, len(reflectance), window, window), np.float32))
    coarse_seconds = min(coarse_stage_seconds(models, reflectance, valid) for _ in range(2))

    times = {"cascade": [], "fine_everywhere": []}
    cpu_times = {"cascade": [], "fine_everywhere": []}
    results = {}
    for _ in range(args.repeats):
        for variant in times:
            start, cpu_start = time.perf_counter(), time.process_time()
            result = segment_array(models, reflectance, valid, fine_everywhere=(variant == "fine_everywhere"))
            times[variant].append(time.perf_counter() - start)
            cpu_times[variant].append(time.process_time() - cpu_start)
            results[variant] = result
            log(f"  {variant}: {times[variant][-1]:.2f} s wall, {cpu_times[variant][-1]:.2f} s CPU, "
                f"{result.fine_cells} fine windows")

    cascade, baseline = results["cascade"], results["fine_everywhere"]
    t_cascade, t_baseline = min(times["cascade"]), min(times["fine_everywhere"])
    cells_with_data = int(np.count_nonzero(cascade.decision.classes != NODATA))
    for name, result in (("cascade", cascade), ("fine everywhere", baseline)):
        s = scores(result.mask, truth, valid)
        log(f"{name:16s} vs synthetic truth: pixel accuracy {s['accuracy']:.4f}, F1 {s['f1']:.4f}, "
            f"{result.fine_cells} of {cells_with_data} cells through the fine model")
    decision = cascade.decision
    partly = int(np.count_nonzero(decision.classes == PARTLY))
    unsure = int(np.count_nonzero(decision.needs_fine & (decision.classes != PARTLY)))
    log(f"cells sent to the fine model: {partly} classed partly cloudy, {unsure} classed cloudless or overcast "
        f"but below min_confidence {bundle.coarse.min_confidence} or not wholly valid")
    # What any coarse model could at best skip on this scene: cells the truth shows wholly
    # clear or wholly cloudy (with a cloud-fraction tolerance of 0 and of 5%).
    for tolerance in (0.0, 0.05):
        mixed = truly_mixed_cells(truth, valid, bundle.cell_size, tolerance)
        log(f"cells the truth shows partly cloudy (tolerance {tolerance:.0%}): {mixed:.1%}; an ideal coarse model "
            f"would be at most {1 / max(mixed, 1e-9):.2f}x faster than fine-everywhere")
    agreement = float(np.count_nonzero(cascade.mask == baseline.mask)) / cascade.mask.size
    log(f"cascade and fine-everywhere masks agree on {agreement:.2%} of pixels")
    per_window_ms = (t_baseline - coarse_seconds) / max(baseline.fine_cells, 1) * 1000
    log(f"fine model: {per_window_ms:.1f} ms per {window} x {window} window (baseline time / windows)")
    log(f"coarse stage: {coarse_seconds:.2f} s; cascade {t_cascade:.2f} s; fine everywhere {t_baseline:.2f} s")
    log(f"speed-up including the baseline's coarse stage: {t_baseline / t_cascade:.2f}")
    # CPU time is steadier than wall time on a shared machine: a cross-check of the figure.
    log(f"speed-up in CPU time (coarse stage included in the baseline): "
        f"{min(cpu_times['fine_everywhere']) / min(cpu_times['cascade']):.2f}")
    log(common.describe_machine())
    print(f"speedup {(t_baseline - coarse_seconds) / t_cascade:.2f}")


if __name__ == "__main__":
    main()

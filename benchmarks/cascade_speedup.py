"""Speed-up of the coarse/fine cascade over running the same fine model on every patch,
over a realistic set of scenes.

Luotamo, Metsämäki and Klami ("Multi-scale Cloud Detection in Remote Sensing Images using a
Dual Convolutional Neural Network") report their cascade 4.1x faster than patch-wise
segmentation over a test set of real scenes. Here both run in the same process on the
same in-memory 5490 x 5490 scenes (``scenes.REALISTIC_SET``: real cloud-free ground of
land, water, snow and desert under 0 to 100% synthetic cloud) through
``cascade.segment_array``: once as the cascade, once with ``fine_everywhere=True``, which
sends every cell with data to the fine model. Each is timed ``--repeats`` times,
alternating, and the faster run of each counts (the machine is shared).

``fine_everywhere`` still runs the coarse model (it decides which cells have data); a
patch-wise baseline would not, so the coarse stage's time is taken off the baseline: the
speed-ups printed are the conservative ones.

The oracle: the engine once more with the truth's coarse grid in place of the coarse model's
(``segment_array(grid=...)``), so the fine model runs only on the cells the truth shows
partly cloudy (cloud fraction strictly between 0 and 1) and on cells only partly covered by
data: what a perfect coarse model would leave. A perfect coarse model still costs the
coarse stage, so the coarse stage's time is added to the oracle's.

Per scene (stdout): seconds of the cascade, of the fine model everywhere and of the oracle,
the measured speed-up beside the oracle's, cells the fine model ran against the truth's
partly cloudy and edge cells, and F1 of the cascade's and the dense run's masks against the
truth. Last line: ``speedup X oracle Y ratio Z fine_vs_truth W`` over the set: the
baseline's total seconds over the cascade's (X) and over the oracle's (Y), Z = X / Y, and
the fine cells over the truth's partly cloudy and edge cells (W).

The grounds are real scenes the default bundle trained on: ``--cv`` scores each scene with
the cross-validation fold bundle that held its ground out (``held_out.py``).
"""
from __future__ import annotations

import time

import numpy as np

import common
import held_out
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


def truth_grid(truth: np.ndarray, valid: np.ndarray, cell: int):
    """The truth's coarse grid (GRID_CODES: cloudless at no cloud, overcast at all cloud, partly
    cloudy in between, no data without a valid pixel), each cell's cloud fraction of its valid
    pixels and its valid fraction."""
    from cloud_mask_plugin.core.cascade import CLOUDLESS, NODATA, OVERCAST, PARTLY

    h, w = truth.shape
    gh, gw = -(-h // cell), -(-w // cell)
    cloud = np.zeros((gh * cell, gw * cell), np.float32)
    count = np.zeros_like(cloud)
    cloud[:h, :w] = truth & valid
    count[:h, :w] = valid
    cloud = cloud.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    count = count.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    grid = np.full((gh, gw), PARTLY, np.uint8)
    grid[cloud == 0] = CLOUDLESS
    grid[(cloud == count) & (count > 0)] = OVERCAST
    grid[count == 0] = NODATA
    return grid, cloud / np.maximum(count, 1), count / float(cell * cell)


def false_cloud_share(mask: np.ndarray, truth: np.ndarray, valid: np.ndarray) -> float:
    """Share of the valid clear pixels called cloud (the useful figure where F1 has nothing to find)."""
    clear = valid & ~truth
    return float(np.count_nonzero((mask == 1) & clear)) / max(int(np.count_nonzero(clear)), 1)


def measure_scene(scene, models, args) -> dict:
    from osgeo import gdal

    from cloud_mask_plugin.core.cascade import NODATA, PARTLY, segment_array

    bundle = models.bundle
    reflectance, valid, _ = load_scene(scene.path, bundle)
    truth = gdal.Open(scene.truth_path).ReadAsArray().astype(bool)
    grid, cloud_fraction, valid_fraction = truth_grid(truth, valid, bundle.cell_size)
    coarse_seconds = min(coarse_stage_seconds(models, reflectance, valid) for _ in range(2))
    variants = {"cascade": {}, "fine_everywhere": {"fine_everywhere": True}, "oracle": {"grid": grid}}
    times = {variant: [] for variant in variants}
    results = {}
    for _ in range(args.repeats):
        for variant, options in variants.items():
            start = time.perf_counter()
            results[variant] = segment_array(models, reflectance, valid, **options)
            times[variant].append(time.perf_counter() - start)
    cascade, dense, oracle = results["cascade"], results["fine_everywhere"], results["oracle"]
    sweep = {}
    for value in args.confidence_sweep:
        kept, bundle.coarse.min_confidence = bundle.coarse.min_confidence, value
        try:
            swept = segment_array(models, reflectance, valid)
        finally:
            bundle.coarse.min_confidence = kept
        sweep[value] = (swept.fine_cells, scores(swept.mask, truth, valid)["f1"],
                        false_cloud_share(swept.mask, truth, valid))
    has_data = grid != NODATA
    partly = int(np.count_nonzero(grid == PARTLY))
    edge = int(np.count_nonzero(has_data & (valid_fraction < 1) & (grid != PARTLY)))
    if oracle.fine_cells != partly + edge:
        raise SystemExit(f"error: the oracle ran the fine model on {oracle.fine_cells} cells where the truth has "
                         f"{partly} partly cloudy and {edge} edge cells")
    near = int(np.count_nonzero(has_data & (cloud_fraction > 0.05) & (cloud_fraction < 0.95)))
    return {
        "name": f"{scene.cover_target:.0%} {scene.path.rsplit('/', 1)[-1].split('_clouds')[0]}",
        "cover": scene.cloud_cover,
        "cascade_s": min(times["cascade"]),
        "dense_s": min(times["fine_everywhere"]),
        "oracle_s": min(times["oracle"]) + coarse_seconds,
        "coarse_s": coarse_seconds,
        "fine_cells": cascade.fine_cells,
        "cells": dense.fine_cells,
        "partly_cells": partly,
        "edge_cells": edge,
        "partly_5pct_cells": near,
        "f1_cascade": scores(cascade.mask, truth, valid)["f1"],
        "f1_dense": scores(dense.mask, truth, valid)["f1"],
        "false_cascade": false_cloud_share(cascade.mask, truth, valid),
        "false_dense": false_cloud_share(dense.mask, truth, valid),
        "sweep": sweep,
    }


def models_for(path: str, scene_path: str, args, loaded: dict):
    """The bundle at ``path`` loaded once (its fine session warmed up, so that no variant pays
    for first-call set-up), with ``--min-confidence`` applied."""
    if path not in loaded:
        from cloud_mask_plugin.core.api import MaskOptions
        from cloud_mask_plugin.core.backend import resolve_device
        from cloud_mask_plugin.core.bundle import load_bundle
        from cloud_mask_plugin.core.cascade import CascadeModels
        from cloud_mask_plugin.core.inputs import plan_raster

        bundle = load_bundle(path)
        if args.min_confidence is not None:
            bundle.coarse.min_confidence = args.min_confidence
        plan = plan_raster(scene_path, bundle, MaskOptions())
        models = CascadeModels(bundle, resolve_device(args.device, bundle), plan.descriptor_array())
        log(f"model {bundle.label} ({path}), min_confidence {bundle.coarse.min_confidence}; "
            f"device {models.device.description}")
        window = bundle.fine_window
        models.fine_probabilities(np.zeros((1, len(plan.source_bands), window, window), np.float32))
        loaded[path] = models
    return loaded[path]


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=5490, help="scene width and height in pixels (default 5490)")
    p.add_argument("--repeats", type=int, default=2, help="timed runs of each variant (default 2)")
    p.add_argument("--scenes", help="comma-separated indices into the set (default: all)")
    p.add_argument("--min-confidence", type=float,
                   help="the coarse model's confidence rule, instead of the bundle's coarse.min_confidence")
    p.add_argument("--confidence-sweep", type=lambda v: [float(x) for x in v.split(",")], default=[],
                   help="comma-separated min_confidence values: the cascade also runs once with each, and its "
                        "fine cells and F1 are logged (stderr)")
    held_out.add_arguments(p)
    args = p.parse_args(argv)

    from scenes import REALISTIC_SET, build_scene

    log(common.describe_machine())
    chosen = range(len(REALISTIC_SET)) if not args.scenes else [int(i) for i in args.scenes.split(",")]
    loaded, rows = {}, []
    print(f"{'scene':18s} {'cover':>6s} {'cascade s':>9s} {'dense s':>8s} {'oracle s':>8s} {'speedup':>7s} "
          f"{'oracle':>6s} {'fine cells':>10s} {'truth partly+edge':>17s} {'ratio':>5s} {'F1 cascade':>10s} "
          f"{'F1 dense':>8s}")
    for i in chosen:
        cover, ground, seed = REALISTIC_SET[i]
        scene = build_scene(args.size, cover, seed, ground_name=ground)
        path = held_out.bundle_for(held_out.ground_scene_ids(ground), args, f"scene {i} ({cover:.0%} {ground})")
        r = measure_scene(scene, models_for(path, scene.path, args, loaded), args)
        r["bundle"] = path
        rows.append(r)
        bound = r["partly_cells"] + r["edge_cells"]
        baseline = r["dense_s"] - r["coarse_s"]
        print(f"{r['name']:18s} {r['cover']:6.1%} {r['cascade_s']:9.2f} {r['dense_s']:8.2f} {r['oracle_s']:8.2f} "
              f"{baseline / r['cascade_s']:7.2f} {baseline / r['oracle_s']:6.2f} {r['fine_cells']:5d}/{r['cells']:<4d} "
              f"{bound:17d} {r['fine_cells'] / max(bound, 1):5.2f} {r['f1_cascade']:10.4f} {r['f1_dense']:8.4f}",
              flush=True)
        log(f"  {r['name']}: coarse stage {r['coarse_s']:.2f} s; cells the truth shows 5-95% cloudy "
            f"{r['partly_5pct_cells']}; clear pixels called cloud: cascade {r['false_cascade']:.3%}, "
            f"dense {r['false_dense']:.3%}")
    fine = sum(r["fine_cells"] for r in rows)
    bound = sum(r["partly_cells"] + r["edge_cells"] for r in rows)
    worst_f1 = max(r["f1_dense"] - r["f1_cascade"] for r in rows)
    log(f"over the set: {fine} fine cells against {bound} cells the truth shows partly cloudy or at the data's "
        f"edge ({fine / max(bound, 1):.2f}x; goal <= 1.15x); largest F1 loss of the cascade {worst_f1:.4f} "
        f"(goal <= 0.005); bundles: {', '.join(sorted(loaded))}")
    for value in args.confidence_sweep:
        cells = sum(r["sweep"][value][0] for r in rows)
        losses = [r["f1_dense"] - r["sweep"][value][1] for r in rows]
        log(f"min_confidence {value}: {cells} fine cells over the set ({cells / max(bound, 1):.2f}x the truth's "
            f"partly cloudy and edge cells); per scene F1 " +
            " ".join(f"{r['sweep'][value][1]:.4f}" for r in rows) + f"; largest loss against dense {max(losses):.4f}")
    log(common.describe_machine())
    total_dense = sum(r["dense_s"] - r["coarse_s"] for r in rows)
    speedup = total_dense / sum(r["cascade_s"] for r in rows)
    oracle = total_dense / sum(r["oracle_s"] for r in rows)
    print(f"speedup {speedup:.2f} oracle {oracle:.2f} ratio {speedup / oracle:.2f} "
          f"fine_vs_truth {fine / max(bound, 1):.2f}")


if __name__ == "__main__":
    main()

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

Per scene (stdout): seconds of the cascade and of the fine model everywhere, cells the fine
model ran against cells the truth shows partly cloudy (cloud fraction strictly between 0
and 1) plus cells only partly covered by data, and F1 of both masks against the truth.
Last line: ``speedup X``, the baseline's total seconds over the cascade's, over the set.
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


def cell_fractions(truth: np.ndarray, valid: np.ndarray, cell: int):
    """Per cell with data: its cloud fraction and its valid fraction (1-D arrays)."""
    h, w = truth.shape
    gh, gw = -(-h // cell), -(-w // cell)
    cloud = np.zeros((gh * cell, gw * cell), np.float32)
    count = np.zeros_like(cloud)
    cloud[:h, :w] = truth & valid
    count[:h, :w] = valid
    cloud = cloud.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    count = count.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    has_data = count > 0
    return cloud[has_data] / count[has_data], count[has_data] / float(cell * cell)


def false_cloud_share(mask: np.ndarray, truth: np.ndarray, valid: np.ndarray) -> float:
    """Share of the valid clear pixels called cloud (the useful figure where F1 has nothing to find)."""
    clear = valid & ~truth
    return float(np.count_nonzero((mask == 1) & clear)) / max(int(np.count_nonzero(clear)), 1)


def measure_scene(scene, models, args) -> dict:
    from osgeo import gdal

    from cloud_mask_plugin.core.cascade import segment_array

    bundle = models.bundle
    reflectance, valid, _ = load_scene(scene.path, bundle)
    truth = gdal.Open(scene.truth_path).ReadAsArray().astype(bool)
    coarse_seconds = min(coarse_stage_seconds(models, reflectance, valid) for _ in range(2))
    times = {"cascade": [], "fine_everywhere": []}
    results = {}
    for _ in range(args.repeats):
        for variant in times:
            start = time.perf_counter()
            results[variant] = segment_array(models, reflectance, valid,
                                             fine_everywhere=(variant == "fine_everywhere"))
            times[variant].append(time.perf_counter() - start)
    cascade, dense = results["cascade"], results["fine_everywhere"]
    sweep = {}
    for value in args.confidence_sweep:
        kept, bundle.coarse.min_confidence = bundle.coarse.min_confidence, value
        try:
            swept = segment_array(models, reflectance, valid)
        finally:
            bundle.coarse.min_confidence = kept
        sweep[value] = (swept.fine_cells, scores(swept.mask, truth, valid)["f1"],
                        false_cloud_share(swept.mask, truth, valid))
    cloud_fraction, valid_fraction = cell_fractions(truth, valid, bundle.cell_size)
    partly = int(np.count_nonzero((cloud_fraction > 0) & (cloud_fraction < 1)))
    edge = int(np.count_nonzero((valid_fraction < 1) & ((cloud_fraction == 0) | (cloud_fraction == 1))))
    near = int(np.count_nonzero((cloud_fraction > 0.05) & (cloud_fraction < 0.95)))
    return {
        "name": f"{scene.cover_target:.0%} {scene.path.rsplit('/', 1)[-1].split('_clouds')[0]}",
        "cover": scene.cloud_cover,
        "cascade_s": min(times["cascade"]),
        "dense_s": min(times["fine_everywhere"]),
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
    args = p.parse_args(argv)
    model = common.bundle_path(args.model)

    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.api import MaskOptions
    from cloud_mask_plugin.core.bundle import load_bundle
    from cloud_mask_plugin.core.cascade import CascadeModels
    from cloud_mask_plugin.core.inputs import plan_raster
    from scenes import REALISTIC_SET, build_scene

    log(common.describe_machine())
    bundle = load_bundle(model)
    if args.min_confidence is not None:
        bundle.coarse.min_confidence = args.min_confidence
    chosen = range(len(REALISTIC_SET)) if not args.scenes else [int(i) for i in args.scenes.split(",")]
    cover, ground, seed = REALISTIC_SET[chosen[0]]
    # Every scene has the same bands (blue, green, red, NIR), so one plan's descriptors serve all.
    first = plan_raster(build_scene(args.size, cover, seed, ground_name=ground).path, bundle, MaskOptions())
    models = CascadeModels(bundle, resolve_device(args.device, bundle), first.descriptor_array())
    log(f"model {bundle.label}, min_confidence {bundle.coarse.min_confidence}; device {models.device.description}")
    # Warm the fine session up so neither variant pays for first-call set-up.
    window = bundle.fine_window
    models.fine_probabilities(np.zeros((1, 4, window, window), np.float32))

    rows = []
    print(f"{'scene':18s} {'cover':>6s} {'cascade s':>9s} {'dense s':>8s} {'speedup':>7s} "
          f"{'fine cells':>10s} {'truth partly+edge':>17s} {'ratio':>5s} {'F1 cascade':>10s} {'F1 dense':>8s}")
    for i in chosen:
        cover, ground, seed = REALISTIC_SET[i]
        scene = build_scene(args.size, cover, seed, ground_name=ground)
        r = measure_scene(scene, models, args)
        rows.append(r)
        bound = r["partly_cells"] + r["edge_cells"]
        print(f"{r['name']:18s} {r['cover']:6.1%} {r['cascade_s']:9.2f} {r['dense_s']:8.2f} "
              f"{(r['dense_s'] - r['coarse_s']) / r['cascade_s']:7.2f} {r['fine_cells']:5d}/{r['cells']:<4d} "
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
        f"(goal <= 0.005)")
    for value in args.confidence_sweep:
        cells = sum(r["sweep"][value][0] for r in rows)
        losses = [r["f1_dense"] - r["sweep"][value][1] for r in rows]
        log(f"min_confidence {value}: {cells} fine cells over the set ({cells / max(bound, 1):.2f}x the truth's "
            f"partly cloudy and edge cells); per scene F1 " +
            " ".join(f"{r['sweep'][value][1]:.4f}" for r in rows) + f"; largest loss against dense {max(losses):.4f}")
    log(common.describe_machine())
    total_dense = sum(r["dense_s"] - r["coarse_s"] for r in rows)
    print(f"speedup {total_dense / sum(r['cascade_s'] for r in rows):.2f}")


if __name__ == "__main__":
    main()

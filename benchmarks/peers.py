"""Seconds per megapixel and F1 of this product against ukis-csmask 1.0.0 on the same CPU.

ukis-csmask (DLR, Apache-2.0) is installed once into its own virtual environment under
``benchmarks/.cache/ukis-venv`` (with ``numpy<2`` and the onnxruntime version this
project uses, so both run on the same runtime) and called there through
``ukis_worker.py``, exactly as its README shows: ``CSmask(img, band_order,
product_level, nodata_value=0)`` on reflectance (rows, cols, bands), with the same
number of onnxruntime threads as this product. Its cloud class (``csm == 1``) is the mask.

Speed: both mask the 2745 x 2745 benchmark scene (real Sentinel-2 L1C ground under ~30%
synthetic cloud). This product runs ``mask_file`` end to end (reads the GeoTIFF, writes
the mask GeoTIFF and report); ukis-csmask gets the same pixels already in memory
(reading is not counted for it) and uses its 4-band L1C model. Both times include
loading the models. ukis-csmask advises resampling to ~30 m for speed; that variant is
timed too and shown per megapixel of the 10 m scene, but the ratio printed last compares
the two at the same 10 m pixels.

Accuracy: F1 of the cloud class on the validation splits, micro-averaged over valid
pixels: Biome val (Landsat 8 TOA; ukis-csmask gets its 6-band L1C model, this product its
4 bands) and On Cloud N chips 1-3 (Sentinel-2 L2A; ukis-csmask's 4-band L2A model).
This product runs the whole cascade (``segment_array``), not just its fine model.

Each side is timed ``--repeats`` times, alternating, and the faster run of each counts (the
machine is shared).

The validation splits and the speed scene's ground are training data of the default
bundle: ``--cv`` scores each validation scene with the cross-validation fold bundle that
held it out, and runs the speed scene with the one that held its ground out
(``held_out.py``); without it, a warning says which are not out of sample.

Last line: ``speed_vs_ukis X`` (ukis-csmask's seconds per megapixel / this product's).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import common
import held_out
from common import log

UKIS = "ukis-csmask[cpu]==1.0.0"
VENV = os.path.join(common.HERE, ".cache", "ukis-venv")
WORKER = os.path.join(common.HERE, "ukis_worker.py")
THREADS = max(1, os.cpu_count() or 1)  # what this product's sessions use (backend.session_options)


def ukis_python() -> str:
    python = os.path.join(VENV, "bin", "python")
    if os.path.exists(python):
        return python
    import onnxruntime

    log(f"installing {UKIS} into {VENV} (once)...")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", UKIS, "numpy<2", f"onnxruntime=={onnxruntime.__version__}"],
                   check=True)
    return python


def run_ukis(jobs, work_dir):
    """Run jobs [(image HWC float32, band_order, product_level)]; return (masks, [(wall, CPU) seconds])."""
    specs = []
    for i, (image, band_order, level) in enumerate(jobs):
        path = os.path.join(work_dir, f"ukis_in_{i}.npy")
        np.save(path, np.ascontiguousarray(image, dtype=np.float32))
        specs.append({"image": path, "band_order": band_order, "product_level": level,
                      "output": os.path.join(work_dir, f"ukis_out_{i}.npy"), "threads": THREADS})
    jobs_path, result_path = os.path.join(work_dir, "jobs.json"), os.path.join(work_dir, "result.json")
    with open(jobs_path, "w") as f:
        json.dump(specs, f)
    subprocess.run([ukis_python(), WORKER, jobs_path, result_path], check=True)
    with open(result_path) as f:
        seconds = json.load(f)["seconds"]
    masks = [np.load(s["output"]).astype(bool) for s in specs]
    for s in specs:
        os.remove(s["image"])
        os.remove(s["output"])
    return masks, seconds


def our_seconds_per_mp(path: str, model: str, device: str, size: int):
    from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file

    out_dir = tempfile.mkdtemp(prefix="cloudmask_peers_", dir=os.path.dirname(path))
    try:
        outputs = default_outputs(path, out_dir, probability=False, coarse_grid=False, polygons=False)
        start, cpu_start = time.perf_counter(), time.process_time()
        result = mask_file(path, outputs, MaskOptions(model=model, device=device))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    mp = size * size / 1e6
    return seconds / mp, cpu / mp, result.report


def scene_for_ukis(path: str, factor: int = 1):
    """The benchmark scene as ukis-csmask takes it: (rows, cols, bands) reflectance; with
    ``factor`` > 1 averaged over factor x factor blocks (its advised 30 m)."""
    from osgeo import gdal

    ds = gdal.Open(path)
    image = np.moveaxis(ds.ReadAsArray().astype(np.float32) / 10000.0, 0, -1)
    bands = [ds.GetRasterBand(i + 1).GetDescription() for i in range(ds.RasterCount)]
    if factor > 1:
        h, w = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
        image = image[:h, :w].reshape(h // factor, factor, w // factor, factor, -1).mean(axis=(1, 3))
    return np.ascontiguousarray(image, dtype=np.float32), bands


def f1_on_val_splits(args, work_dir: str) -> dict:
    """F1 of both products on each validation split; this product's with ``held_out.bundle_for``
    each scene (the fold bundle that held it out with ``--cv``)."""
    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.bundle import load_bundle
    from cloud_mask_plugin.core.cascade import CascadeModels, segment_array
    from cloud_mask_plugin.core.metrics import Confusion
    from training.data import read_source
    from training.evaluate import DEFAULT_SPLITS, fed_bands, load_bundle_splits

    first = load_bundle(held_out.fold_bundle(0, args.cv_dir) if args.cv else common.bundle_path(args.model))
    ukis_setup = {"biome": (["blue", "green", "red", "nir", "swir16", "swir22"], "l1c"),
                  "oncloudn": (["blue", "green", "red", "nir"], "l2a")}
    # Every fold bundle has the default bundle's bands, so the splits are read once.
    ours_splits = load_bundle_splits(common.DATA_ROOT, first, DEFAULT_SPLITS)
    loaded, results = {}, {}
    for split in DEFAULT_SPLITS:
        ours_scenes = ours_splits[split["name"]].scenes
        fed, descriptors = fed_bands(first, ours_splits[split["name"]])
        band_order, level = ukis_setup[split["kind"]]
        ukis_scenes = read_source(split, common.DATA_ROOT, band_order)
        ukis_masks, _ = run_ukis([(np.moveaxis(s.image, 0, -1), band_order, level) for s in ukis_scenes], work_dir)
        ours, theirs = Confusion(), Confusion()
        for scene, ukis_scene, ukis_mask in zip(ours_scenes, ukis_scenes, ukis_masks):
            assert scene.name == ukis_scene.name
            path = held_out.bundle_for([f"{split['kind']}:{split['path']}/{scene.name}"], args, scene.name)
            if (path, split["name"]) not in loaded:
                bundle = load_bundle(path)
                loaded[path, split["name"]] = CascadeModels(bundle, resolve_device(args.device, bundle), descriptors)
            result = segment_array(loaded[path, split["name"]], scene.image[fed], scene.valid)
            ours = ours + Confusion.from_masks(result.mask == 1, scene.label, scene.valid)
            theirs = theirs + Confusion.from_masks(ukis_mask, scene.label, scene.valid)
        results[split["name"]] = {"ours": ours.scores()["f1"], "ukis": theirs.scores()["f1"],
                                  "scenes": len(ours_scenes), "ukis_model": f"{len(band_order)}b_{level}"}
    return results


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=2745, help="speed scene width and height in pixels (default 2745)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs of each side, alternating (default 3)")
    held_out.add_arguments(p)
    args = p.parse_args(argv)
    if not os.path.isdir(common.DATA_ROOT):
        sys.exit(f"error: the validation data folder {common.DATA_ROOT} is missing (set CLOUDMASK_DATA)")
    from scenes import build_scene

    log(common.describe_machine())
    ukis_python()
    scene = build_scene(args.size)
    model = held_out.bundle_for(held_out.ground_scene_ids("s2_land"), args, "the speed scene")
    mp = args.size * args.size / 1e6
    work_dir = tempfile.mkdtemp(prefix="cloudmask_peers_", dir=os.path.dirname(scene.path))
    try:
        image, bands = scene_for_ukis(scene.path)
        image30, _ = scene_for_ukis(scene.path, factor=3)
        ours, ukis, ukis30 = [], [], []
        for _ in range(args.repeats):
            ours.append(our_seconds_per_mp(scene.path, model, args.device, args.size))
            ukis.append(run_ukis([(image, bands, "l1c")], work_dir)[1][0])
            ukis30.append(run_ukis([(image30, bands, "l1c")], work_dir)[1][0][0])
            log(f"  this product {ours[-1][0] * mp:.1f} s, ukis-csmask {ukis[-1][0]:.1f} s "
                f"(at 30 m {ukis30[-1]:.1f} s)")
        del image, image30
        ours_spmp, ours_cpu, report = min(ours, key=lambda r: r[0])
        ukis_seconds, ukis_cpu = min(ukis)
        log(f"this product: {ours_spmp:.3f} s per megapixel ({ours_spmp * mp:.1f} s for {mp:.1f} MP, "
            f"{ours_cpu * mp:.1f} s CPU; {report['cells_fine']} of {report['cells_with_data']} cells through the "
            f"fine model; {report['device']}; best of {args.repeats})")
        ukis_spmp = ukis_seconds / mp
        log(f"ukis-csmask at 10 m: {ukis_spmp:.3f} s per megapixel ({ukis_seconds:.1f} s, {ukis_cpu:.1f} s CPU; "
            f"best of {args.repeats})")
        # CPU time is steadier than wall time on a shared machine: a cross-check of the figure.
        log(f"ratio of CPU times (ukis-csmask / this product): {ukis_cpu / (ours_cpu * mp):.2f}")
        log(f"ukis-csmask at its advised 30 m (3 x 3 mean): {min(ukis30) / mp:.3f} s per megapixel of the "
            f"10 m scene ({min(ukis30):.1f} s; its mask is then 30 m); this product is "
            f"{min(ukis30) / mp / ours_spmp:.2f}x faster than that too")
        for split, r in f1_on_val_splits(args, work_dir).items():
            log(f"F1 {split} ({r['scenes']} scenes): this product {r['ours']:.4f}, "
                f"ukis-csmask ({r['ukis_model']}) {r['ukis']:.4f}")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    log(common.describe_machine())
    print(f"speed_vs_ukis {ukis_spmp / ours_spmp:.2f}")


if __name__ == "__main__":
    main()

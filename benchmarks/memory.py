"""Peak memory of masking whole scenes of 2745^2, 5490^2 and 10980^2 pixels.

Each run is a fresh ``python -m cloud_mask_plugin mask`` process (the command line a user
runs, every product on: mask, probability, coarse grid, polygons, report), and its peak
resident set size is the kernel's high-water mark of that process (VmHWM, see
``common.run_module_peak_rss``), so nothing of this script's own memory is counted. GDAL's
block cache is left at its default (5% of RAM): the engine has to keep its own use bounded.

Last line: ``peak_rss_mb A B C`` for the three sizes.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

import common
from common import log

SIZES = (2745, 5490, 10980)


def measure(scene_path: str, model: str, device: str) -> dict:
    out_dir = tempfile.mkdtemp(prefix="cloudmask_mem_", dir=os.path.dirname(scene_path))
    try:
        peak_mb, code, stderr = common.run_module_peak_rss(
            "cloud_mask_plugin", ["mask", scene_path, "--output-dir", out_dir, "--model", model, "--device", device])
        if code != 0:
            sys.exit(f"error: the mask run failed on {scene_path}:\n{stderr[-2000:]}")
        stem = os.path.splitext(os.path.basename(scene_path))[0]
        with open(os.path.join(out_dir, stem + "_report.json")) as f:
            report = json.load(f)
        return {"peak_rss_mb": peak_mb, "report": report}
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--sizes", type=lambda s: [int(v) for v in s.split(",")], default=list(SIZES),
                   help="comma-separated scene sizes (default: 2745,5490,10980)")
    args = p.parse_args(argv)
    model = common.bundle_path(args.model)
    from scenes import build_scene

    log(common.describe_machine())
    peaks = []
    for size in args.sizes:
        scene = build_scene(size)
        result = measure(scene.path, model, args.device)
        report = result["report"]
        seconds = report["seconds"]["total"]
        log(f"{size} x {size}: peak RSS {result['peak_rss_mb']:.0f} MB, {seconds:.1f} s, "
            f"{report['cells_fine']} of {report['cells_with_data']} cells through the fine model, "
            f"cloud cover {report['cloud_cover_percent']:.1f}%")
        peaks.append(result["peak_rss_mb"])
    log(f"ratio of the largest to the smallest scene's peak: {peaks[-1] / peaks[0]:.3f}")
    log(common.describe_machine())
    print("peak_rss_mb " + " ".join(f"{p:.0f}" for p in peaks))


if __name__ == "__main__":
    main()

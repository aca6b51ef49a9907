"""A bundle of band paths: the richest path the input has runs, the bands beyond it never
change the mask, and every output says which path ran and why (core/bundle.py, core/inputs.py)."""
import glob
import json
import os

import numpy as np
import pytest
from osgeo import gdal

from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, mask_file, plan_input
from cloud_mask_plugin.core.bundle import BundleError, load_bundle
from cloud_mask_plugin.core.errors import BandMappingError
from tests.helpers.frontend import read_raster
from tests.helpers.real_data import shared_data, write_raster
from tests.helpers.toy_bundle import make_toy_band_path_bundle

RGBN = ["blue", "green", "red", "nir"]
SWIR = RGBN + ["swir16", "swir22"]
T29UNU = ("unlabeled", "s2_l2a_T29UNU_60m", "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454.SAFE")


@pytest.fixture(scope="module")
def paths_bundle(tmp_path_factory):
    return make_toy_band_path_bundle(tmp_path_factory.mktemp("paths"))


def snow_scene(height=64, width=80):
    """Reflectance with a bright-visible, dark-SWIR block (snow), bright cloud in every band
    and dark ground."""
    data = np.full((6, height, width), 0.05, np.float32)
    data[:4, :32, :40] = 0.4        # snow: bright in the visible and nir...
    data[4:, :32, :40] = 0.02       # ...dark in SWIR
    data[:, 32:, 40:] = 0.8         # cloud: bright everywhere
    return data


def run(path, out, bundle):
    os.makedirs(out, exist_ok=True)
    outputs = OutputPaths(mask=os.path.join(out, "mask.tif"), probability=os.path.join(out, "prob.tif"))
    result = mask_file(str(path), outputs, MaskOptions(model=bundle, device="cpu"))
    return read_raster(outputs.mask)[0], read_raster(outputs.probability)[0], result.report


def test_a_four_band_raster_runs_the_rgbn_path_and_says_why(paths_bundle, tmp_path):
    path = write_raster(tmp_path / "rgbn.tif", snow_scene()[:4], names=RGBN)
    mask, _, report = run(path, tmp_path / "out", paths_bundle)
    assert report["band_path"] == ("rgbn path (blue, green, red, nir): the raster lacks what the swir path needs "
                                   "swir16, swir22")
    assert report["model"]["name"] == "toy-paths" and report["model"]["version"] == "0.0.2"
    assert (mask[:32, :40] == 1).all()    # snow reads as cloud without SWIR
    assert (mask[32:, 40:] == 1).all() and (mask[40:, :30] == 0).all()


def test_a_six_band_raster_runs_the_swir_path(paths_bundle, tmp_path):
    path = write_raster(tmp_path / "swir.tif", snow_scene(), names=SWIR)
    mask, _, report = run(path, tmp_path / "out", paths_bundle)
    assert report["band_path"] == ("swir path (blue, green, red, nir, swir16, swir22): the raster has all its "
                                   "bands")
    assert (mask[:32, :40] == 0).all()    # SWIR tells snow from cloud
    assert (mask[32:, 40:] == 1).all()


def test_bands_beyond_the_path_never_change_the_mask(paths_bundle, tmp_path):
    six = snow_scene()
    rng = np.random.default_rng(7)
    extra = rng.uniform(0, 1, size=(4, *six.shape[1:])).astype(np.float32)
    # Sentinel-2's order, with random values in the four bands that the swir path does not read.
    names = ["coastal", "blue", "green", "red", "rededge071", "nir", "nir09", "cirrus", "swir16", "swir22"]
    bands = np.stack([extra[0], six[0], six[1], six[2], extra[1], six[3], extra[2], extra[3], six[4], six[5]])
    many = write_raster(tmp_path / "many.tif", bands, names=names)
    exact = write_raster(tmp_path / "six.tif", six, names=SWIR)
    mask_many, prob_many, report = run(many, tmp_path / "many", paths_bundle)
    mask_six, prob_six, _ = run(exact, tmp_path / "six", paths_bundle)
    assert report["band_path"].startswith("swir path")
    np.testing.assert_array_equal(mask_many, mask_six)
    np.testing.assert_array_equal(prob_many, prob_six)


def test_a_real_sentinel2_safe_equals_its_six_bands_bit_for_bit(paths_bundle, tmp_path):
    safe = shared_data(*T29UNU)
    files = [glob.glob(os.path.join(safe, "GRANULE", "*", "IMG_DATA", "R60m", f"*_{band}_60m.jp2"))[0]
             for band in ("B02", "B03", "B04", "B8A", "B11", "B12")]
    window = [600, 1000, 400, 400]   # swath edge, land and cloud
    six = np.stack([gdal.Translate("", path, srcWin=window, format="MEM").ReadAsArray() for path in files])
    reference = gdal.Translate("", files[0], srcWin=window, format="MEM")
    stacked = write_raster(tmp_path / "six.tif", six, names=SWIR, nodata=0,
                           geotransform=reference.GetGeoTransform(), epsg=32629)
    plan = plan_input(safe, MaskOptions(model=paths_bundle))
    assert plan.band_count == 11 and plan.band_path.startswith("swir path")
    # The whole tile through the SAFE, compared over the window.
    mask_safe, prob_safe, _ = run(safe, tmp_path / "safe", paths_bundle)
    x, y, w, h = window
    mask_six, prob_six, _ = run_scaled(stacked, tmp_path / "six", paths_bundle)
    np.testing.assert_array_equal(mask_safe[y:y + h, x:x + w], mask_six)
    np.testing.assert_array_equal(prob_safe[y:y + h, x:x + w], prob_six)


def run_scaled(path, out, bundle):
    """The six bands with the SAFE's own scaling (baseline 04.00: (DN - 1000) / 10000)."""
    os.makedirs(out, exist_ok=True)
    outputs = OutputPaths(mask=os.path.join(out, "mask.tif"), probability=os.path.join(out, "prob.tif"))
    mask_file(str(path), outputs, MaskOptions(model=bundle, device="cpu", scale=1e-4, offset=-0.1))
    return read_raster(outputs.mask)[0], read_raster(outputs.probability)[0], None


def test_a_raster_lacking_every_path_gets_the_smallest_paths_error(paths_bundle, tmp_path):
    path = write_raster(tmp_path / "no_nir.tif", snow_scene()[[0, 1, 2, 4]], names=["blue", "green", "red", "swir16"])
    with pytest.raises(BandMappingError, match="lacks the band\\(s\\) nir that model 'toy-paths 0.0.2' needs"):
        plan_input(path, MaskOptions(model=paths_bundle))


def test_paths_must_come_richest_first_and_not_nest(paths_bundle, tmp_path):
    bundle = load_bundle(paths_bundle)
    assert [p.path_name for p in bundle.paths] == ["swir", "rgbn"] and bundle.path_name == "rgbn"
    manifest = json.load(open(os.path.join(paths_bundle, "manifest.json")))
    wrong = tmp_path / "wrong"
    make_toy_band_path_bundle(wrong)
    json.dump(dict(manifest, band_paths=["rgbn", "swir"]), open(wrong / "manifest.json", "w"))
    with pytest.raises(BundleError, match="richest path first"):
        load_bundle(str(wrong))
    nested = tmp_path / "nested"
    make_toy_band_path_bundle(nested / "inner")
    json.dump(dict(manifest, band_paths=["inner"]), open(nested / "manifest.json", "w"))
    with pytest.raises(BundleError, match="is itself a bundle of band paths"):
        load_bundle(str(nested))

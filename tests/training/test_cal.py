"""Cloud Adaptive Labeling: the threshold schedule of Algorithm 1 and the relabelling."""
import numpy as np
import pytest

from training.cal import CloudAdaptiveLabeling


def feed(cal, losses):
    return [cal.update(loss) for loss in losses]


def test_starts_at_60_and_only_changes_every_150_iterations():
    cal = CloudAdaptiveLabeling()
    assert cal.threshold == 60.0
    thresholds = feed(cal, np.linspace(1.0, 0.5, 150))  # steadily improving loss
    assert thresholds[:149] == [60.0] * 149
    assert thresholds[149] == 62.0  # iteration 150: loss is the best so far -> up by 2


def test_worse_loss_lowers_by_two_and_stops_at_the_floor():
    cal = CloudAdaptiveLabeling()
    feed(cal, [0.1])  # best loss 0.1
    feed(cal, [0.5] * 149)  # iteration 150 sees 0.5 > 0.1
    assert cal.threshold == 58.0
    for expected in (56, 54, 52, 50, 48, 46, 45, 45):
        feed(cal, [0.5] * 150)
        assert cal.threshold == expected


def test_a_new_best_at_the_update_raises_again():
    cal = CloudAdaptiveLabeling()
    feed(cal, [0.5] * 149 + [0.4])  # the update iteration sets a new best
    assert cal.threshold == 62.0
    feed(cal, [0.45] * 150)
    assert cal.threshold == 60.0


def test_custom_schedule_and_reflectance_threshold():
    cal = CloudAdaptiveLabeling(start=50, step=5, floor=40, update_every=3)
    assert cal.reflectance_threshold == pytest.approx(50 / 255)
    assert feed(cal, [1.0, 2.0, 3.0]) == [50, 50, 45]
    assert feed(cal, [3.0, 3.0, 3.0]) == [45, 45, 40]
    assert feed(cal, [3.0, 3.0, 3.0]) == [40, 40, 40]


def test_relabel_modes():
    bands = ["blue", "green", "red", "nir"]
    # two pixels: bright (visible mean 0.4 > 60/255) and dark (0.1); nir is ignored
    image = np.array([[[0.4, 0.1]], [[0.4, 0.1]], [[0.4, 0.1]], [[0.0, 0.9]]], np.float32)
    given = np.array([[False, True]])
    valid = np.array([[True, True]])
    assert CloudAdaptiveLabeling(combine="and").relabel(image, given, valid, bands).tolist() == [[False, False]]
    assert CloudAdaptiveLabeling(combine="or").relabel(image, given, valid, bands).tolist() == [[True, True]]
    assert CloudAdaptiveLabeling(combine="replace").relabel(image, given, valid, bands).tolist() == [[True, False]]
    assert CloudAdaptiveLabeling(combine="or").relabel(image, given, ~valid, bands).tolist() == [[False, False]]


def test_rejects_unknown_combine_mode():
    with pytest.raises(ValueError):
        CloudAdaptiveLabeling(combine="xor")

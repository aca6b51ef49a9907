"""Choosing the fine threshold on validation data: the sweep's scores are the masks the
engine would make at each threshold, and the rule keeps the current value unless beaten."""
import numpy as np
import pytest

from training.threshold import choose_threshold, threshold_sweep


def test_sweep_scores_the_mask_probability_at_or_above_each_threshold():
    probability = np.array([[0.1, 0.3, 0.35], [0.5, 0.9, 0.2]], np.float32)
    label = np.array([[0, 1, 1], [1, 1, 0]], bool)
    valid = np.array([[1, 1, 1], [1, 1, 0]], bool)   # the 0.2 pixel is no data
    scores = threshold_sweep([(probability, label, valid)], [0.3, 0.35, 0.5])
    # 0.3: all four cloud pixels found (0.35 counts: >= as the engine does), none false.
    assert scores[0.3]["recall"] == 1.0 and scores[0.3]["precision"] == 1.0
    # 0.35: 0.3 missed -> tp 3, fn 1: F1 = 6 / 7.
    assert scores[0.35]["f1"] == pytest.approx(6 / 7)
    # 0.5: tp 2 (0.5, 0.9), fn 2: F1 = 4 / 6; the no-data pixel never counts.
    assert scores[0.5]["f1"] == pytest.approx(4 / 6) and scores[0.5]["pixels"] == 5


def test_sweep_micro_averages_over_scenes():
    # a: ten cloud pixels, one found (F1 2/11); b: one cloud pixel, found (F1 1). Pooled:
    # tp 2, fn 9, F1 4/13, not the mean of the two scenes' F1 (0.59).
    a = (np.array([[0.9] + [0.1] * 9]), np.ones((1, 10), bool), np.ones((1, 10), bool))
    b = (np.array([[0.9]]), np.ones((1, 1), bool), np.ones((1, 1), bool))
    s = threshold_sweep([a, b], [0.5])[0.5]
    assert (s["f1"], s["recall"], s["pixels"]) == (pytest.approx(4 / 13), pytest.approx(2 / 11), 11)


def _sweeps(f1_by_split):
    return {split: {t: {"f1": f} for t, f in values.items()} for split, values in f1_by_split.items()}


def test_choose_takes_the_best_mean_over_the_deciding_splits_only():
    sweeps = _sweeps({"a": {0.3: 0.95, 0.4: 0.96}, "b": {0.3: 0.88, 0.4: 0.85}, "c": {0.3: 0.0, 0.4: 1.0}})
    chosen, means = choose_threshold(sweeps, ["a", "b"], current=0.4)
    assert chosen == 0.3 and means[0.3] == pytest.approx(0.915) and means[0.4] == pytest.approx(0.905)


def test_choose_keeps_the_current_threshold_within_the_margin():
    sweeps = _sweeps({"a": {0.3: 0.9105, 0.4: 0.9100}})
    assert choose_threshold(sweeps, ["a"], current=0.4, margin=0.001)[0] == 0.4
    assert choose_threshold(sweeps, ["a"], current=0.4, margin=0.0001)[0] == 0.3


def test_choose_refuses_a_current_threshold_that_was_not_swept():
    with pytest.raises(ValueError, match="not among the swept values"):
        choose_threshold(_sweeps({"a": {0.3: 0.9}}), ["a"], current=0.4)


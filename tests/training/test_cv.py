"""Cross-validation by scene: the folds, the held-out configs and the nested threshold."""
import json

import numpy as np
import pytest

from training.config import load_config
from training.cv import FOLDS_FILE, SceneRef, assign_folds, catalogue, fold_config, scene_id
from training.cv_scores import (best_threshold, coarse_confusion, format_cv_report, nested_thresholds, reliability,
                                score)
from training.data import read_source
from training.paths import resolve_repo_path

CONFIG = "training/configs/all_data.toml"


def _ref(i, sensor="landsat8", labelled=True, cloud=0.5):
    return SceneRef(f"biome:x/s{i}", "biome", f"s{i}", sensor, "Forest", labelled, cloud)


def test_every_scene_lands_in_exactly_one_fold_and_the_folds_are_even():
    refs = [_ref(i, cloud=i / 40) for i in range(40)] + [_ref(100 + i, "sentinel2", False, 0.0) for i in range(7)]
    folds = assign_folds(refs, 5, seed=3)
    assert sorted(folds) == sorted(r.id for r in refs)
    assert set(folds.values()) == set(range(5))
    for group in (refs[:40], refs[40:]):
        sizes = np.bincount([folds[r.id] for r in group], minlength=5)
        assert sizes.max() - sizes.min() <= 1, sizes
    # Dealt by cloud fraction: each fold gets clear and overcast Landsat scenes alike.
    cloud_means = [np.mean([r.cloud_fraction for r in refs[:40] if folds[r.id] == f]) for f in range(5)]
    assert max(cloud_means) - min(cloud_means) < 0.1
    assert assign_folds(refs, 5, seed=3) == folds
    assert assign_folds(refs, 5, seed=4) != folds


def test_the_recorded_folds_cover_every_real_scene_once(data_root):
    cfg = load_config(resolve_repo_path(CONFIG))
    with open(resolve_repo_path(FOLDS_FILE), encoding="utf-8") as f:
        record = json.load(f)
    refs = catalogue(cfg, data_root)
    assert set(record["folds"]) == set(refs), "a scene of the config has no fold, or the record names a lost one"
    assert set(record["folds"].values()) == set(range(record["k"]))
    # One id per scene: the cloudless Biome patches are both labelled data and clear ground.
    assert len(refs) == len({(r.kind, r.name) for r in refs.values()})
    labelled_sensors = {r.sensor for r in refs.values() if r.labelled}
    assert labelled_sensors == {"landsat8", "sentinel2"}


def test_the_swir_folds_keep_the_all_data_folds_of_the_scenes_both_have(data_root):
    cfg = load_config(resolve_repo_path("training/configs/swir.toml"))
    with open(resolve_repo_path(cfg.cv_folds), encoding="utf-8") as f:
        record = json.load(f)
    with open(resolve_repo_path(FOLDS_FILE), encoding="utf-8") as f:
        base = json.load(f)["folds"]
    refs = catalogue(cfg, data_root)
    assert set(record["folds"]) == set(refs)
    shared = set(refs) & set(base)
    assert len(shared) == 39, "the 31 Biome patches and the 8 cloud-free Sentinel-2 scenes"
    assert all(record["folds"][sid] == base[sid] for sid in shared)
    # The images labelled by the teacher are trained on, never scored.
    taught = {sid for sid, ref in refs.items() if ref.teacher}
    assert len(taught) == 4 and not any(refs[sid].labelled for sid in taught)


def test_a_fold_config_never_shows_a_model_its_held_out_scenes(data_root):
    cfg = load_config(resolve_repo_path(CONFIG))
    with open(resolve_repo_path(FOLDS_FILE), encoding="utf-8") as f:
        folds = json.load(f)["folds"]
    held_out = {sid for sid, f in folds.items() if f == 0}
    fcfg = fold_config(cfg, data_root, held_out, 0)
    seen = set()
    for entry in fcfg.train_sources + fcfg.clear_sources:
        seen |= {scene_id(entry, s.name) for s in read_source(entry, data_root, fcfg.bands, streamed=True)}
    assert seen and not (seen & held_out)
    assert seen | held_out == set(folds), "scenes of the other folds went missing from training"
    assert fcfg.bundle.out != cfg.bundle.out


def _pred(fold, sensor, probability, label, labelled=True):
    label = np.asarray(label, bool)
    return {"probability": np.asarray(probability, np.uint8), "dense_probability": np.asarray(probability, np.uint8),
            "label": label, "valid": np.ones_like(label),
            "fold": fold, "ref": {"sensor": sensor, "land_cover": "x", "labelled": labelled,
                                  "cloud_fraction": float(label.mean())}}


def test_the_threshold_is_the_one_with_the_best_f1_on_hand_made_probabilities():
    # Cloud pixels at 60-90 %, clear ones at 10-45 %: any cut in (45, 60] is perfect.
    p = _pred(0, "landsat8", [10, 30, 45, 60, 75, 90], [0, 0, 0, 1, 1, 1])
    assert best_threshold([p]) == 0.5
    # Clear pixels at 55 % too: the cut moves above them.
    q = _pred(0, "landsat8", [10, 55, 56, 70, 80, 90], [0, 0, 0, 1, 1, 1])
    assert best_threshold([q]) == 0.6


def test_each_scene_is_thresholded_by_the_other_folds_only():
    low = _pred(0, "landsat8", [10, 25, 35, 40], [0, 0, 1, 1])    # best cut 0.3 (fold 0's own)
    high = _pred(1, "landsat8", [10, 60, 70, 80], [0, 0, 1, 1])   # best cut in (60, 70]
    high2 = _pred(2, "sentinel2", [10, 60, 70, 80], [0, 0, 1, 1])
    low2 = _pred(3, "sentinel2", [10, 25, 35, 40], [0, 0, 1, 1])
    preds = {"a": low, "b": high, "c": high2}
    t = nested_thresholds(preds)
    assert t["a"] == 0.65, "fold 0 must be cut where folds 1 and 2 are best, not at its own 0.3"
    report = score(preds, t)
    row = next(r for r in report["scenes"] if r["id"] == "a")
    assert row["recall"] == 0.0 and row["threshold"] == 0.65
    # Per sensor: each scene learns from the other folds of its own sensor only.
    per_sensor = nested_thresholds({**preds, "d": low2}, per_sensor=True)
    assert (per_sensor["a"], per_sensor["b"], per_sensor["c"], per_sensor["d"]) == (0.65, 0.3, 0.3, 0.65)
    with pytest.raises(ValueError, match="no labelled scene"):
        best_threshold([])


def test_the_teachers_scores_sit_beside_ours_on_the_same_pixels():
    a = _pred(0, "landsat8", [90, 90, 10, 10], [1, 1, 0, 0])
    b = _pred(1, "landsat8", [90, 10, 10, 10], [1, 1, 0, 0])
    clear = _pred(2, "landsat8", [10, 10, 10, 10], [0, 0, 0, 0], labelled=False)
    preds = {"k:x/a": a, "k:x/b": b, "k:x/c": clear}
    teacher = {"k:x/a": np.array([1, 0, 0, 0], bool), "k:x/b": np.array([1, 1, 1, 0], bool),
               "k:x/c": np.array([1, 1, 0, 0], bool)}
    report = score(preds, dict.fromkeys(preds, 0.5), teacher)
    rows = {r["id"][-1]: r for r in report["scenes"]}
    assert rows["a"]["f1"] == 1.0 and rows["a"]["ukis_f1"] == pytest.approx(2 / 3)
    assert rows["b"]["f1"] == pytest.approx(2 / 3) and rows["b"]["ukis_f1"] == pytest.approx(0.8)
    assert rows["c"]["ukis_called"] == 0.5 and rows["c"]["cloud_called"] == 0.0
    # Micro-averaged over both labelled scenes: the teacher's 3 hits, 1 false alarm, 1 miss.
    assert report["teacher_groups"]["sensor landsat8"]["f1"] == pytest.approx(0.75)
    assert report["groups"]["sensor landsat8"]["f1"] == pytest.approx(6 / 7)
    text = format_cv_report({**report, "coarse": coarse_confusion({}), "reliability": {}, "final_threshold": 0.5})
    assert "| sensor landsat8 | 0.857 | 0.750 |" in text


def test_coarse_confusion_counts_overcast_calls_on_cells_that_are_not_overcast():
    p = _pred(0, "landsat8", [0], [0])
    p["coarse_truth"] = np.array([[0, 2], [1, 3]], np.uint8)
    p["coarse"] = np.array([[1, 1], [1, 3]], np.uint8)
    p["settled"] = np.array([[True, False], [True, True]])
    m = coarse_confusion({"a": p})
    assert m["settled_overcast_wrong"] == 1, "the unsettled overcast call went to the fine model: no harm"
    assert m["matrix"][1][1] == 1 and m["matrix"][3][3] == 1 and m["matrix"][0][1] == 1
    assert (m["fine_cells"], m["truth_partly_cells"]) == (1, 1)


def test_the_reliability_diagram_counts_the_cloud_share_of_each_probability_bin():
    p = _pred(0, "landsat8", [5, 8, 95, 97, 99, 55], [0, 1, 1, 1, 1, 0])
    rows = {r["bin"]: r for r in reliability({"a": p})["landsat8"]}
    assert rows["0.0-0.1"]["pixels"] == 2 and rows["0.0-0.1"]["cloud_share"] == 0.5
    assert rows["0.9-1.0"]["pixels"] == 3 and rows["0.9-1.0"]["cloud_share"] == 1.0
    assert rows["0.5-0.6"]["cloud_share"] == 0.0 and rows["0.3-0.4"]["cloud_share"] is None

"""Which bundle may score which benchmark ground (``benchmarks/held_out.py``): the default
bundle trained on them all; a fold bundle only on the grounds its fold did not hold out."""
import json
import os
import sys

import pytest

BENCHMARKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "benchmarks")
sys.path.insert(0, BENCHMARKS)

import held_out  # noqa: E402


def fold_like_bundle(folder, default_bundle, fold):
    """The default bundle's manifest as a fold bundle of ``fold`` would have it: its training
    config named ``all_data_cv<fold>``."""
    os.makedirs(folder, exist_ok=True)
    manifest = held_out.bundle_manifest(default_bundle)
    manifest["training"] = {**manifest["training"], "config": f"all_data_cv{fold}", "config_file": None}
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    return str(folder)


def test_every_benchmark_ground_is_training_data_of_the_default_bundle(model_bundle):
    for ground in ("s2_land", "l8_water", "l8_snow", "l8_desert"):
        ids = held_out.ground_scene_ids(ground)
        assert held_out.trained_on(model_bundle, ids) == ids


def test_a_fold_bundle_trained_only_on_the_grounds_it_did_not_hold_out(tmp_path, model_bundle):
    folds = held_out.load_folds()
    water = held_out.ground_scene_ids("l8_water")
    snow = held_out.ground_scene_ids("l8_snow")
    fold = held_out.fold_for(water)
    assert all(folds[sid] == fold for sid in water)
    bundle = fold_like_bundle(tmp_path / "fold", model_bundle, fold)
    assert held_out.trained_on(bundle, water) == []
    assert held_out.trained_on(bundle, snow) == [sid for sid in snow if folds[sid] != fold]


def test_a_ground_split_over_two_folds_gets_the_fold_holding_most_of_it_and_a_warning(tmp_path, model_bundle, capsys):
    folds = held_out.load_folds()
    snow = held_out.ground_scene_ids("l8_snow")
    assert len({folds[sid] for sid in snow}) == 2   # no fold bundle holds this ground out whole
    fold = held_out.fold_for(snow)
    assert fold == min(folds[sid] for sid in snow)
    fold_like_bundle(tmp_path / f"fold{fold}" / "bundle", model_bundle, fold)

    class Args:
        cv, cv_dir, strict, model = True, str(tmp_path), False, None

    assert held_out.bundle_for(snow, Args, "snow") == str(tmp_path / f"fold{fold}" / "bundle")
    assert "training data" in capsys.readouterr().err
    Args.strict = True
    with pytest.raises(SystemExit, match="not out of sample"):
        held_out.bundle_for(snow, Args, "snow")


def test_a_missing_fold_bundle_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(SystemExit, match="python -m training cv training/configs/all_data.toml --folds 3"):
        held_out.fold_bundle(3, str(tmp_path))

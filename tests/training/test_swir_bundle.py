"""The shipped 6-band bundle (cloud_mask_plugin/models/default/swir, swir.toml): its bands, the
cross-validation it was scored by, the teacher credited, and that the engine runs it on a
real Biome patch with its SWIR bands. A missing bundle fails, never skips."""
import json
import os

import numpy as np

from cloud_mask_plugin.core.backend import resolve_device
from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.cascade import CascadeModels, segment_array
from training.data import read_source
from training.paths import resolve_repo_path

SWIR_BUNDLE = resolve_repo_path("cloud_mask_plugin/models/default/swir")
SIX = ["blue", "green", "red", "nir", "swir16", "swir22"]


def _manifest():
    with open(os.path.join(SWIR_BUNDLE, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def test_the_swir_bundle_lists_six_bands_its_cross_validation_and_the_teacher():
    m = _manifest()
    assert [b["name"] for b in m["inputs"]["bands"]] == SIX
    assert m["version"] == "0.7.0"
    cv = m["cross_validation"]
    assert cv["config"] == "training/configs/swir.toml" and cv["folds_file"] == "training/cv_folds_swir.json"
    assert m["fine"]["threshold"] == cv["threshold"], "the threshold is the folds' choice"
    assert "sensor landsat8" in cv["groups"] and "sensor landsat8" in cv["ukis_csmask_same_scenes"]["groups"]
    assert m["teacher"]["name"] == "ukis-csmask" and m["teacher"]["license"] == "Apache-2.0"
    assert os.path.isfile(os.path.join(SWIR_BUNDLE, m["fine"]["cpu_file"])), "quantised as the default bundle is"


def test_the_engine_runs_the_swir_bundle_on_a_biome_patch_with_its_swir_bands(data_root):
    bundle = load_bundle(SWIR_BUNDLE)
    scene = read_source({"kind": "biome", "path": "biome_l8/val", "names": ["Wetlands_07_1826"]}, data_root, SIX)[0]
    result = segment_array(CascadeModels(bundle, resolve_device("cpu")), scene.image, scene.valid)
    assert result.probability.shape == scene.shape
    assert np.all((result.probability >= 0) & (result.probability <= 1))
    # A patch the bundle trained on (it trained on every Biome patch): only a check that the
    # six bands reach the models in order, not a score; 99.6 % of it is cloud.
    assert (result.probability[scene.valid] >= bundle.fine.threshold).mean() > 0.9

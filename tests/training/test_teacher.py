"""The teacher (training/teacher.py) on a tiny fake ukis-csmask model built here, so no test
needs the real wheel: tiling and blending, the cache, the labels it gives, that a fold's
held-out scenes never get teacher labels in that fold's training, and the manifest's credit."""
import json
import os

import numpy as np
import pytest
import torch

from training import teacher
from training.config import load_config
from training.cv import fold_config, load_or_make_folds, scene_id
from training.export import build_manifest
from training.paths import resolve_repo_path
from training.samplers import load_sources
from training.scenes import Scene

SWIR_CONFIG = "training/configs/swir.toml"
MEAN = [0.2, 0.2, 0.2, 0.3, 0.2, 0.15]
STD = [0.25, 0.2, 0.25, 0.2, 0.15, 0.1]


class _PerPixel(torch.nn.Module):
    """Logits from each pixel alone (a 1 x 1 convolution): cloud where standardised blue is
    high, shadow where nir is low, so the answer does not depend on how the image is tiled."""

    def __init__(self, n_bands):
        super().__init__()
        self.conv = torch.nn.Conv2d(n_bands, 3, 1)
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.bias.zero_()
            self.conv.weight[1, 0] = 4.0   # cloud: blue
            self.conv.weight[2, 3] = -4.0  # shadow: low nir
            self.conv.bias[2] = -3.0

    def forward(self, x):
        return self.conv(x)


def _fake_models(folder, n_bands, level):
    torch.onnx.export(_PerPixel(n_bands), torch.zeros(1, n_bands, 256, 256),
                      os.path.join(folder, f"model_{n_bands}b_{level}.onnx"), input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch_size"}}, opset_version=13,
                      dynamo=False)
    meta = {"data": {"dataset_statistics": {"img": [MEAN[:n_bands], STD[:n_bands]],
                                            "band_names": list(teacher.SIX_BANDS[:n_bands])},
                     "target_size": [256, 256]},
            "model": {"version": f"fake-{n_bands}b-{level}"}}
    with open(os.path.join(folder, f"model_{n_bands}b_{level}.json"), "w") as f:
        json.dump(meta, f)


@pytest.fixture(scope="module")
def fake_models(tmp_path_factory):
    models = tmp_path_factory.mktemp("models")
    for n, level in ((6, "l1c"), (6, "l2a"), (4, "l1c"), (4, "l2a")):
        _fake_models(str(models), n, level)
    return models


@pytest.fixture
def fake_teacher(fake_models, tmp_path, monkeypatch):
    """The fake models, and an empty cache of the test's own."""
    monkeypatch.setenv(teacher.MODELS_ENV_VAR, str(fake_models))
    monkeypatch.setenv(teacher.CACHE_ENV_VAR, str(tmp_path / "cache"))
    return tmp_path


def _per_pixel_probabilities(image):
    x = (image - np.asarray(MEAN)[:, None, None]) / np.asarray(STD)[:, None, None]
    logits = np.stack([np.zeros_like(x[0]), 4.0 * x[0], -4.0 * x[3] - 3.0])
    e = np.exp(logits - logits.max(axis=0))
    return e / e.sum(axis=0)


@pytest.mark.parametrize("shape", [(100, 300), (256, 256), (517, 389)])
def test_tiles_blend_back_into_the_per_pixel_answer(fake_teacher, shape):
    rng = np.random.default_rng(1)
    image = rng.uniform(0.0, 0.6, (6,) + shape).astype(np.float32)
    model = teacher.TeacherModel.load(os.environ[teacher.MODELS_ENV_VAR], 6, "l1c")
    probs = model.probabilities(image)
    assert probs.shape == (3,) + shape
    # Every tile, the mirrored padding of a small image and the edge weights, put together,
    # must give back each pixel's own softmax (the fake model looks at each pixel alone).
    np.testing.assert_allclose(probs, _per_pixel_probabilities(image), atol=1e-4)


def test_a_scene_at_lower_resolution_comes_back_at_its_own_size(fake_teacher):
    image = np.zeros((6, 10, 7), np.float32)
    image[0, :5] = 0.9  # top half bright blue: cloud
    scene = Scene("s", image, np.ones((10, 7), bool), np.zeros((10, 7), bool), "x", 10.0)
    model = teacher.TeacherModel.load(os.environ[teacher.MODELS_ENV_VAR], 6, "l1c")
    cloud = teacher.teacher_cloud(teacher.scene_probabilities(model, scene, factor=3))
    assert cloud.shape == (10, 7)
    assert cloud[:3].all() and not cloud[6:].any()


def test_teacher_labels_are_cached_per_scene_and_used_as_labels(fake_teacher, data_root):
    entry = {"name": "landsat7", "kind": "landsat7_qa", "path": "weak/landsat7_qa", "teacher": True}
    (source,) = load_sources([entry], data_root, load_config(resolve_repo_path(SWIR_CONFIG)))
    (scene,) = source.scenes
    cached = os.listdir(fake_teacher / "cache" / "fake-6b-l1c")
    assert len(cached) == 1
    probs = teacher.teacher_probabilities(entry, scene.name, data_root)
    expected = (np.argmax(probs, axis=0) == 1) & scene.valid
    assert scene.label.any() and (scene.label == expected).all()
    # The CFMask weak labels are replaced, not kept.
    (weak,) = load_sources([{k: v for k, v in entry.items() if k != "teacher"}], data_root,
                           load_config(resolve_repo_path(SWIR_CONFIG)))[0].scenes
    assert (weak.label != scene.label).any()


def test_a_folds_held_out_scenes_never_get_teacher_labels_in_its_training(fake_teacher, data_root):
    cfg = load_config(resolve_repo_path(SWIR_CONFIG))
    record = load_or_make_folds(cfg, data_root)
    taught = {sid for sid, ref in record["refs"].items() if ref.teacher}
    assert len(taught) == 4
    for fold in sorted({record["folds"][sid] for sid in taught}):
        held_out = {sid for sid, f in record["folds"].items() if f == fold}
        fcfg = fold_config(cfg, data_root, held_out, fold)
        entries = [e for e in fcfg.train_sources if e.get("teacher")]
        labelled = set()
        for source in load_sources(entries, data_root, fcfg):
            labelled |= {scene_id(source.entry, s.name) for s in source.scenes}
        cached = set()
        for folder in os.listdir(fake_teacher / "cache"):
            for name in os.listdir(fake_teacher / "cache" / folder):
                cached.add(name[:-len(".npz")])
        assert labelled == taught - held_out
        held_out_files = {sid.replace("/", "__").replace(":", "--") for sid in held_out}
        assert not (cached & held_out_files), f"fold {fold}: the teacher ran on held-out scenes"
        for folder in os.listdir(fake_teacher / "cache"):  # the next fold starts without a cache
            for name in os.listdir(fake_teacher / "cache" / folder):
                os.remove(fake_teacher / "cache" / folder / name)


def test_the_manifest_credits_the_teacher_only_when_one_labelled_the_data():
    cfg = load_config(resolve_repo_path(SWIR_CONFIG))
    norm = {"mean": [0.1] * len(cfg.bands), "std": [0.1] * len(cfg.bands)}
    credit = build_manifest(cfg, norm, None, {})["teacher"]
    assert credit["name"] == "ukis-csmask" and credit["version"] == "1.0.0"
    assert credit["license"] == "Apache-2.0" and credit["url"].startswith("https://")
    plain = load_config(resolve_repo_path("training/configs/all_data.toml"))
    assert "teacher" not in build_manifest(plain, {"mean": [0.1] * 4, "std": [0.1] * 4}, None, {})

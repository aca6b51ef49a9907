"""A tiny real run: a few iterations on two Biome train patches, export, read back, run."""
import json
import os
import re

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from cloud_mask_plugin.core.backend import resolve_device
from cloud_mask_plugin.core.bundle import COARSE_CLASSES, load_bundle
from cloud_mask_plugin.core.cascade import CascadeModels
from training.config import config_from_dict
from training.checkpoints import load_checkpoint
from training.export import check_bundle, export_bundle, export_settings
from training.models import AtLowerResolution
from training.quantize import calibration_windows, quantize_fine
from training.train import run

PATCHES = ["Barren_00_0214", "Barren_03_0207"]  # one clear, one partly cloudy


def tiny_config(tmp_path):
    source = {"name": "biome_pair", "kind": "biome", "path": "biome_l8/train", "names": PATCHES,
              "scales": [1.0], "title": "Biome (two patches)", "license": "public domain"}
    clear = dict(source, name="biome_clear", only_cloudless=True)
    return config_from_dict({
        "name": "tiny", "seed": 7, "threads": 2, "bands": ["blue", "green", "red", "nir"],
        "checkpoint_dir": str(tmp_path / "runs"),
        "bundle": {"out": str(tmp_path / "bundle"), "name": "tiny-test", "version": "0.0.1"},
        "fine": {"patch": 64, "batch": 2, "iterations": 3, "overlap": 16,
                 "cal": {"enabled": True, "update_every": 2, "sources": ["biome_pair"]}},
        "coarse": {"tile": 128, "mosaic_tiles": 2, "mosaics": 2, "batch": 2, "iterations": 3,
                   "adjacency_after": 0.3},
        "train_sources": [source], "clear_sources": [clear],
    })


def test_train_export_load_and_run(tmp_path, data_root):
    cfg = tiny_config(tmp_path)
    summary = run(cfg, data_root, evaluate=False, progress=False)
    bundle_dir = summary["bundle"]

    bundle = load_bundle(bundle_dir)
    assert bundle.band_names == ["blue", "green", "red", "nir"]
    assert (bundle.coarse.downsample, bundle.coarse.stride, bundle.fine.halo) == (8, 16, 16)
    assert bundle.cell_size == 128 and bundle.fine_window == 160
    assert bundle.coarse.classes == list(COARSE_CLASSES)
    manifest = json.load(open(os.path.join(bundle_dir, "manifest.json")))
    assert manifest["inputs"]["normalization"]["applied_in_model"] is True
    assert manifest["inputs"]["sensor_independent"] is False
    assert manifest["training"]["seed"] == 7 and manifest["training"]["config"] == "tiny"
    assert manifest["training"]["fine"]["cal_threshold"] >= 45

    coarse = ort.InferenceSession(bundle.file_path(bundle.coarse.file), providers=["CPUExecutionProvider"])
    prob = coarse.run(None, {"image": np.random.default_rng(0).random((1, 4, 32, 48), dtype=np.float32)})[0]
    assert prob.shape == (1, 4, 2, 3)
    assert np.allclose(prob.sum(axis=1), 1.0, atol=1e-5)

    fine = ort.InferenceSession(bundle.file_path(bundle.fine.file), providers=["CPUExecutionProvider"])
    for shape in [(1, 4, 160, 160), (3, 4, 64, 96)]:
        out = fine.run(None, {"image": np.random.default_rng(1).random(shape, dtype=np.float32)})[0]
        assert out.shape == (shape[0], 1) + shape[2:]
        assert np.all((out >= 0) & (out <= 1))

    props = {p.key: p.value for p in onnx.load(bundle.file_path("fine.onnx")).metadata_props}
    assert props["name"] == "tiny-test" and props["version"] == "0.0.1"

    # the checkpoint exports again to the same graphs' behaviour
    cfg2, fine_model, coarse_model, norm, info = load_checkpoint(summary["checkpoint"])
    again = str(tmp_path / "again")
    export_bundle(fine_model, coarse_model, cfg2, again, norm, info)
    assert check_bundle(again) == {"coarse": [2, 4, 4, 6], "fine": [2, 1, 160, 160]}
    x = np.random.default_rng(2).random((1, 4, 160, 160), dtype=np.float32)
    first = fine.run(None, {"image": x})[0]
    second = ort.InferenceSession(os.path.join(again, "fine.onnx"), providers=["CPUExecutionProvider"]).run(
        None, {"image": x})[0]
    assert np.allclose(first, second, atol=1e-5)

    # exported with a config that makes the fine model compute at half resolution
    half_cfg = tiny_config(tmp_path)
    half_cfg.fine.inference_scale = 2
    half = str(tmp_path / "half")
    export_bundle(fine_model, coarse_model, export_settings(cfg2, half_cfg), half, norm, info)
    half_bundle = load_bundle(half)
    assert half_bundle.fine.multiple == 32 and half_bundle.fine_window == 160
    half_models = CascadeModels(half_bundle, resolve_device("cpu"))
    half_prob = half_models.fine_probabilities(x)
    assert half_prob.shape == (1, 160, 160)
    with torch.no_grad():
        expected = torch.sigmoid(AtLowerResolution(fine_model, 2)(torch.from_numpy(x))).numpy()
    assert np.allclose(half_prob, expected[:, 0], atol=1e-5)
    assert not np.allclose(half_prob, first[:, 0], atol=1e-3)
    other_bands = tiny_config(tmp_path)
    other_bands.bands = ["blue", "green", "red"]
    with pytest.raises(ValueError, match="bands"):
        export_settings(cfg2, other_bands)

    # an int8 copy for the CPU, calibrated on training windows, that the engine then runs
    windows = calibration_windows(cfg, data_root, bundle.fine_window, count=8, seed=cfg.seed)
    assert len(windows) == 8 and windows[0].shape == (1, 4, 160, 160)
    quantize_fine(bundle_dir, windows)
    quantized = load_bundle(bundle_dir)
    assert quantized.fine.cpu_file == "fine_int8.onnx" and quantized.fine.file == "fine.onnx"
    graph = onnx.load(quantized.file_path("fine_int8.onnx")).graph
    assert {"QuantizeLinear", "DequantizeLinear"} <= {node.op_type for node in graph.node}
    assert any(t.data_type == onnx.TensorProto.INT8 for t in graph.initializer)
    models = CascadeModels(quantized, resolve_device("cpu"))
    assert os.path.basename(models.fine.path) == "fine_int8.onnx"
    for window in windows[:4]:
        float_prob = fine.run(None, {"image": window})[0]
        int8_prob = models.fine_probabilities(window)
        assert np.abs(int8_prob - float_prob[:, 0]).mean() < 0.02


def test_same_seed_same_first_batches(tmp_path, data_root):
    from training.samplers import FineSampler, load_sources

    cfg = tiny_config(tmp_path)
    labelled = load_sources(cfg.train_sources, data_root, cfg)
    clear = load_sources(cfg.clear_sources, data_root, cfg)
    a = FineSampler(cfg, labelled, clear, np.random.default_rng(3)).batch(4)
    b = FineSampler(cfg, labelled, clear, np.random.default_rng(3)).batch(4)
    assert isinstance(a[0], np.ndarray) and a[0].shape[0] == 4   # fixed bands: one stacked input
    for x, y in zip(a, b):
        assert np.array_equal(x, y)


def test_coarse_from_another_checkpoint_keeps_its_coarse_model(tmp_path, data_root):
    first = run(tiny_config(tmp_path / "a"), data_root, evaluate=False, progress=False)
    cfg = tiny_config(tmp_path / "b")
    cfg.seed = 8  # another fine model, same coarse one
    second = run(cfg, data_root, evaluate=False, progress=False, coarse_from=first["checkpoint"])
    x = np.random.default_rng(0).random((1, 4, 32, 48), dtype=np.float32)
    outputs = [ort.InferenceSession(os.path.join(s["bundle"], "coarse.onnx"), providers=["CPUExecutionProvider"])
               .run(None, {"image": x})[0] for s in (first, second)]
    assert np.allclose(outputs[0], outputs[1], atol=1e-6)
    other = tiny_config(tmp_path / "c")
    other.bands = ["blue", "green", "red"]
    with pytest.raises(ValueError, match="bands"):
        run(other, data_root, evaluate=False, progress=False, coarse_from=first["checkpoint"])


def test_threshold_command_on_a_tiny_trained_bundle(tmp_path, data_root, capsys):
    """``python -m training threshold``: its row at the bundle's threshold is the engine's
    cascade score on each validation split, and it names the threshold the rule picks."""
    from training.__main__ import main
    from training.evaluate import evaluate_cascade, load_splits

    bundle_dir = run(tiny_config(tmp_path), data_root, evaluate=False, progress=False)["bundle"]
    threshold = load_bundle(bundle_dir).fine.threshold
    main(["--data-root", data_root, "threshold", bundle_dir, "--candidates", "0.2,0.8"])   # and the bundle's own
    out = capsys.readouterr().out.strip().splitlines()
    rows = {float(line.split()[0]): [float(v) for v in line.split()[1:]] for line in out[2:-1]}
    assert sorted(rows) == sorted({0.2, 0.8, threshold})
    engine = evaluate_cascade(bundle_dir, load_splits(data_root, ["blue", "green", "red", "nir"]))
    assert rows[threshold][:2] == [round(engine["biome_val"]["f1"], 4), round(engine["oncloudn_val"]["f1"], 4)]
    best = max(rows, key=lambda t: rows[t][2])
    expected = best if rows[best][2] - rows[threshold][2] > 0.001 else threshold
    assert re.match(rf"fine\.threshold {expected:.2f} ", out[-1])


def test_training_device_is_the_gpu_when_torch_sees_one_and_says_why_not():
    from training.train import training_device

    assert training_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert training_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="choose auto, cpu or cuda"):
        training_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU.*--device cpu"):
            training_device("cuda")

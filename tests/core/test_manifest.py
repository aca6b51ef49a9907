"""The manifest is written and read in one place (core/bundle.py): what new_manifest and
write_manifest write, load_bundle reads back as it was meant; update_manifest edits in place."""
import json

import pytest

from cloud_mask_plugin.core.bundle import BundleError, load_bundle, new_manifest, update_manifest, write_manifest


def _manifest(**overrides):
    values = dict(name="test-bundle", version="1.2.3", license="CC-BY-4.0", description="made by a test",
                  training_data=[{"name": "biome", "title": "Biome", "license": "public domain"}],
                  bands=["blue", "green", "red", "nir"],
                  normalization={"type": "standardize", "mean": [0.1] * 4, "std": [0.2] * 4, "applied_in_model": True},
                  downsample=8, stride=16, min_confidence=0.7, halo=16, threshold=0.35, multiple=32, inference_scale=2,
                  training={"seed": 1})
    values.update(overrides)
    return new_manifest(**values)


def test_written_manifest_reads_back(tmp_path):
    for name in ("coarse.onnx", "fine.onnx"):
        (tmp_path / name).write_bytes(b"not read by load_bundle")
    write_manifest(str(tmp_path), _manifest())
    bundle = load_bundle(str(tmp_path))
    assert (bundle.name, bundle.version) == ("test-bundle", "1.2.3")
    assert bundle.band_names == ["blue", "green", "red", "nir"] and not bundle.sensor_independent
    assert (bundle.coarse.downsample, bundle.coarse.stride, bundle.coarse.min_confidence) == (8, 16, 0.7)
    assert (bundle.fine.halo, bundle.fine.threshold, bundle.fine.multiple) == (16, 0.35, 32)
    assert bundle.cell_size == 128

    update_manifest(str(tmp_path), lambda m: m.update(metrics={"biome_val": {"f1": 0.9}}))
    assert load_bundle(str(tmp_path)).metrics == {"biome_val": {"f1": 0.9}}
    assert json.loads((tmp_path / "manifest.json").read_text())["name"] == "test-bundle"


def test_written_manifest_is_checked_when_read(tmp_path):
    for name in ("coarse.onnx", "fine.onnx"):
        (tmp_path / name).write_bytes(b"")
    write_manifest(str(tmp_path), _manifest(threshold=1.5))
    with pytest.raises(BundleError, match="threshold"):
        load_bundle(str(tmp_path))

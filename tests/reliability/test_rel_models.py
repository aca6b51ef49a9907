"""Broken, mismatched and too-new model bundles: refused with one line naming the bundle
file and what to do, before or during the run, never leaving an output behind."""
import json
import os

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.helpers import reliability as rh
from tests.helpers.real_data import write_raster
from tests.helpers.toy_bundle import _coarse_model, _fine_model, make_toy_bundle, save_onnx_graph


@pytest.fixture
def scene_path(tmp_path):
    """A scene with dark, bright and mixed cells, so both models run."""
    folder = tmp_path / "in"
    folder.mkdir()
    return write_raster(folder / "scene.tif", rh.scene(300, 260, seed=11))


def bundle(tmp_path, name="bundle", **kwargs):
    return make_toy_bundle(tmp_path / name, downsample=8, stride=16, halo=16, **kwargs)


def edit_manifest(folder, change):
    path = os.path.join(folder, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    change(manifest)
    with open(path, "w") as f:
        json.dump(manifest, f)


def check_failed_cleanly(outcome, out_dir, input_guard, *fragments):
    outcome.assert_error(*fragments)
    input_guard.check()
    assert rh.leftovers(out_dir) == []
    assert not os.path.exists(out_dir) or os.listdir(out_dir) == []


def run_case(front, scene_path, model, tmp_path, guard):
    g = guard(os.path.dirname(scene_path))
    out = tmp_path / "out"
    outcome = front.run(scene_path, out, model)
    return outcome, out, g


def test_missing_bundle_folder(front, scene_path, tmp_path, guard):
    missing = str(tmp_path / "no_such_bundle")
    outcome, out, g = run_case(front, scene_path, missing, tmp_path, guard)
    if front.name == "processing":
        # The Processing dialog's folder parameter checks the folder exists first.
        outcome.assert_error("no_such_bundle")
    else:
        check_failed_cleanly(outcome, out, g, "no_such_bundle", "does not exist")


def test_missing_model_file(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    os.remove(os.path.join(model, "coarse.onnx"))
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "lacks coarse.onnx", "copy the whole bundle folder")


def test_truncated_model_file(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    fine = os.path.join(model, "fine.onnx")
    with open(fine, "rb") as f:
        data = f.read()
    with open(fine, "wb") as f:
        f.write(data[: len(data) // 2])
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "fine.onnx", "cannot be loaded", "truncated")


def test_model_file_that_is_not_onnx(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    with open(os.path.join(model, "coarse.onnx"), "w") as f:
        f.write("<html>404 not found</html>")  # what a failed download leaves
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "coarse.onnx", "cannot be loaded")


@pytest.mark.parametrize("which", ["fine", "coarse"])
def test_model_built_for_three_bands_with_a_four_band_manifest(front, scene_path, tmp_path, guard, which):
    model = bundle(tmp_path)
    if which == "fine":
        _fine_model(os.path.join(model, "fine.onnx"), 3)
    else:
        _coarse_model(os.path.join(model, "coarse.onnx"), 3, 16)
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, f"{which}.onnx", "takes 3 bands but its manifest lists 4")


def test_manifest_lists_more_bands_than_the_models_take(front, tmp_path, guard):
    """The manifest asks for five bands (the raster has them), the ONNX files take four."""
    model = bundle(tmp_path)
    edit_manifest(model, lambda m: m["inputs"]["bands"].append({"name": "swir16", "wavelength_nm": 1610,
                                                                "width_nm": 90}))
    folder = tmp_path / "in"
    folder.mkdir()
    path = write_raster(folder / "five.tif", rh.scene(300, 260, bands=5),
                           names=("blue", "green", "red", "nir", "swir16"))
    g = guard(folder)
    outcome = front.run(path, tmp_path / "out", model)
    check_failed_cleanly(outcome, tmp_path / "out", g, "takes 4 bands but its manifest lists 5")


def test_manifest_band_that_is_not_a_band_name(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    edit_manifest(model, lambda m: m["inputs"]["bands"][3].update(name="infrared"))
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "manifest.json", "'infrared'", "not a known band common name")


def test_bundle_from_a_newer_product_says_update_the_plugin(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path, format_version=99)
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "manifest.json", "bundle format 99", "update the Cloud Mask plugin")


@pytest.mark.parametrize("version", [0, "1", None])
def test_invalid_format_version(front, scene_path, tmp_path, guard, version):
    model = bundle(tmp_path, format_version=version)
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "manifest.json", "format_version", "not valid")


def test_manifest_of_something_else(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path, format="some-other-tool")
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "not a cloud mask model manifest")


@pytest.mark.parametrize("text", ["{ not json", "", "[1, 2, 3]", "\x00\x01binary"],
                         ids=["broken", "empty", "a-list", "binary"])
def test_manifest_that_is_not_json(front, scene_path, tmp_path, guard, text):
    model = bundle(tmp_path)
    with open(os.path.join(model, "manifest.json"), "w") as f:
        f.write(text)
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "manifest.json")


def test_manifest_missing_a_section(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    edit_manifest(model, lambda m: m.pop("fine"))
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "manifest.json", "no 'fine'")


def test_manifest_names_inputs_the_model_does_not_have(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    edit_manifest(model, lambda m: m["fine"].update(input_name="img"))
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "fine.onnx", "'img'", "re-export the bundle")


def test_manifest_stride_does_not_match_the_coarse_model(front, scene_path, tmp_path, guard):
    """Manifest: 16 x 8 = 128-pixel cells; the model pools 16 x 16 coarse pixels per cell."""
    model = make_toy_bundle(tmp_path / "bundle", downsample=16, stride=8, halo=16)
    _coarse_model(os.path.join(model, "coarse.onnx"), 4, 16)
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "coarse model", "stride", "does not match the model")


def _fine_model_half_resolution(path, channels=4):
    """A fine model whose output is half the window's size (a wrong export)."""
    weight = np.full((1, channels, 1, 1), 40.0 / channels, dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[2, 2], strides=[2, 2]),
         helper.make_node("Conv", ["pooled", "w", "b"], ["logit"]),
         helper.make_node("Sigmoid", ["logit"], ["cloud_prob"])],
        "half_fine",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", channels, "h", "w"])],
        [helper.make_tensor_value_info("cloud_prob", TensorProto.FLOAT, ["n", 1, "h2", "w2"])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(np.array([-12.0], np.float32), "b")],
    )
    save_onnx_graph(graph, path)


def _coarse_model_three_classes(path, channels=4, stride=16):
    weight = np.zeros((3, channels, 1, 1), dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[stride, stride],
                          strides=[stride, stride]),
         helper.make_node("Conv", ["pooled", "w"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["class_prob"], axis=1)],
        "three_class_coarse",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", channels, "h", "w"])],
        [helper.make_tensor_value_info("class_prob", TensorProto.FLOAT, ["n", 3, "gh", "gw"])],
        [numpy_helper.from_array(weight, "w")],
    )
    save_onnx_graph(graph, path)


def test_fine_model_with_the_wrong_output_size(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    _fine_model_half_resolution(os.path.join(model, "fine.onnx"))
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "fine", "re-export")


def test_coarse_model_with_the_wrong_number_of_classes(front, scene_path, tmp_path, guard):
    model = bundle(tmp_path)
    _coarse_model_three_classes(os.path.join(model, "coarse.onnx"))
    outcome, out, g = run_case(front, scene_path, model, tmp_path, guard)
    check_failed_cleanly(outcome, out, g, "coarse", "classes")


def test_a_failing_model_leaves_an_existing_output_untouched(scene_path, tmp_path):
    """The run fails inside the fine pass (after the outputs were opened), with overwrite."""
    good = rh.engine_run(scene_path, tmp_path / "out", bundle(tmp_path, "good"))
    assert good.ok, good.message
    before = rh.snapshot(tmp_path / "out")
    broken = bundle(tmp_path, "broken")
    _fine_model(os.path.join(broken, "fine.onnx"), 3)
    outcome = rh.engine_run(scene_path, tmp_path / "out", broken, overwrite=True)
    outcome.assert_error("takes 3 bands")
    assert rh.snapshot(tmp_path / "out") == before

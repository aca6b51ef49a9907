"""The device choice: the CPU, onnxruntime's CUDA provider, torch's CUDA with TorchScript
models, and what happens when a GPU is listed but does not start. No test needs a GPU."""
import json
import os

import numpy as np
import onnx
import pytest
from osgeo import gdal

from cloud_mask_plugin.core import backend
from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, mask_file
from cloud_mask_plugin.core.backend import resolve_device
from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.cascade import CascadeModels
from cloud_mask_plugin.core.errors import ModelError

from tests.helpers.real_data import write_raster
from tests.helpers.toy_bundle import make_toy_bundle


def _torchscript_toy_models(folder, fmt="pt2"):
    """torch copies of the toy bundle's two models (same weights as its ONNX graphs), named
    in the manifest as the training export would: ``torch.export`` (.pt2) or TorchScript."""
    torch = pytest.importorskip("torch")
    import warnings
    import onnx.numpy_helper as nh

    def weights(name):
        graph = onnx.load(os.path.join(folder, name)).graph
        return {t.name: torch.from_numpy(nh.to_array(t).copy()) for t in graph.initializer}

    class Fine(torch.nn.Module):
        def __init__(self, w):
            super().__init__()
            self.w, self.b = w["w"], w["b"]

        def forward(self, x):
            return torch.sigmoid(torch.nn.functional.conv2d(x, self.w, self.b))

    class Coarse(torch.nn.Module):
        def __init__(self, w, stride):
            super().__init__()
            self.w, self.b, self.stride = w["w"], w["b"], stride

        def forward(self, x):
            pooled = torch.nn.functional.avg_pool2d(x, self.stride, self.stride)
            return torch.softmax(torch.nn.functional.conv2d(pooled, self.w, self.b), dim=1)

    manifest_path = os.path.join(folder, "manifest.json")
    manifest = json.load(open(manifest_path))
    example = torch.rand(2, 4, 32, 32)
    models = {"fine": Fine(weights("fine.onnx")), "coarse": Coarse(weights("coarse.onnx"), manifest["coarse"]["stride"])}
    for role, model in models.items():
        name = f"{role}.{fmt}"
        if fmt == "pt2":
            dims = {"x": {0: torch.export.Dim.AUTO, 2: torch.export.Dim.AUTO, 3: torch.export.Dim.AUTO}}
            torch.export.save(torch.export.export(model, (example,), dynamic_shapes=dims), os.path.join(folder, name))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                torch.jit.trace(model, example).save(os.path.join(folder, name))
        manifest[role]["torchscript"] = name
    json.dump(manifest, open(manifest_path, "w"))
    return folder


@pytest.fixture(scope="module", params=["pt2", "pt"])
def torchscript_bundle(tmp_path_factory, request):
    folder = make_toy_bundle(tmp_path_factory.mktemp("ts"), downsample=2, stride=4, halo=4)
    return _torchscript_toy_models(folder, request.param)


def _pretend_onnxruntime_has_cuda(monkeypatch):
    import onnxruntime

    real = onnxruntime.get_available_providers()
    monkeypatch.setattr(onnxruntime, "get_available_providers", lambda: ["CUDAExecutionProvider"] + real)


def test_cpu_is_onnxruntime_on_the_cpu_whatever_is_installed(monkeypatch, torchscript_bundle):
    _pretend_onnxruntime_has_cuda(monkeypatch)
    monkeypatch.setattr(backend, "_torch_cuda_available", lambda: True)
    choice = resolve_device("cpu", load_bundle(torchscript_bundle))
    assert (choice.kind, choice.runtime, choice.providers) == ("cpu", "onnxruntime", ["CPUExecutionProvider"])


def test_without_any_gpu_auto_runs_on_the_cpu_and_cuda_says_what_to_install(monkeypatch, toy_bundle):
    monkeypatch.setattr(backend, "_torch_cuda_available", lambda: False)
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this onnxruntime has a CUDA provider")
    choice = resolve_device("auto", load_bundle(toy_bundle))
    assert choice.kind == "cpu" and "no CUDA provider" in choice.description
    with pytest.raises(ModelError, match="onnxruntime-gpu"):
        resolve_device("cuda", load_bundle(toy_bundle))


def test_onnxruntime_cuda_is_preferred_when_listed(monkeypatch, torchscript_bundle):
    _pretend_onnxruntime_has_cuda(monkeypatch)
    monkeypatch.setattr(backend, "_torch_cuda_available", lambda: True)
    for requested in ("auto", "cuda", "gpu"):
        choice = resolve_device(requested, load_bundle(torchscript_bundle))
        assert (choice.kind, choice.runtime) == ("cuda", "onnxruntime")
        assert choice.providers[0] == "CUDAExecutionProvider"


def test_a_cuda_provider_that_does_not_start_falls_back_under_auto_only(monkeypatch, tmp_path, toy_bundle):
    """onnxruntime lists CUDA but runs on the CPU (no driver, wrong CUDA): ``auto`` still
    masks, on the CPU, and the report says why; ``cuda`` fails instead of pretending."""
    monkeypatch.setattr(backend, "_torch_cuda_available", lambda: False)
    _pretend_onnxruntime_has_cuda(monkeypatch)
    scene = write_raster(tmp_path / "s.tif", np.random.default_rng(0).uniform(0, 0.6, (4, 40, 40)).astype(np.float32))
    result = mask_file(scene, OutputPaths(mask=str(tmp_path / "m.tif")), MaskOptions(model=toy_bundle))
    assert result.report["device"].startswith("CPU: onnxruntime's CUDA provider did not start")
    assert gdal.Open(str(tmp_path / "m.tif")).GetMetadataItem("CLOUDMASK_DEVICE") == result.report["device"]
    with pytest.raises(ModelError, match="CUDA provider did not start"):
        mask_file(scene, OutputPaths(mask=str(tmp_path / "m2.tif")), MaskOptions(model=toy_bundle, device="cuda"))
    assert not os.path.exists(tmp_path / "m2.tif")


def test_the_cpu_runs_the_int8_copy_and_a_gpu_the_float_model(monkeypatch, tmp_path):
    """``fine.cpu_file`` is what onnxruntime runs on the CPU; a CUDA session keeps ``fine.file``."""
    import shutil

    from cloud_mask_plugin.core.backend import CUDA_PROVIDERS, DeviceChoice, open_session

    folder = make_toy_bundle(tmp_path / "bundle")
    shutil.copy(os.path.join(folder, "fine.onnx"), os.path.join(folder, "fine_int8.onnx"))
    manifest_path = os.path.join(folder, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["fine"]["cpu_file"] = "fine_int8.onnx"
    json.dump(manifest, open(manifest_path, "w"))
    bundle = load_bundle(folder)

    assert os.path.basename(CascadeModels(bundle, resolve_device("cpu")).fine.path) == "fine_int8.onnx"
    # Which file a CUDA session would open (there is no GPU here to open it on).
    opened = []
    monkeypatch.setattr(backend, "ModelSession", lambda path, *args, **kwargs: opened.append(os.path.basename(path)))
    open_session(bundle, bundle.fine, DeviceChoice("cuda", CUDA_PROVIDERS, "GPU: CUDA via onnxruntime"), "fine")
    open_session(bundle, bundle.coarse, resolve_device("cpu"), "coarse")
    assert opened == ["fine.onnx", "coarse.onnx"]


def test_torch_gpu_route_needs_the_bundles_torchscript_files(monkeypatch, toy_bundle, torchscript_bundle):
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this onnxruntime has a CUDA provider, which comes first")
    monkeypatch.setattr(backend, "_torch_cuda_available", lambda: True)
    with_ts = resolve_device("auto", load_bundle(torchscript_bundle))
    assert (with_ts.kind, with_ts.runtime) == ("cuda", "torch")
    without_ts = resolve_device("auto", load_bundle(toy_bundle))
    assert without_ts.kind == "cpu" and "TorchScript" in without_ts.description
    with pytest.raises(ModelError, match="TorchScript"):
        resolve_device("cuda", load_bundle(toy_bundle))


def test_torch_runtime_gives_the_onnx_answer(monkeypatch, tmp_path, torchscript_bundle):
    """The torch route end to end, run on the CPU here (no GPU on the test machine): the
    same mask as onnxruntime, and the report names the route."""
    from cloud_mask_plugin.core import pipeline
    from cloud_mask_plugin.core.backend import DeviceChoice

    rng = np.random.default_rng(5)
    scene = write_raster(tmp_path / "s.tif", rng.uniform(0.0, 0.6, (4, 45, 61)).astype(np.float32))
    reference = OutputPaths(mask=str(tmp_path / "ref.tif"), probability=str(tmp_path / "ref_p.tif"))
    mask_file(scene, reference, MaskOptions(model=torchscript_bundle, device="cpu"))

    torch_on_cpu = DeviceChoice("cpu", [], "CPU: torch (test)", runtime="torch")
    monkeypatch.setattr(pipeline, "resolve_device", lambda requested, bundle=None: torch_on_cpu)
    via_torch = OutputPaths(mask=str(tmp_path / "t.tif"), probability=str(tmp_path / "t_p.tif"))
    result = mask_file(scene, via_torch, MaskOptions(model=torchscript_bundle))
    assert result.report["device"] == "CPU: torch (test)"
    np.testing.assert_array_equal(gdal.Open(via_torch.mask).ReadAsArray(), gdal.Open(reference.mask).ReadAsArray())
    difference = (gdal.Open(via_torch.probability).ReadAsArray().astype(int)
                  - gdal.Open(reference.probability).ReadAsArray().astype(int))
    assert np.abs(difference).max() <= 1  # percent rounding of float differences between runtimes

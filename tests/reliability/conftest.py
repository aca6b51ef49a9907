"""Fixtures for the reliability tests: toy model bundles, the Processing provider, and a
``front`` fixture that runs the same case through the engine, the CLI and the Processing
algorithm."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/ for toy_bundle

from toy_bundle import make_toy_bundle  # noqa: E402

import reliability_helpers as rh  # noqa: E402


@pytest.fixture(scope="session")
def toy(tmp_path_factory):
    """Toy bundle with the default model's geometry: cell 128 (8 x 16), halo 16."""
    return make_toy_bundle(tmp_path_factory.mktemp("rel_toy"), downsample=8, stride=16, halo=16)


@pytest.fixture(scope="session")
def small_toy(tmp_path_factory):
    """Toy bundle with 8-pixel cells, so small rasters cross many cells and seams."""
    return make_toy_bundle(tmp_path_factory.mktemp("rel_toy_small"), downsample=2, stride=4, halo=4)


@pytest.fixture(scope="module")
def cloudmask_provider(qgis_processing):
    """The plugin's Processing provider, registered for this module's tests."""
    from qgis.core import QgsApplication

    from cloud_mask_plugin.processing.provider import CloudMaskProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("cloudmask") is not None:
        yield registry.providerById("cloudmask")
        return
    provider = CloudMaskProvider()
    assert registry.addProvider(provider)
    yield provider
    registry.removeProvider(provider)


class Front:
    """One front end: ``run(input, out_dir, model, bands=None, overwrite=False, polygons=True)``."""

    def __init__(self, name, runner):
        self.name = name
        self._runner = runner

    def run(self, *args, **kwargs) -> rh.Outcome:
        return self._runner(*args, **kwargs)

    def __repr__(self):
        return self.name


@pytest.fixture(params=["engine", "cli", "processing"])
def front(request, capfd):
    if request.param == "engine":
        return Front("engine", rh.engine_run)
    if request.param == "cli":
        return Front("cli", lambda *a, **k: rh.cli_run(*a, capfd=capfd, **k))
    request.getfixturevalue("cloudmask_provider")
    return Front("processing", rh.processing_run)


class InputGuard:
    """Checksums of every file in the input's folder; ``check()`` asserts none changed and
    nothing appeared there (no .aux.xml, no .ovr) except the outputs the test names.

    ``qgis``: the run loaded the input as a QGIS layer (the Processing front end). QGIS
    itself, not the plugin, then caches the band statistics it computes for display in
    GDAL's sidecar ``<input>.aux.xml`` when the layer is released; that one file is
    allowed, the raster's own bytes must still be identical."""

    def __init__(self, folder, qgis=False):
        self.folder = os.fspath(folder)
        self.qgis = qgis
        self.before = rh.snapshot(self.folder)

    def check(self, allowed_new=()):
        import gc

        gc.collect()  # release layers and datasets so anything they would write is written now
        after = rh.snapshot(self.folder)
        for name, digest in self.before.items():
            assert after.get(name) == digest, f"input file {name} was changed or removed"
        allowed = {os.path.basename(p) for p in allowed_new}
        if self.qgis:
            allowed |= {name + ".aux.xml" for name in self.before}
        new = sorted(set(after) - set(self.before) - allowed)
        assert not new, f"files appeared beside the input: {new}"


@pytest.fixture
def guard(request):
    """``guard(folder)`` -> an InputGuard; it knows when the test runs the Processing front."""
    callspec = getattr(request.node, "callspec", None)
    qgis = callspec is not None and callspec.params.get("front") == "processing"
    return lambda folder, qgis=qgis: InputGuard(folder, qgis)

"""Fixtures for the reliability tests: the Processing provider, and a ``front`` fixture that
runs the same case through the engine, the CLI and the Processing algorithm. The toy model
bundles (``toy_bundle``, ``small_toy_bundle``) come from tests/conftest.py."""
import os

import pytest

from tests.helpers import reliability as rh


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

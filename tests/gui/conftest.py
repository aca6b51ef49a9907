"""Fixtures for the desktop interface tests (pytest-qgis provides the QGIS application,
the stub ``qgis_iface`` and ``qgis_new_project``)."""
import pytest
from qgis.core import QgsApplication, QgsSettings

from tests.helpers.gui import wait_until
from tests.helpers.real_data import stack_oncloudn as stack_chip
from tests.helpers.toy_bundle import make_toy_bundle


@pytest.fixture(scope="session")
def scene_path(tmp_path_factory):
    """A real Sentinel-2 scene (On Cloud N chip_1) with band descriptions blue/green/red/nir."""
    return stack_chip("chip_1", tmp_path_factory.mktemp("scene") / "chip_1.tif")


@pytest.fixture(scope="session")
def unnamed_scene_path(tmp_path_factory):
    """The same bands without any band description: the bands cannot be detected."""
    return stack_chip("chip_2", tmp_path_factory.mktemp("unnamed") / "export_without_names.tif", names=None)


@pytest.fixture(scope="session")
def large_scene_path(tmp_path_factory):
    """chip_1 tiled 4 x 4 (2048 x 2048 pixels): long enough a run to cancel in the middle."""
    return stack_chip("chip_1", tmp_path_factory.mktemp("large") / "chip_1_large.tif", repeat=4)


@pytest.fixture(scope="session")
def toy_model(tmp_path_factory):
    """Hand-built bundle with the default bundle's geometry (cell 128, halo 16)."""
    return make_toy_bundle(tmp_path_factory.mktemp("toy_model") / "toy", downsample=8, stride=16, halo=16)


@pytest.fixture(scope="session")
def slow_toy_model(tmp_path_factory):
    """Tiny cells that all go to the fine model: thousands of progress steps per scene."""
    return make_toy_bundle(tmp_path_factory.mktemp("slow_model") / "toy_slow", downsample=2, stride=4, halo=4,
                           min_confidence=1.0)


@pytest.fixture(autouse=True)
def clean_settings():
    """Each test starts from the default panel settings."""
    QgsSettings().remove("cloud_mask")
    yield
    QgsSettings().remove("cloud_mask")


@pytest.fixture
def gui(qgis_iface, qgis_new_project):
    """The installed desktop interface, unloaded after the test."""
    from cloud_mask_plugin.gui import install

    qgis_iface.messageBar().clearWidgets()
    qgis_iface.messageBar().clear_messages()
    installed = install(qgis_iface)
    yield installed
    installed.runner.cancel_all()
    wait_until(lambda: not installed.runner.is_busy(), timeout=10, what="the runs to end")
    installed.unload()
    QgsApplication.processEvents()

"""Fixtures shared by the Processing tests."""
import pytest

from cloud_mask_plugin import classFactory


@pytest.fixture(scope="module")
def plugin(qgis_processing, qgis_iface):
    """The plugin as QGIS desktop loads it: classFactory, then initGui."""
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    yield plugin
    plugin.unload()

"""The desktop interface of Cloud Mask: the panel, the "Mask clouds" actions and the
background runs. ``plugin.py`` calls ``install(iface)`` from ``initGui`` and ``unload()``
on the returned object when QGIS unloads the plugin."""
from typing import List

from qgis.core import QgsMapLayerType
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .. import shipped_path
from ..i18n import install_translator, remove_translator, tr
from .dock import CloudMaskDock
from .jobs import build_job
from .layers import LayerNotMaskable
from .messages import show_error
from .runner import MaskRunner, Run
from .settings import GuiSettings

__all__ = ["install", "CloudMaskGui"]


class CloudMaskGui:
    def __init__(self, iface):
        self.iface = iface
        # Installed before any widget is made, so that every tr() below is translated.
        self.translator = install_translator()
        self.runner = MaskRunner(iface)
        self.dock = CloudMaskDock(iface, self.runner, self.mask_layers, iface.mainWindow())
        iface.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        self.dock.hide()

        icon = QIcon(shipped_path("resources", "icon.svg"))
        self.menu_title = tr("Cloud Mask")
        # "Mask clouds" on the current layer: layer tree context menu of rasters, Raster
        # menu and the Raster toolbar.
        self.mask_action = QAction(icon, tr("Mask clouds"), iface.mainWindow())
        self.mask_action.setObjectName("cloud_mask_mask_layer")
        self.mask_action.setToolTip(tr("Mask the clouds of the selected raster layer with the Cloud Mask "
                                       "panel's settings"))
        self.mask_action.triggered.connect(self.mask_current_layer)
        # The panel's own toggle action shows and hides it and stays in sync with it.
        self.panel_action = self.dock.toggleViewAction()
        self.panel_action.setIcon(icon)
        self.panel_action.setText(tr("Cloud Mask panel"))
        self.panel_action.setObjectName("cloud_mask_panel")

        iface.addCustomActionForLayerType(self.mask_action, "", QgsMapLayerType.RasterLayer, True)
        iface.addPluginToRasterMenu(self.menu_title, self.mask_action)
        iface.addPluginToRasterMenu(self.menu_title, self.panel_action)
        iface.addRasterToolBarIcon(self.mask_action)

    def mask_current_layer(self) -> List[Run]:
        return self.mask_layers([self.iface.activeLayer()])

    def mask_layers(self, layers) -> List[Run]:
        """Queue a run for each layer with the saved settings; a layer that cannot be
        masked gets a message saying why, the others still run."""
        settings = GuiSettings.load()
        runs = []
        for layer in layers:
            try:
                job = build_job(layer, settings)
            except LayerNotMaskable as exc:
                show_error(self.iface, str(exc), exc.details)
                continue
            runs.append(self.runner.submit(job))
        return runs

    def unload(self) -> None:
        self.runner.shutdown()
        self.iface.removeCustomActionForLayerType(self.mask_action)
        self.iface.removePluginRasterMenu(self.menu_title, self.mask_action)
        self.iface.removePluginRasterMenu(self.menu_title, self.panel_action)
        self.iface.removeRasterToolBarIcon(self.mask_action)
        self.dock.disconnect_project()
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.mask_action.deleteLater()
        remove_translator(self.translator)
        self.translator = None


def install(iface) -> CloudMaskGui:
    return CloudMaskGui(iface)

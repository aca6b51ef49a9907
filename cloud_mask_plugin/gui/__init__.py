"""The desktop interface of Cloud Mask: the panel, the "Mask clouds" actions (in the
context menu of each layer that can be masked; in the Raster menu and toolbar for the
layers ticked in the panel) and the background runs. ``plugin.py`` calls
``install(iface)`` from ``initGui`` and ``unload()`` on the returned object when QGIS
unloads the plugin."""
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
        # "Mask clouds" in the context menu of the layers that can be masked: that layer.
        self.mask_action = QAction(icon, tr("Mask clouds"), iface.mainWindow())
        self.mask_action.setObjectName("cloud_mask_mask_layer")
        self.mask_action.setToolTip(tr("Mask the clouds of this raster layer with the Cloud Mask panel's settings"))
        self.mask_action.triggered.connect(self.mask_current_layer)
        # The Raster menu's and toolbar's entry: the layers ticked in the panel, as the
        # panel's button masks them.
        self.mask_ticked_action = QAction(icon, tr("Mask the ticked layers"), iface.mainWindow())
        self.mask_ticked_action.setObjectName("cloud_mask_mask_ticked")
        self.mask_ticked_action.setToolTip(tr("Mask the layers ticked in the Cloud Mask panel with its settings"))
        self.mask_ticked_action.triggered.connect(self.mask_ticked_layers)
        # The panel's own toggle action shows and hides it and stays in sync with it.
        self.panel_action = self.dock.toggleViewAction()
        self.panel_action.setIcon(icon)
        self.panel_action.setText(tr("Cloud Mask panel"))
        self.panel_action.setObjectName("cloud_mask_panel")

        self._offer_mask_action()
        self.dock.layers_listed.connect(self._offer_mask_action)
        iface.addPluginToRasterMenu(self.menu_title, self.panel_action)
        iface.addPluginToRasterMenu(self.menu_title, self.mask_ticked_action)
        iface.addRasterToolBarIcon(self.mask_ticked_action)

    def _offer_mask_action(self) -> None:
        """Put "Mask clouds" in the context menu of the layers that can be masked, and of no
        other: QGIS only adds layers to an action, so the action is registered afresh."""
        self.iface.removeCustomActionForLayerType(self.mask_action)
        self.iface.addCustomActionForLayerType(self.mask_action, "", QgsMapLayerType.RasterLayer, False)
        self.offered_layer_ids = []
        for layer in self.dock.tickable_layers():
            self.iface.addCustomActionForLayer(self.mask_action, layer)
            self.offered_layer_ids.append(layer.id())

    def mask_current_layer(self) -> List[Run]:
        return self.mask_layers([self.iface.activeLayer()])

    def mask_ticked_layers(self) -> List[Run]:
        """The panel's button, from the menu: the panel opens to show the runs (or to ask
        for a tick)."""
        self.dock.show()
        self.dock.raise_()
        return self.dock.mask_checked_layers()

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
                self.dock.runs.add_error(str(exc))
                continue
            runs.append(self.runner.submit(job))
        return runs

    def unload(self) -> None:
        self.runner.shutdown()
        self.iface.removeCustomActionForLayerType(self.mask_action)
        self.iface.removePluginRasterMenu(self.menu_title, self.mask_ticked_action)
        self.iface.removePluginRasterMenu(self.menu_title, self.panel_action)
        self.iface.removeRasterToolBarIcon(self.mask_ticked_action)
        self.dock.disconnect_project()
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.mask_action.deleteLater()
        self.mask_ticked_action.deleteLater()
        remove_translator(self.translator)
        self.translator = None


def install(iface) -> CloudMaskGui:
    return CloudMaskGui(iface)

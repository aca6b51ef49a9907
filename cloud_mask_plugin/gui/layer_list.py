"""The panel's list of raster layers: tick the ones to mask, select one to see its bands.

Layers that can never be masked with the chosen model (a web service, too few bands) are
listed greyed out with the reason as their tooltip, so that the user learns why, but they
cannot be ticked.
"""
from typing import List, Optional, Set

from qgis.core import QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import QListWidget, QListWidgetItem

from ..i18n import tr
from .layers import candidate_layers, refusal
from .widgets import wrapped

LAYER_ID_ROLE = Qt.UserRole
NOT_MASKABLE_COLOR = QColor(128, 128, 128)


class LayerList(QListWidget):
    # The ticked layers changed.
    ticks_changed = pyqtSignal()
    # The selected layer (a QgsRasterLayer, or None) changed.
    layer_selected = pyqtSignal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("layer_list")
        self.setToolTip(wrapped(tr("Tick the layers to mask; select one to see its bands below.")))
        self.setMaximumHeight(140)
        self._checked_ids: Set[str] = set()
        self.itemChanged.connect(self._item_changed)
        self.currentItemChanged.connect(self._current_changed)

    def refresh(self, required_bands: List[str]) -> None:
        """List the project's raster layers again; ticks and the selection stay where they can."""
        current = self.currentItem()
        current_id = current.data(LAYER_ID_ROLE) if current else None
        self.blockSignals(True)
        self.clear()
        for layer in candidate_layers():
            item = QListWidgetItem(layer.name())
            item.setData(LAYER_ID_ROLE, layer.id())
            reason = refusal(layer, required_bands)
            if reason:
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                item.setForeground(QBrush(NOT_MASKABLE_COLOR))
                item.setToolTip(wrapped(reason))
                self._checked_ids.discard(layer.id())
            else:
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked if layer.id() in self._checked_ids else Qt.Unchecked)
                item.setToolTip(layer.source())
            self.addItem(item)
        self._checked_ids &= set(self.listed_layer_ids())
        self.blockSignals(False)
        ids = self.listed_layer_ids()
        row = ids.index(current_id) if current_id in ids else (0 if ids else -1)
        self.setCurrentRow(row)
        if row < 0:
            self.layer_selected.emit(None)
        self.ticks_changed.emit()

    def listed_layer_ids(self) -> List[str]:
        return [self.item(i).data(LAYER_ID_ROLE) for i in range(self.count())]

    def set_layer_checked(self, layer_id: str, checked: bool = True) -> None:
        for i in range(self.count()):
            item = self.item(i)
            if item.data(LAYER_ID_ROLE) == layer_id and item.flags() & Qt.ItemIsUserCheckable:
                item.setCheckState(Qt.Checked if checked else Qt.Unchecked)

    def select_layer(self, layer_id: str) -> None:
        ids = self.listed_layer_ids()
        if layer_id in ids:
            self.setCurrentRow(ids.index(layer_id))

    def tickable_layers(self) -> List[QgsRasterLayer]:
        """The listed layers that can be masked (with the chosen model)."""
        return self._layers(self.item(i).data(LAYER_ID_ROLE) for i in range(self.count())
                            if self.item(i).flags() & Qt.ItemIsUserCheckable)

    def checked_layers(self) -> List[QgsRasterLayer]:
        return self._layers(layer_id for layer_id in self.listed_layer_ids() if layer_id in self._checked_ids)

    def checked_count(self) -> int:
        return len(self._checked_ids)

    @staticmethod
    def _layers(layer_ids) -> List[QgsRasterLayer]:
        project = QgsProject.instance()
        return [layer for layer_id in layer_ids for layer in [project.mapLayer(layer_id)] if layer is not None]

    def _item_changed(self, item: QListWidgetItem) -> None:
        layer_id = item.data(LAYER_ID_ROLE)
        if item.checkState() == Qt.Checked:
            self._checked_ids.add(layer_id)
        else:
            self._checked_ids.discard(layer_id)
        self.ticks_changed.emit()

    def _current_changed(self, current: Optional[QListWidgetItem], _previous=None) -> None:
        self.layer_selected.emit(QgsProject.instance().mapLayer(current.data(LAYER_ID_ROLE)) if current else None)

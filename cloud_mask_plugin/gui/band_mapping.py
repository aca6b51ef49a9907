"""The "Bands" part of the panel: which raster band feeds each model input, for one layer.

It shows the engine's own plan (``plan_input``), so what the user sees is what a run
will do. At the panel's default width it is one line ("Landsat 8/9, 8 of 12 inputs
mapped, scaling from MTL file") and an *Edit bands…* button that unfolds the sensor, the
table of model inputs and raster bands, the scaling and the engine's warnings; it unfolds
by itself when the bands cannot be matched. Every change is stored on the layer (see
``settings.BandChoice``) and the plan is made again from it.
"""
import os
from typing import List, Optional

from qgis.core import QgsRasterLayer
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor, QDoubleValidator
from qgis.PyQt.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QHeaderView,
                                 QLabel, QLineEdit, QPushButton, QSizePolicy, QTableWidget, QTableWidgetItem,
                                 QToolButton, QVBoxLayout, QWidget)

from ..core.api import MaskOptions, plan_input
from ..core.band_files import vrt_band_sources
from ..core.bands import SENSORS
from ..core.bundle import load_bundle
from ..core.errors import CloudMaskError
from ..core.gdal_util import open_raster
from ..i18n import engine_text, tr
from .layers import LayerNotMaskable, gdal_source
from .settings import BandChoice, read_band_choice, write_band_choice
from .widgets import change_only_on_purpose, compact_combo, guard_value_widgets, narrow_form, wrapped

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"
OPTIONAL_COLOR = QColor(110, 110, 110)


class BandMappingWidget(QWidget):
    # The band choice of the shown layer changed (by the user).
    choice_changed = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._layer: Optional[QgsRasterLayer] = None
        self._model: Optional[str] = None
        self._bundle = None
        self._plan = None
        self._updating = False

        # The one line shown at the default width, and the button that unfolds the rest.
        self.summary = QLabel()
        self.summary.setObjectName("band_summary")
        self.summary.setWordWrap(True)
        self.edit_button = QToolButton()
        self.edit_button.setObjectName("edit_bands")
        self.edit_button.setText(tr("Edit bands…"))
        self.edit_button.setCheckable(True)
        self.edit_button.setToolTip(wrapped(tr("Show which raster band feeds each model input, the sensor and the "
                                               "scaling.")))
        self.details = QWidget()
        self.details.setObjectName("band_details")

        self.sensor_combo = QComboBox()
        self.sensor_combo.setObjectName("sensor_combo")
        compact_combo(self.sensor_combo)
        self.sensor_combo.setToolTip(wrapped(tr("The sensor the raster comes from: its band ids (B02, SR_B4…) and "
                                        "scaling are then read with that sensor's table.")))
        self.sensor_combo.addItem(tr("Detect automatically"), "")
        for key, sensor in SENSORS.items():
            self.sensor_combo.addItem(sensor.title, key)

        self.table = QTableWidget(0, 2)
        self.table.setObjectName("band_table")
        self.table.setHorizontalHeaderLabels([tr("Input"), tr("Band")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Minimum)

        self.own_scaling = QCheckBox(tr("Set the scaling myself"))
        self.own_scaling.setObjectName("own_scaling")
        self.own_scaling.setToolTip(wrapped(tr("reflectance = DN × scale + offset, for every band. "
                                       "Sentinel-2 from 2022: scale 0.0001, offset -0.1; "
                                       "Landsat Collection 2 Level-2: scale 2.75e-05, offset -0.2.")))
        self.scale_edit = QLineEdit()
        self.scale_edit.setObjectName("scale_edit")
        self.offset_edit = QLineEdit()
        self.offset_edit.setObjectName("offset_edit")
        for edit in (self.scale_edit, self.offset_edit):
            validator = QDoubleValidator(edit)
            validator.setNotation(QDoubleValidator.ScientificNotation)
            edit.setValidator(validator)

        self.status = QLabel()
        self.status.setObjectName("band_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.reset_button = QPushButton(tr("Detect again"))
        self.reset_button.setToolTip(wrapped(tr("Forget the choices made here for this layer and use what is "
                                                "detected.")))

        form = narrow_form(QFormLayout())
        form.addRow(tr("Sensor"), self.sensor_combo)
        # One row each: side by side, at the panel's width, the numbers were cut (".0001").
        scaling_rows = narrow_form(QFormLayout())
        scaling_rows.addRow(tr("scale"), self.scale_edit)
        scaling_rows.addRow(tr("offset"), self.offset_edit)

        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addLayout(form)
        details.addWidget(self.table)
        details.addWidget(self.own_scaling)
        details.addLayout(scaling_rows)
        details.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        details.addLayout(buttons)
        self.details.setVisible(False)

        # The summary gets the whole width; the button sits under it.
        edit_row = QHBoxLayout()
        self.path_label = QLabel()
        self.path_label.setObjectName("band_path")
        edit_row.addWidget(self.path_label)
        edit_row.addStretch(1)
        edit_row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addLayout(edit_row)
        layout.addWidget(self.details)
        self.edit_button.toggled.connect(self.details.setVisible)

        self.sensor_combo.currentIndexChanged.connect(self._sensor_changed)
        self.own_scaling.toggled.connect(self._own_scaling_toggled)
        self.scale_edit.editingFinished.connect(self._scaling_edited)
        self.offset_edit.editingFinished.connect(self._scaling_edited)
        self.reset_button.clicked.connect(self._reset)
        guard_value_widgets(self)
        self.refresh()

    # -- inputs ------------------------------------------------------------------------
    def set_layer(self, layer: Optional[QgsRasterLayer]) -> None:
        self._layer = layer
        self.refresh()

    def set_model(self, model: Optional[str]) -> None:
        self._model = model or None
        self.refresh()

    def layer(self) -> Optional[QgsRasterLayer]:
        return self._layer

    def plan(self):
        """The engine's plan for the shown layer, or None when it cannot be made."""
        return self._plan

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._updating = True
        try:
            self._refresh()
        finally:
            self._updating = False

    def _refresh(self) -> None:
        self._plan = None
        layer = self._layer
        self.table.setRowCount(0)
        if layer is None:
            self._set_summary(tr("Select a layer in the list above to see and change its bands."))
            self._set_editable(False)
            self._set_status("")
            return
        try:
            self._bundle = load_bundle(self._model)
        except CloudMaskError as exc:
            self._bundle = None
            self._set_editable(False)
            self._set_summary(engine_text(exc), ERROR_STYLE)
            self._set_status(str(exc), ERROR_STYLE)
            return
        try:
            source = gdal_source(layer)
        except LayerNotMaskable as exc:
            self._set_editable(False)
            self._set_summary(str(exc), ERROR_STYLE)
            self._set_status("")
            return
        self._set_editable(True)

        choice = read_band_choice(layer)
        error = None
        try:
            self._plan = plan_input(source, MaskOptions(bands=choice.bands, sensor=choice.sensor, scale=choice.scale,
                                                        offset=choice.offset, model=self._model))
            # A bundle of band paths: the table lists the bands of the path that runs on this layer.
            self._bundle = self._plan.bundle or self._bundle
        except CloudMaskError as exc:
            error = exc

        self.sensor_combo.setCurrentIndex(max(self.sensor_combo.findData(choice.sensor or ""), 0))
        self._fill_table(layer, choice)
        self._show_scaling(choice)

        if error is not None:
            # The table is where it gets fixed: unfold it.
            self._set_summary(engine_text(error), ERROR_STYLE)
            self._set_status(tr("Choose the raster band of each model input above, or the sensor."), ERROR_STYLE)
            self.summary.setToolTip(wrapped(str(error)))   # the engine's full message
            self.edit_button.setChecked(True)
            return
        self.summary.setToolTip("")
        plan = self._plan
        self._set_summary(tr("{naming}, {mapped} of {inputs} inputs mapped, scaling: {scaling}").format(
            naming=naming_summary(plan), mapped=len(plan.source_bands), inputs=len(self._bundle.band_names),
            scaling=scaling_summary(plan.scaling_source)))
        # A bundle of band paths: which path runs, beside the Edit button (no extra line), why in its tooltip.
        self.path_label.setText(tr("{path} path").format(path=self._bundle.path_name) if plan.band_path else "")
        self.path_label.setToolTip(wrapped(plan.band_path) if plan.band_path else "")
        self._set_status("\n".join(engine_text(warning) for warning in plan.warnings), WARNING_STYLE)

    def _fill_table(self, layer: QgsRasterLayer, choice: BandChoice) -> None:
        bands = self._bundle.bands
        labels = band_labels(layer)
        self.table.setRowCount(len(bands))
        for row, band in enumerate(bands):
            # A sensor-independent model takes its further bands when the raster has them:
            # those rows are grey and in italics; the wavelength is in the tooltip.
            item = QTableWidgetItem(band.name)
            if band.name in self._bundle.required_bands:
                item.setToolTip(tr("{name}: {wavelength:g} nm, needed").format(
                    name=band.name, wavelength=band.wavelength_nm))
            else:
                item.setToolTip(tr("{name}: {wavelength:g} nm, optional (used when the raster has it)").format(
                    name=band.name, wavelength=band.wavelength_nm))
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setForeground(QBrush(OPTIONAL_COLOR))
            self.table.setItem(row, 0, item)
            combo = change_only_on_purpose(compact_combo(QComboBox()))
            combo.addItem(tr("— not set —"), 0)
            for index, label in enumerate(labels, start=1):
                combo.addItem(label, index)
                combo.setItemData(index, label, Qt.ToolTipRole)
            combo.setCurrentIndex(max(combo.findData(self._chosen_band(band.name, choice)), 0))
            combo.currentIndexChanged.connect(self._band_changed)
            self.table.setCellWidget(row, 1, combo)
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(bands)))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth())

    def _chosen_band(self, name: str, choice: BandChoice) -> int:
        if self._plan is not None:
            # By name: a sensor-independent model is fed only the bands the raster has.
            return self._plan.mapping_dict().get(name, 0)
        if choice.bands and name in choice.bands:
            return choice.bands.index(name) + 1
        return 0

    def _show_scaling(self, choice: BandChoice) -> None:
        own = choice.scale is not None or choice.offset is not None
        self.own_scaling.setChecked(own)
        self.scale_edit.setEnabled(own)
        self.offset_edit.setEnabled(own)
        if own:
            scale, offset = (1.0 if choice.scale is None else choice.scale), (choice.offset or 0.0)
        elif self._plan is not None and len(set(self._plan.scales)) == 1 and len(set(self._plan.offsets)) == 1:
            scale, offset = self._plan.scales[0], self._plan.offsets[0]
        else:
            self.scale_edit.clear()
            self.offset_edit.clear()
            return
        self.scale_edit.setText(f"{scale:g}")
        self.offset_edit.setText(f"{offset:g}")

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.sensor_combo, self.table, self.own_scaling, self.reset_button):
            widget.setEnabled(editable)
        if not editable:
            self.scale_edit.setEnabled(False)
            self.offset_edit.setEnabled(False)

    def _set_summary(self, text: str, style: str = "") -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet(style)

    def _set_status(self, text: str, style: str = "") -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)

    # -- user changes ------------------------------------------------------------------
    def band_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, 1)

    def _band_changed(self) -> None:
        if self._updating or self._layer is None or self._bundle is None:
            return
        chosen: List[int] = [self.band_combo(row).currentData() for row in range(self.table.rowCount())]
        used = [band for band in chosen if band]
        repeated = sorted({band for band in used if used.count(band) > 1})
        if repeated:
            # One raster band cannot be two spectral bands; keep the stored choice until
            # the user picks a different band for one of the rows.
            self._set_status(tr("Raster band {band} is chosen for more than one model input; "
                                "choose a different band for each.").format(band=repeated[0]), ERROR_STYLE)
            return
        names: List[Optional[str]] = [None] * self._layer.bandCount()
        for model_band, raster_band in zip(self._bundle.band_names, chosen):
            if raster_band:
                names[raster_band - 1] = model_band
        choice = read_band_choice(self._layer)
        choice.bands = names
        self._store(choice)

    def _sensor_changed(self) -> None:
        if self._updating or self._layer is None:
            return
        choice = read_band_choice(self._layer)
        choice.sensor = self.sensor_combo.currentData() or None
        # A preset names the bands by their ids; a list made by hand would override it.
        choice.bands = None
        self._store(choice)

    def _own_scaling_toggled(self, checked: bool) -> None:
        if self._updating or self._layer is None:
            return
        choice = read_band_choice(self._layer)
        if checked:
            choice.scale = _parse(self.scale_edit.text(), 1.0)
            choice.offset = _parse(self.offset_edit.text(), 0.0)
        else:
            choice.scale = choice.offset = None
        self._store(choice)

    def _scaling_edited(self) -> None:
        if self._updating or self._layer is None or not self.own_scaling.isChecked():
            return
        choice = read_band_choice(self._layer)
        choice.scale = _parse(self.scale_edit.text(), 1.0)
        choice.offset = _parse(self.offset_edit.text(), 0.0)
        self._store(choice)

    def _reset(self) -> None:
        if self._layer is None:
            return
        self._store(BandChoice())

    def _store(self, choice: BandChoice) -> None:
        write_band_choice(self._layer, choice)
        self.refresh()
        self.choice_changed.emit()


def band_labels(layer: QgsRasterLayer):
    """The name of each raster band as QGIS shows it, with its source file's name when the
    layer is a VRT of one file per band ("Band 04 (l8_B2)"), so the mapping can be checked
    without opening the VRT."""
    labels = [layer.bandName(index) for index in range(1, layer.bandCount() + 1)]
    try:
        sources = vrt_band_sources(open_raster(gdal_source(layer))) or []
    except (CloudMaskError, LayerNotMaskable):
        sources = []
    if len(sources) != len(labels):
        return labels
    return [tr("{band} ({file})").format(band=label, file=os.path.splitext(os.path.basename(source))[0])
            for label, source in zip(labels, sources)]


def naming_summary(plan) -> str:
    """Where the band names came from, in a few words: the sensor when one was recognised."""
    if plan.sensor in SENSORS:
        return SENSORS[plan.sensor].title
    if plan.naming_source == "band list given by the user":
        return tr("your band list")
    if plan.naming_source.startswith("band descriptions"):
        return tr("band names")
    return tr("detected bands")


def scaling_summary(source: str) -> str:
    """The engine's scaling source (``InputPlan.scaling_source``) in a few words."""
    if source == "given by the user":
        return tr("yours")
    if source == "GDAL band scale/offset":
        return tr("the raster's")
    if "TOA reflectance, sun elevation" in source:
        return tr("MTL file")
    if source.startswith("Sentinel-2 processing baseline"):
        return tr("product name")
    if source.startswith("assumed"):
        return tr("guessed")
    if "preset" in source:
        return tr("sensor preset")
    return tr("band files")


def _parse(text: str, default: float) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return default

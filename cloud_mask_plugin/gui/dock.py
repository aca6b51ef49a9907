"""The Cloud Mask panel: layers to mask, their bands, the model and where results go.

Settings that hold for every layer are saved to QgsSettings as soon as they change, so
the "Mask clouds" action of the layer menu (which reads them back) always runs with what
the panel shows. The panel reads at its default width (``DEFAULT_WIDTH``): the band
mapping is one line until the user unfolds it, and the runs show under the button below
the scrolling settings (``runs.RunsPanel``).
"""
import os
from typing import Callable, List, Optional

from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsFileWidget
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QFrame, QHBoxLayout,
                                 QLabel, QScrollArea, QToolButton, QVBoxLayout, QWidget)

from ..core.bundle import DEFAULT_BUNDLE_DIR, load_bundle
from ..core.errors import CloudMaskError
from ..i18n import engine_text, tr
from .band_mapping import ERROR_STYLE, BandMappingWidget
from .devices import device_labels, device_text
from .installer import InstallBanner
from .layer_list import LayerList
from .messages import show_error
from .runner import MaskRunner, Run
from .runs import RunRow, RunsPanel
from .settings import OUTPUT_FOLDER, OUTPUT_TEMPORARY, GuiSettings
from .widgets import compact_combo, guard_value_widgets, narrow_form, wrapped

# QGIS gives a new dock about this width; everything must read at it.
DEFAULT_WIDTH = 300


class CloudMaskDock(QgsDockWidget):
    # The list of layers was made again (layers added or removed, another model chosen).
    layers_listed = pyqtSignal()

    def __init__(self, iface, runner: MaskRunner, start_runs: Callable[[List[QgsRasterLayer]], List[Run]],
                 parent=None):
        super().__init__(tr("Cloud Mask"), parent)
        self.setObjectName("CloudMaskDock")
        self.iface = iface
        self.runner = runner
        self._start_runs = start_runs
        self.settings = GuiSettings.load()
        self._required_bands: List[str] = []
        self._device_shown = False
        self._first_shown = False
        self._loading = True

        self.install_banner = InstallBanner()
        self.install_banner.installed.connect(self.update_device_label)
        self.runs = RunsPanel(runner, self.mask_checked_layers)
        self.mask_button = self.runs.mask_button
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._build_layers_box())
        layout.addWidget(self._build_bands_box())
        self.layer_list.layer_selected.connect(self.band_mapping.set_layer)
        layout.addWidget(self._build_model_box())
        layout.addWidget(self._build_outputs_box())
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(content)
        frame = QWidget()
        outer = QVBoxLayout(frame)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.install_banner)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.runs)
        self.setWidget(frame)
        guard_value_widgets(content)

        self._fill_models()
        self._show_settings()
        self._loading = False
        self.refresh_layers()

        project = QgsProject.instance()
        project.layersAdded.connect(self._project_layers_changed)
        project.layersRemoved.connect(self._project_layers_changed)
        project.cleared.connect(self._project_layers_changed)

    def sizeHint(self):  # noqa: N802 - Qt API
        hint = super().sizeHint()
        hint.setWidth(DEFAULT_WIDTH)
        return hint

    # -- building ------------------------------------------------------------------------
    def _build_layers_box(self) -> QWidget:
        box = QgsCollapsibleGroupBox(tr("Raster layers"))
        self.layer_list = LayerList()
        self.layer_list.ticks_changed.connect(self._update_mask_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.layer_list)
        return box

    def _build_bands_box(self) -> QWidget:
        box = QgsCollapsibleGroupBox(tr("Bands"))
        self.band_mapping = BandMappingWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(self.band_mapping)
        return box

    def _build_model_box(self) -> QWidget:
        box = QgsCollapsibleGroupBox(tr("Model"))
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("model_combo")
        compact_combo(self.model_combo)
        # Icon buttons (QGIS's own add/remove icons) keep the row narrow in every language;
        # the text stays for screen readers and as a fallback when an icon is missing.
        self.add_model_button = QToolButton()
        self.add_model_button.setText(tr("Add…"))
        self.add_model_button.setIcon(QgsApplication.getThemeIcon("/symbologyAdd.svg"))
        self.add_model_button.setToolTip(wrapped(tr("Add a model bundle folder (manifest.json, coarse.onnx, "
                                                    "fine.onnx).")))
        self.remove_model_button = QToolButton()
        self.remove_model_button.setText(tr("Remove"))
        self.remove_model_button.setIcon(QgsApplication.getThemeIcon("/symbologyRemove.svg"))
        self.remove_model_button.setToolTip(wrapped(tr("Remove the chosen model from this list (its files are "
                                                       "kept).")))
        self.model_info = QLabel()
        self.model_info.setObjectName("model_info")
        self.model_info.setWordWrap(True)

        self.device_combo = QComboBox()
        self.device_combo.setObjectName("device_combo")
        compact_combo(self.device_combo)
        for key, label in device_labels().items():
            self.device_combo.addItem(label, key)
        self.device_label = QLabel()
        self.device_label.setObjectName("device_label")
        self.device_label.setWordWrap(True)

        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setObjectName("threshold_spin")
        self.threshold_spin.setRange(0.0, 0.99)
        self.threshold_spin.setSingleStep(0.05)
        self.threshold_spin.setDecimals(2)
        self.threshold_spin.setToolTip(wrapped(tr("Cloud probability from which a pixel counts as cloud. "
                                                  "Lower finds more thin cloud, higher fewer false clouds.")))
        # The threshold is remembered across sessions and layers: a visible way back.
        self.threshold_reset = QToolButton()
        self.threshold_reset.setObjectName("threshold_reset")
        self.threshold_reset.setText(tr("Reset"))
        self.threshold_reset.setIcon(QgsApplication.getThemeIcon("/mActionUndo.svg"))
        self.threshold_reset.setToolTip(wrapped(tr("Go back to the model's own threshold.")))
        self.threshold_reset.clicked.connect(lambda _checked=False: self.threshold_spin.setValue(0.0))

        # The model's name gets the whole width of the panel; its buttons sit on the row above.
        model_row = QHBoxLayout()
        model_row.addWidget(QLabel(tr("Model")), 1)
        model_row.addWidget(self.add_model_button)
        model_row.addWidget(self.remove_model_button)
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(self.threshold_spin, 1)
        threshold_row.addWidget(self.threshold_reset)
        form = narrow_form(QFormLayout(box))
        form.addRow(model_row)
        form.addRow(self.model_combo)
        form.addRow(self.model_info)
        form.addRow(tr("Device"), self.device_combo)
        form.addRow("", self.device_label)
        form.addRow(tr("Threshold"), threshold_row)

        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.add_model_button.clicked.connect(self._choose_model_folder)
        self.remove_model_button.clicked.connect(self._remove_model)
        self.device_combo.currentIndexChanged.connect(self._device_changed)
        self.threshold_spin.valueChanged.connect(self._settings_changed)
        self.threshold_spin.valueChanged.connect(self._update_threshold_reset)
        return box

    def _build_outputs_box(self) -> QWidget:
        box = QgsCollapsibleGroupBox(tr("Results"))
        self.mask_check = QCheckBox(tr("Cloud mask"))
        self.mask_check.setChecked(True)
        self.mask_check.setEnabled(False)
        self.mask_check.setToolTip(wrapped(tr("Always written: 0 clear, 1 cloud, 255 no data.")))
        self.probability_check = QCheckBox(tr("Cloud probability"))
        self.polygons_check = QCheckBox(tr("Cloud polygons"))
        self.coarse_grid_check = QCheckBox(tr("Coarse grid"))
        self.coarse_grid_check.setToolTip(wrapped(tr("The coarse model's verdict per cell: cloudless, overcast, "
                                                     "partly cloudy (sent to the fine model) or no data.")))
        self.masked_image_check = QCheckBox(tr("Masked image"))
        self.masked_image_check.setObjectName("masked_image_check")
        self.masked_image_check.setToolTip(wrapped(tr("A copy of the image with cloud pixels (and the polygon "
                                                      "buffer) set to no data: all bands, same type and grid, for "
                                                      "mosaics and classifications.")))
        self.output_mode_combo = QComboBox()
        self.output_mode_combo.setObjectName("output_mode_combo")
        compact_combo(self.output_mode_combo)
        self.output_mode_combo.addItem(tr("Temporary files"), OUTPUT_TEMPORARY)
        self.output_mode_combo.addItem(tr("A folder"), OUTPUT_FOLDER)
        self.output_mode_combo.setToolTip(wrapped(tr("Temporary files are deleted when QGIS closes; save the layers "
                                                     "(Export > Save As…) to keep them.")))
        self.folder_widget = QgsFileWidget()
        self.folder_widget.setObjectName("folder_widget")
        self.folder_widget.setStorageMode(QgsFileWidget.GetDirectory)
        self.folder_widget.setDialogTitle(tr("Folder for the cloud mask results"))
        self.overwrite_check = QCheckBox(tr("Replace existing files"))

        grid = QVBoxLayout(box)
        for check in (self.mask_check, self.probability_check, self.polygons_check, self.coarse_grid_check,
                      self.masked_image_check):
            grid.addWidget(check)
        form = narrow_form(QFormLayout())
        form.addRow(tr("Save to"), self.output_mode_combo)
        form.addRow("", self.folder_widget)
        form.addRow("", self.overwrite_check)
        grid.addLayout(form)

        for check in (self.probability_check, self.polygons_check, self.coarse_grid_check, self.masked_image_check,
                      self.overwrite_check):
            check.toggled.connect(self._settings_changed)
        self.output_mode_combo.currentIndexChanged.connect(self._settings_changed)
        self.folder_widget.fileChanged.connect(self._settings_changed)
        return box

    # -- settings ------------------------------------------------------------------------
    def _show_settings(self) -> None:
        s = self.settings
        self.device_combo.setCurrentIndex(max(self.device_combo.findData(s.device), 0))
        self.threshold_spin.setValue(s.threshold)
        self._update_threshold_reset()
        self.probability_check.setChecked(s.write_probability)
        self.polygons_check.setChecked(s.write_polygons)
        self.coarse_grid_check.setChecked(s.write_coarse_grid)
        self.masked_image_check.setChecked(s.write_masked_image)
        self.output_mode_combo.setCurrentIndex(max(self.output_mode_combo.findData(s.output_mode), 0))
        self.folder_widget.setFilePath(s.output_folder)
        self.overwrite_check.setChecked(s.overwrite)
        self._update_output_widgets()

    def _settings_changed(self, *_args) -> None:
        if self._loading:
            return
        s = self.settings
        s.device = self.device_combo.currentData()
        s.threshold = round(self.threshold_spin.value(), 2)
        s.write_probability = self.probability_check.isChecked()
        s.write_polygons = self.polygons_check.isChecked()
        s.write_coarse_grid = self.coarse_grid_check.isChecked()
        s.write_masked_image = self.masked_image_check.isChecked()
        s.output_mode = self.output_mode_combo.currentData()
        s.output_folder = self.folder_widget.filePath()
        s.overwrite = self.overwrite_check.isChecked()
        s.save()
        self._update_output_widgets()

    def _update_threshold_reset(self, *_args) -> None:
        self.threshold_reset.setEnabled(self.threshold_spin.value() > 0)

    def _update_output_widgets(self) -> None:
        to_folder = self.output_mode_combo.currentData() == OUTPUT_FOLDER
        self.folder_widget.setEnabled(to_folder)
        self.overwrite_check.setEnabled(to_folder)

    # -- models --------------------------------------------------------------------------
    def _fill_models(self) -> None:
        """The bundled default (when installed) and the folders the user added."""
        self._loading, was_loading = True, self._loading
        self.model_combo.clear()
        try:
            bundle = load_bundle(DEFAULT_BUNDLE_DIR)
            # The name alone ("Default: " cut it at the panel's width); the tooltip says it is the shipped one.
            self.model_combo.addItem(f"{bundle.name} {bundle.version}", "")
            self.model_combo.setItemData(0, tr("The model shipped with the plugin (the default)"), Qt.ToolTipRole)
        except CloudMaskError:
            self.model_combo.addItem(tr("Default model (not installed)"), "")
        for folder in self.settings.user_models:
            try:
                bundle = load_bundle(folder)
                label = tr("{name} {version} ({folder})").format(name=bundle.name, version=bundle.version,
                                                                 folder=os.path.basename(folder.rstrip("/\\")))
            except CloudMaskError:
                label = tr("Unusable: {folder}").format(folder=folder)
            self.model_combo.addItem(label, folder)
            self.model_combo.setItemData(self.model_combo.count() - 1, folder, Qt.ToolTipRole)
        index = self.model_combo.findData(self.settings.model)
        self.model_combo.setCurrentIndex(max(index, 0))
        self._loading = was_loading
        self._show_model()

    def _model_changed(self) -> None:
        if self._loading:
            return
        self.settings.model = self.model_combo.currentData() or ""
        self.settings.save()
        self._show_model()

    def _show_model(self) -> None:
        model = self.settings.model or None
        self.remove_model_button.setEnabled(bool(model))
        try:
            bundle = load_bundle(model)
        except CloudMaskError as exc:
            self._required_bands = []
            self.model_info.setText(engine_text(exc))
            self.model_info.setToolTip(wrapped(str(exc)))
            self.model_info.setStyleSheet(ERROR_STYLE)
            self.threshold_spin.setSpecialValueText(tr("Model default"))
        else:
            # The required bands by name; the optional ones (up to 8 for the default model)
            # only counted, so the line stays short.
            required = [name for name in bundle.band_names if name in bundle.required_bands]
            optional = len(bundle.band_names) - len(required)
            info = [tr("Inputs: {bands}").format(bands=", ".join(required)) + (
                tr(" (+{count} optional)").format(count=optional) if optional else "")]
            if bundle.paths:   # band paths: the richest path's further bands, used when a raster has them all
                extra = [name for name in bundle.paths[0].band_names if name not in bundle.band_names]
                info[0] += tr(" (+{bands} when the raster has them)").format(bands=", ".join(extra))
            if bundle.license:
                # A line of its own, with non-breaking hyphens: "CC-BY-4.0" must not wrap.
                info.append(tr("License: {license}").format(license=bundle.license.replace("-", "\u2011")))
            self.model_info.setText("\n".join(info))
            self.model_info.setToolTip("")
            self.model_info.setStyleSheet("")
            self._required_bands = list(bundle.required_bands)
            thresholds = sorted({path.fine.threshold for path in bundle.paths or [bundle]})
            if len(thresholds) == 1:
                default = tr("Model default ({threshold:g})").format(threshold=thresholds[0])
            else:   # band paths whose models were thresholded apart
                default = tr("Model default ({thresholds})").format(thresholds=" / ".join(f"{t:g}" for t in thresholds))
            self.threshold_spin.setSpecialValueText(default)
        self.band_mapping.set_model(model)
        if not self._loading:
            self.refresh_layers()

    def _choose_model_folder(self) -> None:
        start = self.settings.user_models[-1] if self.settings.user_models else os.path.expanduser("~")
        folder = QFileDialog.getExistingDirectory(self, tr("Choose a model bundle folder"), start)
        if folder:
            self.add_model_folder(folder)

    def add_model_folder(self, folder: str) -> bool:
        """Check the bundle in ``folder``, remember it and choose it; False (and a message)
        when it is not a usable bundle."""
        folder = os.path.abspath(folder)
        try:
            load_bundle(folder)
        except CloudMaskError as exc:
            show_error(self.iface, tr("This folder is not a usable model: {reason}").format(reason=engine_text(exc)),
                       str(exc))
            return False
        if folder not in self.settings.user_models:
            self.settings.user_models.append(folder)
        self.settings.model = folder
        self.settings.save()
        self._fill_models()
        return True

    def _remove_model(self) -> None:
        folder = self.model_combo.currentData()
        if not folder:
            return
        self.settings.user_models = [f for f in self.settings.user_models if f != folder]
        self.settings.model = ""
        self.settings.save()
        self._fill_models()

    # -- device --------------------------------------------------------------------------
    def _device_changed(self) -> None:
        self._settings_changed()
        self.update_device_label()

    def update_device_label(self) -> None:
        """Say which device would really run and why (asks onnxruntime, so done only once
        the panel is shown rather than at QGIS start-up)."""
        self._device_shown = True
        self.install_banner.refresh()
        self.device_label.setText(device_text(self.device_combo.currentData(), self.settings.model or None))

    def showEvent(self, event):  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._device_shown:
            self.update_device_label()
        if not self._first_shown:
            self._first_shown = True
            self.tick_active_layer()

    def tick_active_layer(self) -> None:
        """When nothing is ticked yet, tick (and show the bands of) the layer that is active in
        QGIS if it can be masked, so that "Mask clouds" is ready at once."""
        layer = self.iface.activeLayer()
        if self.layer_list.checked_count() or layer is None or layer.id() not in self.listed_layer_ids():
            return
        self.select_layer(layer.id())
        self.set_layer_checked(layer.id())

    # -- layers --------------------------------------------------------------------------
    def _project_layers_changed(self, *_args) -> None:
        self.refresh_layers()

    def refresh_layers(self) -> None:
        self.layer_list.refresh(self._required_bands)
        self.layers_listed.emit()

    def listed_layer_ids(self) -> List[str]:
        return self.layer_list.listed_layer_ids()

    def set_layer_checked(self, layer_id: str, checked: bool = True) -> None:
        self.layer_list.set_layer_checked(layer_id, checked)

    def select_layer(self, layer_id: str) -> None:
        self.layer_list.select_layer(layer_id)

    def tickable_layers(self) -> List[QgsRasterLayer]:
        return self.layer_list.tickable_layers()

    def checked_layers(self) -> List[QgsRasterLayer]:
        return self.layer_list.checked_layers()

    def _update_mask_button(self) -> None:
        count = self.layer_list.checked_count()
        self.mask_button.setEnabled(count > 0)
        self.mask_button.setText(tr("Mask clouds") if count <= 1 else
                                 tr("Mask clouds ({count} layers)").format(count=count))

    # -- running -------------------------------------------------------------------------
    def mask_checked_layers(self) -> List[Run]:
        layers = self.checked_layers()
        if not layers:
            self.runs.say(tr("Tick at least one raster layer to mask."))
            return []
        self.runs.say("")
        return self._start_runs(layers)

    def run_row(self, run: Run) -> Optional[RunRow]:
        return self.runs.row(run)

    # -- teardown ------------------------------------------------------------------------
    def disconnect_project(self) -> None:
        project = QgsProject.instance()
        for signal in (project.layersAdded, project.layersRemoved, project.cleared):
            try:
                signal.disconnect(self._project_layers_changed)
            except TypeError:
                pass

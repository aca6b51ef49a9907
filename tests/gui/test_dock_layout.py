"""The panel as an analyst sees it at QGIS's default dock width: the band mapping reads,
layers that cannot be masked say why, a run shows under the button, a re-run replaces."""
import numpy as np
import pytest
from osgeo import gdal
from qgis.core import QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import QPoint, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QScrollArea

from cloud_mask_plugin.gui.dock import DEFAULT_WIDTH
from cloud_mask_plugin.gui.results import group_name
from cloud_mask_plugin.gui.settings import OUTPUT_FOLDER

from tests.helpers.gui import plain_text, wait_until


def add_raster(path, name):
    layer = QgsRasterLayer(str(path), name, "gdal")
    assert layer.isValid(), path
    QgsProject.instance().addMapLayer(layer)
    return layer


def single_band_raster(path):
    ds = gdal.GetDriverByName("GTiff").Create(str(path), 64, 64, 1, gdal.GDT_UInt16)
    ds.SetGeoTransform((500000, 10, 0, 9000000, 0, -10))
    ds.GetRasterBand(1).WriteArray(np.full((64, 64), 1200, dtype=np.uint16))
    ds = None
    return path


@pytest.fixture
def shown_dock(gui):
    """The panel shown at its default width (QGIS's offscreen platform lays it out as a
    window of that size)."""
    dock = gui.dock
    dock.setFloating(True)
    dock.resize(DEFAULT_WIDTH, 600)
    dock.show()
    QTest.qWaitForWindowExposed(dock)
    QTest.qWait(50)
    yield dock
    dock.hide()


def visible_in_dock(dock, widget):
    """True when ``widget`` is shown and lies inside the dock's visible area."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(dock, QPoint(0, 0))
    return (0 <= top_left.x() and top_left.x() + widget.width() <= dock.width()
            and 0 <= top_left.y() and top_left.y() + widget.height() <= dock.height())


def test_default_width_shows_a_mapping_summary_and_a_table_that_fits(gui, shown_dock, scene_path, model_bundle):
    layer = add_raster(scene_path, "chip_1")
    dock = shown_dock
    dock.select_layer(layer.id())
    mapping = dock.band_mapping
    inputs = mapping.table.rowCount()
    assert mapping.summary.text() == f"band names, 4 of {inputs} inputs mapped, scaling: guessed"
    assert mapping.path_label.text() == "rgbn path" and visible_in_dock(dock, mapping.path_label)
    assert visible_in_dock(dock, mapping.summary)
    # It reads across the panel's width, in two lines at most.
    assert mapping.summary.width() >= DEFAULT_WIDTH - 80
    lines = mapping.summary.heightForWidth(mapping.summary.width()) / mapping.summary.fontMetrics().lineSpacing()
    assert lines < 2.5
    # The table stays folded until asked for: the summary is the one line at this width.
    assert not mapping.details.isVisible()
    mapping.edit_button.click()
    QTest.qWait(50)
    assert mapping.details.isVisible()
    table = mapping.table
    header = table.horizontalHeader()
    widths = [header.sectionSize(column) for column in range(table.columnCount())]
    # Both columns fit inside the table: no horizontal scrolling, nothing cut.
    assert sum(widths) <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0
    metrics = header.fontMetrics()
    for column, title in enumerate(("Input", "Band")):
        assert widths[column] >= metrics.horizontalAdvance(title)
    longest_input = max(metrics.horizontalAdvance(table.item(row, 0).text()) for row in range(table.rowCount()))
    assert widths[0] >= longest_input
    # The band drop-downs keep room for a band name, not only their arrow.
    assert min(mapping.band_combo(row).width() for row in range(table.rowCount())) >= metrics.horizontalAdvance(
        "Band 1") + 20
    assert dock.width() == DEFAULT_WIDTH


def test_single_band_layer_is_listed_but_not_tickable_with_the_reason(gui, tmp_path):
    layer = add_raster(single_band_raster(tmp_path / "pan.tif"), "panchromatic")
    dock = gui.dock
    [item] = [dock.layer_list.item(i) for i in range(dock.layer_list.count())]
    assert item.text() == "panchromatic"
    assert not item.flags() & Qt.ItemIsUserCheckable
    assert plain_text(item.toolTip()).startswith("'panchromatic' has 1 band(s); the model needs at least 4: blue, "
                                                 "green, red, nir. Stack the band files into one raster")
    dock.set_layer_checked(layer.id())
    assert dock.checked_layers() == [] and not dock.mask_button.isEnabled()


def test_progress_row_is_visible_under_the_button_after_pressing_it(gui, shown_dock, large_scene_path,
                                                                    slow_toy_model, tmp_path):
    layer = add_raster(large_scene_path, "large scene")
    dock = shown_dock
    assert dock.add_model_folder(slow_toy_model)
    dock.output_mode_combo.setCurrentIndex(dock.output_mode_combo.findData(OUTPUT_FOLDER))
    dock.folder_widget.setFilePath(str(tmp_path))
    dock.set_layer_checked(layer.id())
    QTest.mouseClick(dock.mask_button, Qt.LeftButton)
    [run] = gui.runner.runs()
    row = dock.run_row(run)
    wait_until(lambda: row.progress.value() > 0, timeout=60, what="the first progress")
    QTest.qWait(50)
    # The settings above do not fit and scroll; the run shows all the same.
    [settings_area] = [area for area in dock.findChildren(QScrollArea) if area.objectName() != "runs_area"]
    assert settings_area.verticalScrollBar().maximum() > 0
    for widget in (dock.mask_button, row, row.progress, row.cancel_button, row.label):
        assert visible_in_dock(dock, widget), widget
    # Right under the button.
    button_bottom = dock.mask_button.mapTo(dock, QPoint(0, dock.mask_button.height())).y()
    assert 0 <= row.mapTo(dock, QPoint(0, 0)).y() - button_bottom < 40
    assert row.label.text().startswith("large scene: ")
    row.cancel_button.click()
    wait_until(lambda: run.outcome is not None, timeout=10, what="the cancel")


def test_stage_text_only_moves_forward(gui, shown_dock, large_scene_path, slow_toy_model, tmp_path):
    layer = add_raster(large_scene_path, "large scene")
    dock = shown_dock
    assert dock.add_model_folder(slow_toy_model)
    dock.polygons_check.setChecked(True)
    dock.set_layer_checked(layer.id())
    [run] = dock.mask_checked_layers()
    row = dock.run_row(run)
    order = ["starting", "reading the scene", "classifying the coarse grid", "fine model and writing the mask",
             "tracing cloud polygons"]
    seen = []

    def record(*_args):
        stage = row.label.text().split(": ", 1)[-1]
        if stage in order and (not seen or seen[-1] != stage):
            seen.append(stage)

    gui.runner.run_progress.connect(record)
    wait_until(lambda: run.outcome is not None, timeout=120, what="the run")
    gui.runner.run_progress.disconnect(record)
    assert run.outcome == "done"
    assert seen == sorted(seen, key=order.index), seen
    assert "done" not in seen


def test_running_again_replaces_the_layers_in_place(gui, scene_path, toy_model, tmp_path):
    layer = add_raster(scene_path, "chip_1")
    dock = gui.dock
    assert dock.add_model_folder(toy_model)
    dock.output_mode_combo.setCurrentIndex(dock.output_mode_combo.findData(OUTPUT_FOLDER))
    dock.folder_widget.setFilePath(str(tmp_path))
    dock.overwrite_check.setChecked(True)
    root = QgsProject.instance().layerTreeRoot()

    def run_once():
        [run] = gui.mask_layers([layer])
        wait_until(lambda: run.outcome is not None, timeout=60, what="the run")
        assert run.outcome == "done"

    run_once()
    [group] = [g for g in root.findGroups(True) if g.name() == group_name("chip_1")]
    first_ids = [node.layerId() for node in group.findLayers()]
    position = root.children().index(group)
    run_once()
    groups = [g for g in root.findGroups(True) if g.name() == group_name("chip_1")]
    assert groups == [group]                              # one group, not two
    assert root.children().index(group) == position      # in the same place
    second = group.findLayers()
    assert [node.name() for node in second] == ["chip_1 - cloud polygons", "chip_1 - cloud mask",
                                                "chip_1 - cloud probability (%)"]
    assert not set(first_ids) & {node.layerId() for node in second}   # new layers
    assert all(QgsProject.instance().mapLayer(layer_id) is None for layer_id in first_ids)
    assert len(QgsProject.instance().mapLayers()) == 1 + len(second)


def shown_text_fits(combo):
    """True when the combo box's current text fits its edit field (no elision)."""
    from qgis.PyQt.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.CC_ComboBox, option, QStyle.SC_ComboBoxEditField, combo)
    return field.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText())


@pytest.mark.parametrize("locale", ["en_US", "pt_BR"])
def test_nothing_is_cut_at_the_default_width(qgis_iface, qgis_new_project, scene_path, locale):
    from qgis.core import QgsSettings

    from cloud_mask_plugin.gui import install

    settings = QgsSettings()
    before = settings.value("locale/userLocale", None)
    settings.setValue("locale/userLocale", locale)
    gui = install(qgis_iface)
    try:
        dock = gui.dock
        dock.setFloating(True)
        dock.resize(DEFAULT_WIDTH, 600)
        dock.show()
        QTest.qWaitForWindowExposed(dock)
        layer = add_raster(scene_path, "chip_1")
        dock.select_layer(layer.id())
        mapping = dock.band_mapping
        mapping.edit_button.click()
        mapping.own_scaling.setChecked(True)
        mapping.scale_edit.setText("0.0001")
        QTest.qWait(50)
        assert dock.model_combo.currentText().startswith("cloud-mask-default ")
        for combo in (dock.model_combo, dock.device_combo, dock.output_mode_combo, mapping.sensor_combo):
            assert shown_text_fits(combo), (combo.objectName(), combo.currentText(), combo.width())
        edit = mapping.scale_edit
        assert edit.width() - 10 >= edit.fontMetrics().horizontalAdvance(edit.text()), edit.width()
        # The licence on a line of its own, never broken at its hyphens.
        info = dock.model_info
        [licence] = [line for line in info.text().splitlines() if "CC" in line]
        assert info.width() >= info.fontMetrics().horizontalAdvance(licence)
        # Long tooltips wrap (Qt wraps only rich-text tooltips).
        assert dock.masked_image_check.toolTip().startswith("<p>")
        assert dock.width() == DEFAULT_WIDTH
    finally:
        gui.unload()
        if before is None:
            settings.remove("locale/userLocale")
        else:
            settings.setValue("locale/userLocale", before)


def test_the_newest_result_is_in_view_on_top(gui, shown_dock):
    runs = shown_dock.runs
    def refuse(i):
        return runs.add_error(f"Cannot mask 'layer {i}': a reason long enough to take two lines of the panel.")

    for i in range(12):
        refuse(i)
    QTest.qWait(50)
    area = runs.rows_area
    assert area.verticalScrollBar().maximum() > 0          # more than the area shows: it scrolls
    # The analyst scrolls down to the older ones; the next refusal comes into view all the same.
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    newest = refuse(12)
    QTest.qWait(50)
    assert area.verticalScrollBar().value() == 0
    top = newest.mapTo(area.viewport(), QPoint(0, 0)).y()
    assert 0 <= top and top + newest.height() <= area.viewport().height()
    # Taller than three lines of text.
    assert area.height() > 6 * newest.fontMetrics().lineSpacing()

"""The Cloud Mask panel, its actions and background runs, on real Sentinel-2 data."""
import json
import os
import time

import pytest
from qgis.core import (QgsLayerTreeGroup, QgsLayerTreeModel, QgsMapLayerType, QgsPalettedRasterRenderer, QgsProject,
                       QgsRasterLayer, QgsSingleBandPseudoColorRenderer, QgsVectorLayer)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QPushButton

from cloud_mask_plugin.core.api import describe_device
from cloud_mask_plugin.core.backend import DEVICES
from cloud_mask_plugin.core.errors import CloudMaskError
from cloud_mask_plugin.gui.results import KEYWORD_MODEL, KEYWORD_MODEL_VERSION, KEYWORD_THRESHOLD, group_name
from cloud_mask_plugin.gui.settings import OUTPUT_FOLDER, GuiSettings

from tests.helpers.gui import bar_texts, wait_until


def add_raster(path, name):
    layer = QgsRasterLayer(str(path), name, "gdal")
    assert layer.isValid(), path
    QgsProject.instance().addMapLayer(layer)
    return layer


def add_points(name="field visits"):
    layer = QgsVectorLayer("Point?crs=EPSG:32736", name, "memory")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    return layer


def save_to_folder(dock, folder):
    dock.output_mode_combo.setCurrentIndex(dock.output_mode_combo.findData(OUTPUT_FOLDER))
    dock.folder_widget.setFilePath(str(folder))


def files_in(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_dock_lists_only_raster_layers(gui, scene_path):
    points = add_points()
    raster = add_raster(scene_path, "chip_1")
    dock = gui.dock

    assert dock.listed_layer_ids() == [raster.id()]
    assert points.id() not in dock.listed_layer_ids()
    # Layers added later appear, removed ones go.
    second = add_raster(scene_path, "chip_1 copy")
    assert dock.listed_layer_ids() == [raster.id(), second.id()]
    QgsProject.instance().removeMapLayer(second.id())
    assert dock.listed_layer_ids() == [raster.id()]


def test_actions_are_registered_for_raster_layers(gui, qgis_iface):
    # The context menu action only for the layers named one by one (see test_panel_trust).
    qgis_iface.addCustomActionForLayerType.assert_any_call(gui.mask_action, "", QgsMapLayerType.RasterLayer, False)
    qgis_iface.addPluginToRasterMenu.assert_any_call("Cloud Mask", gui.mask_ticked_action)
    qgis_iface.addRasterToolBarIcon.assert_any_call(gui.mask_ticked_action)


def test_run_from_the_dock_adds_styled_results_in_a_group(gui, qgis_iface, scene_path, toy_model, tmp_path):
    raster = add_raster(scene_path, "chip_1")
    dock = gui.dock
    assert dock.add_model_folder(toy_model)
    save_to_folder(dock, tmp_path)
    dock.coarse_grid_check.setChecked(True)

    # The detected mapping is shown before anything runs.
    dock.select_layer(raster.id())
    plan = dock.band_mapping.plan()
    assert plan is not None and plan.source_bands == [1, 2, 3, 4]
    assert dock.band_mapping.summary.text().startswith("band names, 4 of 4 inputs mapped")

    dock.set_layer_checked(raster.id())
    # A model of the layer tree, as QGIS's Layers panel has, that sees the results arrive.
    tree_model = QgsLayerTreeModel(QgsProject.instance().layerTreeRoot())
    QTest.mouseClick(dock.mask_button, Qt.LeftButton)
    assert gui.runner.is_busy()
    wait_until(lambda: not gui.runner.is_busy(), timeout=60, what="the run to finish")

    report_path = tmp_path / "chip_1_report.json"
    assert report_path.is_file(), (files_in(tmp_path), bar_texts(qgis_iface))
    report = json.loads(report_path.read_text())
    assert report["model"] == {"name": "toy", "version": "0.0.1", "path": toy_model}

    group = QgsProject.instance().layerTreeRoot().findGroup(group_name("chip_1"))
    assert isinstance(group, QgsLayerTreeGroup)
    # Named as Processing names them, the input's name first.
    names = [node.name() for node in group.findLayers()]
    assert names == ["chip_1 - cloud polygons", "chip_1 - cloud mask", "chip_1 - cloud probability (%)",
                     "chip_1 - coarse grid"]
    layers = {node.name().split(" - ")[1]: node.layer() for node in group.findLayers()}
    visible = {node.name().split(" - ")[1]: node.itemVisibilityChecked() for node in group.findLayers()}
    assert visible == {"cloud polygons": True, "cloud mask": True, "cloud probability (%)": False,
                       "coarse grid": False}

    mask = layers["cloud mask"]
    # The legend's first line in the user's language, not the GeoTIFF's English band description.
    mask_node = next(node for node in group.findLayers() if node.layer() is mask)
    assert tree_model.layerLegendNodes(mask_node)[0].data(Qt.DisplayRole) == "Cloud mask"
    assert mask.source() == str(tmp_path / "chip_1_cloudmask.tif")
    renderer = mask.renderer()
    assert isinstance(renderer, QgsPalettedRasterRenderer)
    classes = {c.value: c for c in renderer.classes()}
    assert sorted(classes) == [0, 1, 255]
    assert classes[0].color.alpha() == 0                      # clear: transparent
    assert 0 < classes[1].color.alpha() < 255                 # cloud: semi-transparent
    # A saturated colour (not white or pale blue), so it reads over white cloud tops.
    assert classes[1].color.hsvSaturationF() > 0.8 and classes[1].color.valueF() > 0.7
    assert renderer.nodataColor().alpha() > 0                 # no data: grey, visible
    assert renderer.nodataColor().hsvSaturation() == 0
    assert [classes[v].label for v in (0, 1, 255)] == ["clear", "cloud", "no data"]
    probability = layers["cloud probability (%)"].renderer()
    assert isinstance(probability, QgsSingleBandPseudoColorRenderer)
    # From 50 % up, the colours stand out from white cloud once drawn over it (no pale end).
    for item in probability.shader().rasterShaderFunction().colorRampItemList():
        if item.value >= 50:
            alpha = item.color.alphaF()
            over_white = [alpha * channel + (1 - alpha) for channel in item.color.getRgbF()[:3]]
            assert min(over_white) < 0.5, (item.value, item.color.name(), alpha)
    assert isinstance(layers["coarse grid"].renderer(), QgsPalettedRasterRenderer)
    outline = layers["cloud polygons"].renderer().symbol().symbolLayer(0)
    assert outline.brushStyle() == Qt.NoBrush and outline.strokeWidth() > 0
    assert layers["cloud polygons"].featureCount() > 0

    for layer in layers.values():
        metadata = layer.metadata()
        assert metadata.keywords()[KEYWORD_MODEL] == ["toy"]
        assert metadata.keywords()[KEYWORD_MODEL_VERSION] == ["0.0.1"]
        assert "toy version 0.0.1" in metadata.abstract()
        assert f"(threshold {report['threshold']:g}," in metadata.abstract()
        assert metadata.keywords()[KEYWORD_THRESHOLD] == [f"{report['threshold']:g}"]

    # The group sits just above the input layer, so the mask draws over the scene.
    root_children = QgsProject.instance().layerTreeRoot().children()
    assert root_children.index(group) + 1 == root_children.index(
        QgsProject.instance().layerTreeRoot().findLayer(raster.id()))

    expected = (f"'chip_1': {report['cloud_cover_percent']:.1f} % cloud cover (model toy 0.0.1, "
                f"threshold {report['threshold']:g}).")
    assert any(expected in text for text in bar_texts(qgis_iface)), bar_texts(qgis_iface)
    # The products are not offered as inputs.
    assert dock.listed_layer_ids() == [raster.id()]


def test_cancel_stops_quickly_and_leaves_no_files(gui, qgis_iface, large_scene_path, slow_toy_model, tmp_path):
    raster = add_raster(large_scene_path, "large scene")
    dock = gui.dock
    assert dock.add_model_folder(slow_toy_model)
    save_to_folder(dock, tmp_path)

    dock.set_layer_checked(raster.id())
    [run] = dock.mask_checked_layers()
    row = dock.run_row(run)
    # The panel follows the run while QGIS keeps handling events; wait until the fine
    # stage is writing (the engine's temporary files exist).
    wait_until(lambda: row.progress.value() > 40 or run.outcome is not None, timeout=60, what="the fine stage")
    assert run.outcome is None, "the run ended before it could be cancelled"
    assert "fine model on partly cloudy cells" in row.label.text() or "writing the mask" in row.label.text()
    assert files_in(tmp_path), "the engine should be writing by now"

    started = time.monotonic()
    QTest.mouseClick(row.cancel_button, Qt.LeftButton)
    wait_until(lambda: run.outcome is not None, timeout=10, what="the cancel")
    assert time.monotonic() - started < 2.0
    assert run.outcome == "cancelled"
    assert files_in(tmp_path) == []
    assert QgsProject.instance().layerTreeRoot().findGroup(group_name("large scene")) is None
    assert any("Cancelled 'large scene'; no files were written." in text for text in bar_texts(qgis_iface))


def test_layers_queue_and_run_one_after_the_other(gui, scene_path, toy_model, tmp_path):
    first = add_raster(scene_path, "first")
    second = add_raster(scene_path, "second")
    assert gui.dock.add_model_folder(toy_model)
    # Temporary outputs: each run gets its own folder, so the same file twice is fine.
    runs = gui.mask_layers([first, second])
    assert [run.state for run in runs] == ["running", "waiting"]
    wait_until(lambda: not gui.runner.is_busy(), timeout=60, what="both runs")
    assert [run.outcome for run in runs] == ["done", "done"]
    root = QgsProject.instance().layerTreeRoot()
    for name in ("first", "second"):
        group = root.findGroup(group_name(name))
        mask = next(n.layer() for n in group.findLayers() if n.name() == f"{name} - cloud mask")
        assert mask.isValid() and os.path.isfile(mask.source())
    assert runs[0].job.output_dir != runs[1].job.output_dir


def test_non_raster_layer_gives_a_clear_message(gui, qgis_iface):
    points = add_points("field visits")
    qgis_iface.setActiveLayer(points)
    assert gui.mask_current_layer() == []
    expected = ("'field visits' is not a raster layer; Cloud Mask works on satellite images (raster layers).")
    assert expected in bar_texts(qgis_iface)


def test_unmappable_layer_gives_a_clear_message_and_can_be_fixed(gui, qgis_iface, unnamed_scene_path, toy_model):
    layer = add_raster(unnamed_scene_path, "export")
    dock = gui.dock
    assert dock.add_model_folder(toy_model)
    qgis_iface.setActiveLayer(layer)
    assert gui.mask_current_layer() == []
    [text] = [t for t in bar_texts(qgis_iface) if "export" in t]
    # One short line saying what is wrong and what to do in QGIS; the engine's full message is in the log.
    assert text == ("Cannot mask 'export': The 4 band(s) of 'export_without_names.tif' have no names the model "
                    "knows; it needs blue, green, red, nir. Choose its bands under Bands in the Cloud Mask panel.")
    assert "CLI" not in text

    # The error has a Details button that opens the log.
    [item] = [i for i in qgis_iface.messageBar().items() if i.text() == text]
    [details] = [b for b in item.findChildren(QPushButton) if b.text() == "Details"]
    qgis_iface.openMessageLog.reset_mock()
    details.click()
    qgis_iface.openMessageLog.assert_called_once()

    # The panel shows the same problem for the layer, and lets the user name the bands.
    dock.select_layer(layer.id())
    mapping = dock.band_mapping
    assert mapping.plan() is None
    assert "lacks the band(s) blue, green, red, nir" in mapping.summary.toolTip()   # the engine's words
    assert mapping.status.text() == "Choose the raster band of each model input above, or the sensor."
    assert mapping.details.isVisibleTo(mapping)   # unfolded, since the bands need the user
    assert "have no names the model knows" in mapping.summary.text()
    for row in range(4):
        combo = mapping.band_combo(row)
        combo.setCurrentIndex(combo.findData(row + 1))
    assert mapping.plan() is not None
    assert mapping.plan().source_bands == [1, 2, 3, 4]
    assert mapping.summary.text().startswith("your band list, 4 of 4 inputs mapped")
    assert "integer bands and no scale" in mapping.status.text()   # the engine's warning
    # Now the action accepts the layer.
    [run] = gui.mask_current_layer()
    assert run.job.options.bands == ["blue", "green", "red", "nir"]


def test_sensor_independent_model_shows_its_optional_bands_and_maps_a_4_band_raster(gui, scene_path,
                                                                                    model_bundle):
    """A sensor-independent model takes blue, green, red and nir, and further bands when a
    raster has them: a 4-band raster fills the required rows and leaves the optional ones
    unset (the table once looked rows up by position in the fed bands, and crashed)."""
    si_bundle = os.path.join(os.path.dirname(model_bundle), "sensor_independent")
    layer = add_raster(scene_path, "chip_1")
    assert gui.dock.add_model_folder(si_bundle)
    gui.dock.select_layer(layer.id())
    mapping = gui.dock.band_mapping
    plan = mapping.plan()
    assert plan is not None and plan.mapping_dict() == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    rows = {mapping.table.item(row, 0).text(): mapping.band_combo(row).currentData()
            for row in range(mapping.table.rowCount())}
    assert rows["blue"] == 1 and rows["nir"] == 4
    optional = {mapping.table.item(row, 0).text(): mapping.band_combo(row).currentData()
                for row in range(mapping.table.rowCount()) if mapping.table.item(row, 0).font().italic()}
    assert "swir16" in optional and set(optional.values()) == {0}
    assert len(optional) == len(rows) - 4
    assert "1610 nm, optional" in mapping.table.item(list(rows).index("swir16"), 0).toolTip()
    assert mapping.summary.text() == f"band names, 4 of {len(rows)} inputs mapped, scaling: guessed"


def test_two_model_inputs_cannot_share_a_raster_band(gui, scene_path, toy_model):
    layer = add_raster(scene_path, "chip_1")
    gui.dock.add_model_folder(toy_model)
    gui.dock.select_layer(layer.id())
    mapping = gui.dock.band_mapping
    combo = mapping.band_combo(1)          # green
    combo.setCurrentIndex(combo.findData(1))  # band 1 already feeds blue
    assert "Raster band 1 is chosen for more than one model input" in mapping.status.text()
    assert layer.customProperty("cloud_mask/band_choice", "") == ""  # nothing stored


def test_sensor_preset_and_scaling_are_stored_on_the_layer(gui, unnamed_scene_path, toy_model):
    layer = add_raster(unnamed_scene_path, "export")
    gui.dock.add_model_folder(toy_model)
    gui.dock.select_layer(layer.id())
    mapping = gui.dock.band_mapping
    # A 4-band PlanetScope product is blue, green, red, nir in that order.
    mapping.sensor_combo.setCurrentIndex(mapping.sensor_combo.findData("planetscope4"))
    assert mapping.plan().source_bands == [1, 2, 3, 4]
    assert mapping.summary.text().startswith("PlanetScope 4-band, 4 of 4 inputs mapped, scaling: sensor preset")
    mapping.own_scaling.setChecked(True)
    mapping.scale_edit.setText("2.75e-05")
    mapping.offset_edit.setText("-0.2")
    mapping.offset_edit.editingFinished.emit()
    assert mapping.plan().scales == [2.75e-05] * 4 and mapping.plan().offsets == [-0.2] * 4
    stored = json.loads(layer.customProperty("cloud_mask/band_choice"))
    assert stored == {"sensor": "planetscope4", "bands": None, "scale": 2.75e-05, "offset": -0.2}
    mapping.reset_button.click()
    assert layer.customProperty("cloud_mask/band_choice", "") == ""


def test_web_layers_are_refused_with_advice_to_export(gui, qgis_iface):
    xyz = QgsRasterLayer("type=xyz&url=https://tile.openstreetmap.org/{z}/{x}/{y}.png&zmax=19&zmin=0",
                         "OpenStreetMap", "wms")
    assert xyz.isValid()
    QgsProject.instance().addMapLayer(xyz)
    dock = gui.dock
    assert dock.listed_layer_ids() == [xyz.id()]
    item = dock.layer_list.item(0)
    assert not item.flags() & Qt.ItemIsUserCheckable
    assert "export it to a GeoTIFF first" in item.toolTip()
    qgis_iface.setActiveLayer(xyz)
    assert gui.mask_current_layer() == []
    assert any(t.startswith("'OpenStreetMap' comes from the 'wms' data provider") for t in bar_texts(qgis_iface))


def test_settings_persist_between_sessions(qgis_iface, qgis_new_project, toy_model, tmp_path):
    from cloud_mask_plugin.gui import install

    first = install(qgis_iface)
    try:
        dock = first.dock
        dock.add_model_folder(toy_model)
        dock.device_combo.setCurrentIndex(dock.device_combo.findData("cpu"))
        dock.threshold_spin.setValue(0.35)
        dock.probability_check.setChecked(False)
        dock.coarse_grid_check.setChecked(True)
        save_to_folder(dock, tmp_path)
    finally:
        first.unload()

    saved = GuiSettings.load()
    assert saved.model == toy_model and saved.user_models == [toy_model]
    assert (saved.device, saved.threshold) == ("cpu", 0.35)
    assert (saved.write_probability, saved.write_coarse_grid) == (False, True)
    assert (saved.output_mode, saved.output_folder) == (OUTPUT_FOLDER, str(tmp_path))

    second = install(qgis_iface)
    try:
        dock = second.dock
        assert dock.model_combo.currentData() == toy_model
        assert dock.device_combo.currentData() == "cpu"
        assert dock.threshold_spin.value() == pytest.approx(0.35)
        assert not dock.probability_check.isChecked() and dock.coarse_grid_check.isChecked()
        assert dock.output_mode_combo.currentData() == OUTPUT_FOLDER
        assert dock.folder_widget.filePath() == str(tmp_path)
    finally:
        second.unload()


def test_device_label_says_what_will_run(gui):
    dock = gui.dock
    # The panel offers the engine's own list of devices.
    assert [dock.device_combo.itemData(i) for i in range(dock.device_combo.count())] == list(DEVICES)
    dock.update_device_label()
    on_gpu = describe_device("auto").startswith("GPU")
    assert dock.device_label.text() == ("Runs on the GPU (CUDA)." if on_gpu else
                                        "Runs on the CPU: no GPU that onnxruntime can use was found.")
    dock.device_combo.setCurrentIndex(dock.device_combo.findData("cuda"))
    try:
        describe_device("cuda")
    except CloudMaskError:  # no CUDA here: the label says what to do
        assert dock.device_label.text().startswith("No GPU that the models can use was found; install onnxruntime-gpu")
    else:
        assert dock.device_label.text().startswith("Runs on the GPU")
    assert GuiSettings.load().device == "cuda"


def test_a_bundle_of_band_paths_shows_the_path_each_layer_runs(gui, scene_path, tmp_path):
    """The panel names the band path that runs, its tooltip why, and the table lists that path's bands."""
    import numpy as np

    from tests.helpers.real_data import write_raster
    from tests.helpers.toy_bundle import make_toy_band_path_bundle

    paths_bundle = make_toy_band_path_bundle(tmp_path / "paths")
    rgbn_manifest = tmp_path / "paths" / "rgbn" / "manifest.json"
    manifest = json.loads(rgbn_manifest.read_text())
    manifest["fine"]["threshold"] = 0.4   # the paths thresholded apart, as the default bundle's are
    rgbn_manifest.write_text(json.dumps(manifest))
    six = write_raster(tmp_path / "six.tif", np.random.default_rng(1).uniform(0, 0.5, (6, 40, 50)).astype(np.float32),
                       names=["blue", "green", "red", "nir", "swir16", "swir22"])
    assert gui.dock.add_model_folder(paths_bundle)
    mapping = gui.dock.band_mapping
    # The model line names the further bands of the richer path, and both paths' thresholds.
    assert gui.dock.model_info.text().startswith("Inputs: blue, green, red, nir (+swir16, swir22 when the raster")
    gui.dock.threshold_spin.setValue(0.0)
    assert gui.dock.threshold_spin.text() == "Model default (0.4 / 0.5)"
    for path, name, path_name, rows in ((six, "six", "swir", 6), (scene_path, "chip_1", "rgbn", 4)):
        gui.dock.select_layer(add_raster(path, name).id())
        assert mapping.path_label.text() == f"{path_name} path"
        assert f"{path_name} path (blue, green, red, nir" in mapping.path_label.toolTip()
        assert mapping.table.rowCount() == rows

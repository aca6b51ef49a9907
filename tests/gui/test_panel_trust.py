"""What an analyst trips over in the panel: values that change by themselves, advice that
cannot work, a silent threshold, a masked image drawn wrong, actions that do something else
than they say."""
import os
import shutil
import subprocess
import sys

import pytest
from osgeo import gdal
from qgis.core import (QgsApplication, QgsContrastEnhancement, QgsMultiBandColorRenderer, QgsProcessingException,
                       QgsProject, QgsRasterLayer)
from qgis.PyQt.QtCore import QPoint, QPointF, Qt
from qgis.PyQt.QtGui import QWheelEvent
from qgis.PyQt.QtWidgets import QComboBox, QPushButton, QTabWidget

from cloud_mask_plugin.gui.settings import GuiSettings
from tests.helpers.gui import bar_texts, plain_text, wait_until
from tests.helpers.real_data import REPO, shared_data

# The one wording of the too-few-bands refusal, wherever it is met.
TOO_FEW = ("has {count} band(s); the model needs at least 4: blue, green, red, nir. Stack the band files into one "
           "raster (Raster > Miscellaneous > Build Virtual Raster, each file in a separate band), or give the folder "
           "of band files to the command line or Processing.")


def band_file_copies(folder, bands):
    """Copies of On Cloud N chip_1's band files: QGIS computes statistics to draw a layer,
    and GDAL would store them beside the shared originals (through a VRT as well)."""
    copies = []
    for band in bands:
        copy = os.path.join(folder, f"{band}.tif")
        shutil.copyfile(shared_data("oncloudn_s2", "chip_1", f"{band}.tif"), copy)
        copies.append(copy)
    return copies


def add_raster(path, name):
    layer = QgsRasterLayer(str(path), name, "gdal")
    assert layer.isValid(), path
    QgsProject.instance().addMapLayer(layer)
    return layer


def wheel_down(widget):
    """One notch of the mouse wheel over ``widget``, as Qt delivers it."""
    event = QWheelEvent(QPointF(5, 5), QPointF(widget.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QgsApplication.sendEvent(widget, event)


@pytest.fixture(scope="module")
def one_band_path(tmp_path_factory):
    """Sentinel-2's blue band alone, as the On Cloud N chips ship it."""
    [path] = band_file_copies(str(tmp_path_factory.mktemp("band")), ["B02"])
    return path


@pytest.fixture(scope="module")
def rgb_png_path(tmp_path_factory):
    """Three real bands as an 8-bit RGB PNG, as a picture exported from a viewer."""
    folder = tmp_path_factory.mktemp("png")
    vrt = gdal.BuildVRT("", band_file_copies(str(folder), ["B04", "B03", "B02"]), separate=True)
    path = str(folder / "chip_1_rgb.png")
    gdal.Translate(path, vrt, format="PNG", outputType=gdal.GDT_Byte, scaleParams=[[0, 3000, 0, 255]])
    assert gdal.Open(path).RasterCount == 3
    return path


def test_the_wheel_leaves_unfocused_combo_and_spin_boxes_alone(gui, scene_path):
    dock = gui.dock
    layer = add_raster(scene_path, "chip_1")
    dock.select_layer(layer.id())
    dock.band_mapping.edit_button.click()
    blue_band = dock.band_mapping.band_combo(0)
    dock.threshold_spin.setValue(0.35)
    before = (dock.device_combo.currentIndex(), blue_band.currentIndex(), dock.threshold_spin.value(),
              dock.band_mapping.sensor_combo.currentIndex(), dock.output_mode_combo.currentIndex())
    for widget in (dock.device_combo, blue_band, dock.threshold_spin, dock.band_mapping.sensor_combo,
                   dock.output_mode_combo):
        assert not widget.hasFocus()
        wheel_down(widget)
    assert (dock.device_combo.currentIndex(), blue_band.currentIndex(), dock.threshold_spin.value(),
            dock.band_mapping.sensor_combo.currentIndex(), dock.output_mode_combo.currentIndex()) == before
    assert GuiSettings.load().device == "auto"
    # The same notch does change a combo box that Qt left as it is: the event is a real one.
    plain = QComboBox()
    plain.addItems(["Automatic", "CPU", "GPU (CUDA)"])
    wheel_down(plain)
    assert plain.currentIndex() == 1


def test_mask_clouds_is_offered_only_on_layers_that_can_be_masked(gui, qgis_iface, scene_path, one_band_path,
                                                                  rgb_png_path):
    qgis_iface.addCustomActionForLayer.reset_mock()
    good = add_raster(scene_path, "chip_1")
    single = add_raster(one_band_path, "B02")
    picture = add_raster(rgb_png_path, "picture")
    offered = {call.args[1].id() for call in qgis_iface.addCustomActionForLayer.call_args_list
               if call.args[0] is gui.mask_action}
    assert good.id() in offered
    assert single.id() not in offered and picture.id() not in offered
    assert gui.offered_layer_ids == [good.id()]
    # The panel greys the same layers out, with the same words as every other front end.
    items = {gui.dock.layer_list.item(i).text(): gui.dock.layer_list.item(i) for i in range(3)}
    assert not items["B02"].flags() & Qt.ItemIsUserCheckable
    assert plain_text(items["B02"].toolTip()) == "'B02' " + TOO_FEW.format(count=1)
    assert plain_text(items["picture"].toolTip()) == "'picture' " + TOO_FEW.format(count=3)


def run_processing(path, tmp_path):
    import processing
    from cloud_mask_plugin.processing.provider import CloudMaskProvider

    provider = CloudMaskProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        with pytest.raises(QgsProcessingException) as error:
            processing.run("cloudmask:maskclouds", {"INPUT": path, "OUTPUT_MASK": str(tmp_path / "mask.tif")})
        return str(error.value)
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)


@pytest.mark.parametrize("count", [1, 3])
def test_too_few_bands_say_how_many_and_the_way_out_everywhere(gui, qgis_iface, qgis_processing, count,
                                                               one_band_path, rgb_png_path, tmp_path):
    path = one_band_path if count == 1 else rgb_png_path
    label = "B02.tif" if count == 1 else "chip_1_rgb.png"
    expected = f"'{label}' " + TOO_FEW.format(count=count)

    # The panel's mask function (what the context menu action calls), with the message bar
    # and the results list.
    layer = add_raster(path, "scene")
    assert gui.mask_layers([layer]) == []
    assert f"Cannot mask 'scene': {expected}" in bar_texts(qgis_iface)
    assert gui.dock.runs.errors() == [f"Cannot mask 'scene': {expected}"]
    # Processing, and the command line.
    assert run_processing(path, tmp_path) == expected
    cli = subprocess.run([sys.executable, "-m", "cloud_mask_plugin", "mask", path, "--output-dir", str(tmp_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 2 and cli.stderr.strip() == f"error: {expected}"
    # No advice to name bands, which cannot help.
    for text in (bar_texts(qgis_iface)[-1], cli.stderr):
        assert "--bands" not in text and "Sensor" not in text and "band table" not in text


def test_threshold_reset_and_the_threshold_in_the_result_line(gui, qgis_iface, scene_path, toy_model):
    dock = gui.dock
    assert dock.add_model_folder(toy_model)
    layer = add_raster(scene_path, "chip_1")
    assert not dock.threshold_reset.isEnabled()          # the model's own threshold already
    dock.threshold_spin.setValue(0.35)
    assert GuiSettings.load().threshold == 0.35 and dock.threshold_reset.isEnabled()

    [run] = gui.mask_layers([layer])
    wait_until(lambda: run.outcome is not None, timeout=60, what="the run")
    line = dock.run_row(run).label.text()
    assert line.endswith("% cloud cover (model toy 0.0.1, threshold 0.35).")
    assert any(text.endswith(line) for text in bar_texts(qgis_iface))

    dock.threshold_reset.click()
    assert dock.threshold_spin.value() == 0.0 and dock.threshold_spin.text() == "Model default (0.5)"
    assert GuiSettings.load().threshold == 0.0 and not dock.threshold_reset.isEnabled()
    [run] = gui.mask_layers([layer])
    wait_until(lambda: run.outcome is not None, timeout=60, what="the run")
    assert dock.run_row(run).label.text().endswith("(model toy 0.0.1, threshold 0.5).")
    group = QgsProject.instance().layerTreeRoot().findGroup("chip_1 clouds")
    for node in group.findLayers():
        assert "(threshold 0.5," in node.layer().metadata().abstract()


def test_the_masked_image_is_drawn_as_its_input_and_shown(gui, scene_path, toy_model):
    dock = gui.dock
    assert dock.add_model_folder(toy_model)
    dock.masked_image_check.setChecked(True)
    layer = add_raster(scene_path, "chip_1")
    # The analyst's band combination: red, green, blue from bands 3, 2, 1, stretched.
    renderer = QgsMultiBandColorRenderer(layer.dataProvider(), 3, 2, 1)
    for band, setter in ((3, renderer.setRedContrastEnhancement), (2, renderer.setGreenContrastEnhancement),
                         (1, renderer.setBlueContrastEnhancement)):
        enhancement = QgsContrastEnhancement(layer.dataProvider().dataType(band))
        enhancement.setContrastEnhancementAlgorithm(QgsContrastEnhancement.StretchToMinimumMaximum)
        enhancement.setMinimumValue(100 * band)
        enhancement.setMaximumValue(2000 + band)
        setter(enhancement)
    layer.setRenderer(renderer)

    [run] = gui.mask_layers([layer])
    wait_until(lambda: run.outcome is not None, timeout=60, what="the run")
    assert run.outcome == "done"
    group = QgsProject.instance().layerTreeRoot().findGroup("chip_1 clouds")
    [node] = [n for n in group.findLayers() if n.name() == "chip_1 - masked image"]
    assert node.itemVisibilityChecked()
    masked = node.layer().renderer()
    assert masked.type() == "multibandcolor"
    assert (masked.redBand(), masked.greenBand(), masked.blueBand()) == (3, 2, 1)
    assert [(e.minimumValue(), e.maximumValue()) for e in (masked.redContrastEnhancement(),
            masked.greenContrastEnhancement(), masked.blueContrastEnhancement())] == [(300, 2003), (200, 2002),
                                                                                     (100, 2001)]


def test_the_raster_menu_masks_the_ticked_layers(gui, qgis_iface, scene_path, toy_model):
    dock = gui.dock
    assert dock.add_model_folder(toy_model)
    selected = add_raster(scene_path, "selected in the Layers panel")
    ticked = add_raster(scene_path, "ticked in the panel")
    qgis_iface.setActiveLayer(selected)
    dock.set_layer_checked(ticked.id())
    gui.mask_ticked_action.trigger()
    [run] = gui.runner.runs()
    assert run.job.layer_id == ticked.id()
    assert not dock.isHidden()    # the panel opens to show the run
    wait_until(lambda: run.outcome is not None, timeout=60, what="the run")
    # Nothing ticked: the panel says so instead of masking another layer.
    dock.set_layer_checked(ticked.id(), False)
    gui.mask_ticked_action.trigger()
    assert gui.runner.runs() == []
    assert dock.runs.status_label.text() == "Tick at least one raster layer to mask."
    dock.hide()


@pytest.mark.parametrize("maskable", [True, False])
def test_first_show_ticks_the_active_layer_when_it_can_be_masked(gui, qgis_iface, scene_path, one_band_path,
                                                                 maskable):
    add_raster(scene_path, "another scene")
    layer = add_raster(scene_path, "chip_1") if maskable else add_raster(one_band_path, "B02")
    qgis_iface.setActiveLayer(layer)
    assert gui.dock.checked_layers() == []
    gui.dock.setFloating(True)    # shown on its own: the test's main window is never shown
    gui.dock.show()
    assert gui.dock.checked_layers() == ([layer] if maskable else [])
    assert gui.dock.mask_button.isEnabled() == maskable
    gui.dock.hide()


def test_details_opens_the_cloud_mask_tab_of_the_log(gui, qgis_iface, one_band_path):
    # QGIS's log panel: one tab per tag, the Python warnings one in front.
    tabs = QTabWidget(qgis_iface.mainWindow())
    for tag in ("General", "Cloud Mask", "Python warning"):
        tabs.addTab(QComboBox(), tag)
    tabs.setCurrentIndex(2)
    layer = add_raster(one_band_path, "B02")
    gui.mask_layers([layer])
    [item] = [i for i in qgis_iface.messageBar().items() if i.text().startswith("Cannot mask 'B02'")]
    [details] = [b for b in item.findChildren(QPushButton) if b.text() == "Details"]
    details.click()
    assert tabs.tabText(tabs.currentIndex()) == "Cloud Mask"
    tabs.deleteLater()


def test_band_drop_downs_name_the_source_files_of_a_vrt(gui, tmp_path):
    files = band_file_copies(str(tmp_path), ["B02", "B03", "B04", "B08"])
    vrt = str(tmp_path / "stack.vrt")
    gdal.BuildVRT(vrt, files, separate=True).FlushCache()
    layer = add_raster(vrt, "stack")
    gui.dock.select_layer(layer.id())
    combo = gui.dock.band_mapping.band_combo(0)
    labels = [combo.itemText(i) for i in range(1, combo.count())]
    assert labels == [f"{layer.bandName(i)} ({band})" for i, band in enumerate(("B02", "B03", "B04", "B08"), 1)]
    assert combo.currentText() == f"{layer.bandName(1)} (B02)"     # blue, from the file name

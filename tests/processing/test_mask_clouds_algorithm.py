"""The Processing provider inside a running QGIS (pytest-qgis starts it once per session)."""
import json
import os

import pytest
from qgis.core import (
    QgsApplication,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from cloud_mask_plugin import classFactory
from tests.helpers.frontend import assert_same_grid, cloud_percent, read_raster, without_band_names

ALGORITHM = "cloudmask:maskclouds"


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps what the algorithm reported, to check its progress and messages."""

    def __init__(self):
        super().__init__()
        self.infos, self.progress_values = [], []
        self.progressChanged.connect(self.progress_values.append)

    def pushInfo(self, info):  # noqa: N802 - QGIS API
        self.infos.append(info)
        super().pushInfo(info)


def test_plugin_registers_its_provider_in_init_gui_and_removes_it_in_unload(qgis_processing, qgis_iface):
    registry = QgsApplication.processingRegistry()
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    assert registry.providerById("cloudmask") is plugin.provider
    plugin.unload()
    assert registry.providerById("cloudmask") is None


@pytest.fixture
def run(plugin):
    import processing

    def run_algorithm(parameters, feedback=None):
        return processing.run(ALGORITHM, parameters, feedback=feedback or RecordingFeedback())

    return run_algorithm


def test_provider_lists_the_algorithm_with_word_parameter_ids(plugin):
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("cloudmask")
    assert provider is not None and provider.name() == "Cloud Mask"
    assert sorted(alg.id() for alg in provider.algorithms()) == ["cloudmask:clearfraction", ALGORITHM]

    algorithm = registry.algorithmById(ALGORITHM)
    assert algorithm.displayName() == "Mask clouds"
    assert "onnxruntime" in algorithm.shortHelpString()
    assert [p.name() for p in algorithm.parameterDefinitions()] == [
        "INPUT", "BANDS", "SENSOR", "SCALE", "OFFSET", "MODEL", "DEVICE", "THRESHOLD", "MIN_AREA", "BUFFER",
        "ZEROS_ARE_DATA", "OUTPUT_MASK", "OUTPUT_PROBABILITY", "OUTPUT_COARSE_GRID", "OUTPUT_POLYGONS", "OUTPUT_REPORT",
        "OUTPUT_MASKED"]
    assert "CLOUD_COVER" in [o.name() for o in algorithm.outputDefinitions()]
    sensor = algorithm.parameterDefinition("SENSOR")
    assert sensor.options()[0] == "auto" and "sentinel2" in sensor.options() and "landsat89" in sensor.options()


def test_masks_a_real_scene_on_the_input_grid(run, chip1_tif, model_bundle, tmp_path):
    feedback = RecordingFeedback()
    results = run({
        "INPUT": chip1_tif,
        "MODEL": model_bundle,
        "DEVICE": "cpu",
        "OUTPUT_MASK": str(tmp_path / "mask.tif"),
        "OUTPUT_PROBABILITY": str(tmp_path / "probability.tif"),
        "OUTPUT_POLYGONS": str(tmp_path / "clouds.gpkg"),
        "OUTPUT_REPORT": str(tmp_path / "report.json"),
    }, feedback)

    assert results["OUTPUT_MASK"] == str(tmp_path / "mask.tif")
    assert_same_grid(results["OUTPUT_MASK"], chip1_tif)
    mask = read_raster(results["OUTPUT_MASK"])[0]
    assert set(mask.ravel().tolist()) <= {0, 1, 255}
    assert results["CLOUD_COVER"] == pytest.approx(cloud_percent(mask), abs=1e-3)

    probability = read_raster(results["OUTPUT_PROBABILITY"])[0]
    assert_same_grid(results["OUTPUT_PROBABILITY"], chip1_tif)
    assert probability[mask != 255].max() <= 100

    with open(results["OUTPUT_REPORT"], encoding="utf-8") as f:
        report = json.load(f)
    assert report["cloud_cover_percent"] == pytest.approx(results["CLOUD_COVER"])

    polygons = QgsVectorLayer(results["OUTPUT_POLYGONS"], "clouds", "ogr")
    assert polygons.isValid() and polygons.geometryType() == QgsWkbTypes.PolygonGeometry
    assert (polygons.featureCount() > 0) == (mask == 1).any()

    assert feedback.progress_values and max(feedback.progress_values) == pytest.approx(100.0)
    assert f"Cloud cover: {results['CLOUD_COVER']:.2f}%" in feedback.infos
    # The coarse grid was not asked for, and no temporary file is left behind (GDAL's
    # .aux.xml sidecars carry the class names of the rasters).
    assert results["OUTPUT_COARSE_GRID"] is None
    written = sorted(name for name in os.listdir(tmp_path) if not name.endswith(".aux.xml"))
    assert written == ["clouds.gpkg", "mask.tif", "probability.tif", "report.json"]


def test_accepts_a_loaded_layer_and_band_list(run, chip1_tif, model_bundle, tmp_path):
    layer = QgsRasterLayer(chip1_tif, "chip 1")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    try:
        results = run({"INPUT": layer.id(), "BANDS": "blue,green,red,nir", "SCALE": 1e-4, "OFFSET": 0,
                       "MODEL": model_bundle, "OUTPUT_MASK": str(tmp_path / "mask.tif"),
                       "OUTPUT_REPORT": str(tmp_path / "report.json")})
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    with open(results["OUTPUT_REPORT"], encoding="utf-8") as f:
        report = json.load(f)
    assert report["band_naming"] == "band list given by the user"
    assert report["scaling"]["source"] == "given by the user"
    assert report["bands"] == {"blue": 1, "green": 2, "red": 3, "nir": 4}


def test_unmappable_bands_fail_with_the_engine_message_and_no_output(run, chip1_tif, model_bundle, tmp_path):
    unnamed = without_band_names(chip1_tif, tmp_path / "unnamed.tif")
    mask = tmp_path / "mask.tif"
    with pytest.raises(QgsProcessingException) as error:
        run({"INPUT": unnamed, "MODEL": model_bundle, "OUTPUT_MASK": str(mask)})
    message = str(error.value)
    assert "'unnamed.tif' lacks the band(s) blue, green, red, nir" in message and "Traceback" not in message
    assert os.listdir(tmp_path) == ["unnamed.tif"]


def test_bad_band_list_is_refused_before_running(run, chip1_tif, tmp_path):
    with pytest.raises(QgsProcessingException) as error:
        run({"INPUT": chip1_tif, "BANDS": "blue,green,purple", "OUTPUT_MASK": str(tmp_path / "mask.tif")})
    assert str(error.value).startswith("BANDS: band 3 of the band list is 'purple'")
    assert os.listdir(tmp_path) == []


def test_web_layers_are_refused_with_advice_to_export(run, tmp_path):
    xyz = QgsRasterLayer("type=xyz&url=https://tile.openstreetmap.org/{z}/{x}/{y}.png&zmax=19&zmin=0",
                         "OpenStreetMap", "wms")
    assert xyz.isValid()
    QgsProject.instance().addMapLayer(xyz)
    try:
        with pytest.raises(QgsProcessingException) as error:
            run({"INPUT": xyz.id(), "OUTPUT_MASK": str(tmp_path / "mask.tif")})
    finally:
        QgsProject.instance().removeMapLayer(xyz.id())
    assert "layer 'OpenStreetMap' is not a raster file on disk (provider 'wms')" in str(error.value)
    assert "export it to GeoTIFF first" in str(error.value)
    assert os.listdir(tmp_path) == []


def test_toolbox_dialog_runs_and_loads_the_outputs_styled(plugin, qgis_iface, chip1_tif, model_bundle, tmp_path,
                                                          monkeypatch):
    """The toolbox path: the algorithm dialog runs it as a background task, then QGIS loads
    the outputs and the layer post-processors apply the shipped QML styles."""
    import time

    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.gui import QgsBrowserGuiModel
    from qgis.PyQt.QtCore import QCoreApplication

    browser = QgsBrowserGuiModel()  # the test interface has none; the dialog's widgets ask for it
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: browser, raising=False)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM)
    dialog = AlgorithmDialog(algorithm, False, qgis_iface.mainWindow())
    # What the dialog's log shows, kept as it grows (the dialog is deleted when the run ends).
    from qgis.PyQt.QtWidgets import QTextEdit
    [log_view] = [edit for edit in dialog.findChildren(QTextEdit) if edit.objectName() == "txtLog"]
    shown_log = []
    log_view.textChanged.connect(lambda: shown_log.append(log_view.toPlainText()))
    outputs = {"OUTPUT_MASK": str(tmp_path / "mask.tif"), "OUTPUT_COARSE_GRID": str(tmp_path / "grid.tif"),
               "OUTPUT_POLYGONS": str(tmp_path / "clouds.gpkg")}
    dialog.setParameters({"INPUT": chip1_tif, "MODEL": model_bundle, **outputs})
    # A model of the layer tree, as QGIS's Layers panel has, that sees the outputs arrive.
    from qgis.core import QgsLayerTreeModel
    from qgis.PyQt.QtCore import Qt
    tree_model = QgsLayerTreeModel(QgsProject.instance().layerTreeRoot())
    dialog.runAlgorithm()
    deadline = time.monotonic() + 120
    while QgsApplication.taskManager().countActiveTasks() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    QCoreApplication.processEvents()

    loaded = {layer.source(): layer for layer in QgsProject.instance().mapLayers().values()}
    try:
        assert set(outputs.values()) <= set(loaded)
        mask, grid = loaded[outputs["OUTPUT_MASK"]], loaded[outputs["OUTPUT_COARSE_GRID"]]
        assert mask.renderer().type() == "paletted"
        assert {c.value: c.label for c in mask.renderer().classes()} == {0: "clear", 1: "cloud", 255: "no data"}
        assert grid.renderer().type() == "paletted"
        assert sorted(c.value for c in grid.renderer().classes()) == [0, 1, 2, 3]
        assert loaded[outputs["OUTPUT_POLYGONS"]].renderer().type() == "singleSymbol"
        # Named after their input, so runs on several scenes can be told apart.
        assert mask.name() == "chip_1 - cloud mask"
        # The legend's title in the user's language, not the GeoTIFF's English band description.
        mask_node = QgsProject.instance().layerTreeRoot().findLayer(mask.id())
        assert tree_model.layerLegendNodes(mask_node)[0].data(Qt.DisplayRole) == "Cloud mask"
        assert grid.name() == "chip_1 - coarse grid"
        assert loaded[outputs["OUTPUT_POLYGONS"]].name() == "chip_1 - cloud polygons"
        # The dialog's log names each stage of the run once.
        log_lines = shown_log[-1].splitlines()
        for stage in ("reading the scene", "classifying the coarse grid", "fine model and writing the mask",
                      "tracing cloud polygons"):
            assert log_lines.count(stage) == 1, (stage, log_lines)
    finally:
        QgsProject.instance().removeMapLayers([layer.id() for layer in loaded.values()])


def test_runs_as_a_step_of_a_model(plugin, chip1_tif, model_bundle, tmp_path):
    """The modeler passes values through child-algorithm sources; the algorithm must not
    depend on how the dialog would have filled them."""
    import processing
    from qgis.core import (QgsProcessingModelAlgorithm, QgsProcessingModelChildAlgorithm,
                           QgsProcessingModelChildParameterSource, QgsProcessingModelOutput,
                           QgsProcessingModelParameter, QgsProcessingParameterRasterLayer)

    model = QgsProcessingModelAlgorithm("mask one scene", "tests")
    model.addModelParameter(QgsProcessingParameterRasterLayer("scene", "Scene"), QgsProcessingModelParameter("scene"))
    child = QgsProcessingModelChildAlgorithm(ALGORITHM)
    child.setChildId("mask")
    child.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("scene")])
    child.addParameterSources("MODEL", [QgsProcessingModelChildParameterSource.fromStaticValue(model_bundle)])
    child.addParameterSources("DEVICE", [QgsProcessingModelChildParameterSource.fromStaticValue("cpu")])
    output = QgsProcessingModelOutput("cloud_mask")
    output.setChildOutputName("OUTPUT_MASK")
    child.setModelOutputs({"cloud_mask": output})
    model.addChildAlgorithm(child)

    mask = str(tmp_path / "model_mask.tif")
    results = processing.run(model, {"scene": chip1_tif, "mask:cloud_mask": mask})
    assert results["mask:cloud_mask"] == mask
    assert_same_grid(mask, chip1_tif)


def test_an_existing_file_that_is_no_raster_gets_gdals_reason(run, tmp_path):
    notes = tmp_path / "notes.tif"
    notes.write_text("not a raster\n")
    with pytest.raises(QgsProcessingException) as error:
        run({"INPUT": str(notes), "OUTPUT_MASK": str(tmp_path / "mask.tif")})
    assert "'notes.tif' cannot be opened as a raster" in str(error.value)
    assert "not found" not in str(error.value)
    assert os.listdir(tmp_path) == ["notes.tif"]


def test_cancel_from_the_feedback_stops_the_run_and_leaves_nothing(run, chip1_tif, model_bundle, tmp_path):
    feedback = RecordingFeedback()
    feedback.progressChanged.connect(lambda value: feedback.cancel())  # as the dialog's Cancel button does
    with pytest.raises(QgsProcessingException) as error:
        run({"INPUT": chip1_tif, "MODEL": model_bundle, "OUTPUT_MASK": str(tmp_path / "mask.tif"),
             "OUTPUT_POLYGONS": str(tmp_path / "clouds.gpkg"), "OUTPUT_MASKED": str(tmp_path / "masked.tif")},
            feedback)
    assert "cancelled" in str(error.value)
    assert os.listdir(tmp_path) == []

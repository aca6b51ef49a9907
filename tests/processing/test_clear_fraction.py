"""``cloudmask:clearfraction``: the clear fraction per area of interest across real scenes,
headless through ``qgis_process`` (the plugin installed as users install it) and inside a
running QGIS, where the picked scenes are loaded into the project."""
import json
import os
import shutil

import pytest
from osgeo import gdal, ogr

from tests.batch.helpers import batch
from tests.helpers.areas import CHIP_AREAS, area_outlines, write_area_layer, zonal_shares
from tests.helpers.real_data import ONCLOUDN_BAND_FILES, shared_data, stack_oncloudn
from tests.processing.test_qgis_process_headless import QGIS_PROCESS, qgis_process

ALGORITHM = "cloudmask:clearfraction"
MIN_CLEAR = 50


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    """On Cloud N chips 1 and 2 as GeoTIFFs, and the areas drawn over them (EPSG:4326)."""
    work = tmp_path_factory.mktemp("clearfraction")
    chips = [stack_oncloudn(chip, work / f"{chip}.tif") for chip in ("chip_1", "chip_2")]
    return chips, write_area_layer(work / "areas.gpkg", CHIP_AREAS)


def table_rows(path):
    ds = ogr.Open(str(path))
    layer = ds.GetLayerByName("clear_fraction")
    return [{name: feature.GetField(name) for name in ("scene", "area_id", "clear_percent", "cloud_percent",
                                                         "nodata_percent", "picked", "mask", "date")}
            for feature in layer]


@pytest.mark.skipif(shutil.which(QGIS_PROCESS) is None, reason=f"{QGIS_PROCESS} not found (installed by make setup)")
def test_qgis_process_writes_the_table_the_chart_and_the_picked_scenes(scenes, model_bundle, tmp_path):
    (chip1, chip2), areas = scenes
    out = {name: tmp_path / name for name in ("table.gpkg", "chart.png", "page.html", "picked.txt", "masks")}
    args = ["--json", "run", ALGORITHM, "--", f"INPUTS={chip1}", f"INPUTS={chip2}", f"AREAS={areas}",
            "AREA_ID=name", f"MODEL={model_bundle}", "DEVICE=cpu", f"MIN_CLEAR={MIN_CLEAR}",
            f"MASK_FOLDER={out['masks']}", f"OUTPUT_TABLE={out['table.gpkg']}", f"OUTPUT_CHART={out['chart.png']}",
            f"OUTPUT_HTML={out['page.html']}", f"OUTPUT_PICKED={out['picked.txt']}"]
    run = qgis_process(*args)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads(run.stdout)["results"]

    rows = table_rows(out["table.gpkg"])
    assert [(row["scene"], row["area_id"]) for row in rows] == [(chip, area) for chip in (chip1, chip2)
                                                                for area in CHIP_AREAS]
    outlines = area_outlines(areas)
    for row in rows:
        assert row["mask"] == str(out["masks"] / (os.path.basename(row["scene"])[:-4] + "_cloudmask.tif"))
        if row["nodata_percent"] < 100:
            shares, bound = zonal_shares(row["mask"], outlines[row["area_id"]], "EPSG:4326", (0, 1), 64)
            assert row["cloud_percent"] == pytest.approx(shares[1], abs=bound), row
    picked = sorted({row["scene"] for row in rows if row["clear_percent"] >= MIN_CLEAR})
    assert picked and results["PICKED_COUNT"] == len(picked)
    with open(out["picked.txt"], encoding="utf-8") as f:
        assert [line.strip() for line in f if not line.startswith("#")] == picked

    chart = gdal.Open(results["OUTPUT_CHART"])
    assert chart.GetDriver().ShortName == "PNG" and chart.RasterXSize == 1000
    page = out["page.html"].read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "field_1" in page and "Pixel rule: area-weighted" in page

    again = qgis_process(*args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("mask reused from") == 2
    assert table_rows(out["table.gpkg"]) == rows


@pytest.mark.skipif(shutil.which(QGIS_PROCESS) is None, reason=f"{QGIS_PROCESS} not found (installed by make setup)")
def test_a_folder_of_scenes_reuses_the_masks_of_a_batch(model_bundle, tmp_path):
    folder = tmp_path / "scenes"
    for chip in ("chip_1", "chip_2"):
        os.makedirs(folder / chip)
        for band in ONCLOUDN_BAND_FILES:
            shutil.copy(shared_data("oncloudn_s2", chip, f"{band}.tif"), folder / chip)
    masks = tmp_path / "masks"
    first = batch(str(folder / "chip_1"), "-o", str(masks), "--device", "cpu")
    assert first.returncode == 0, first.stderr
    batch_mask = masks / "chip_1_cloudmask.tif"
    written = os.stat(batch_mask).st_mtime_ns
    areas = write_area_layer(tmp_path / "areas.gpkg", CHIP_AREAS)
    run = qgis_process("run", ALGORITHM, "--", f"FOLDER={folder}", f"AREAS={areas}", f"MODEL={model_bundle}",
                       "DEVICE=cpu", f"MASK_FOLDER={masks}", f"OUTPUT_TABLE={tmp_path / 'table.csv'}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{folder / 'chip_1'}: mask reused from {batch_mask}" in run.stdout
    assert os.stat(batch_mask).st_mtime_ns == written
    assert (masks / "chip_2_cloudmask.tif").exists()
    lines = (tmp_path / "table.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("scene,date,sensor,metadata_from,area_id,clear_percent") and len(lines) == 1 + 2 * 5


@pytest.mark.skipif(shutil.which(QGIS_PROCESS) is None, reason=f"{QGIS_PROCESS} not found (installed by make setup)")
def test_areas_that_are_not_polygons_fail_the_run_with_what_to_do(scenes, tmp_path):
    (chip1, _), _ = scenes
    lines = tmp_path / "lines.geojson"
    lines.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                     '"geometry": {"type": "LineString", "coordinates": [[32.5, -2.7], [32.55, -2.69]]}}]}')
    run = qgis_process("run", ALGORITHM, "--", f"INPUTS={chip1}", f"AREAS={lines}", f"MASK_FOLDER={tmp_path / 'm'}",
                       f"OUTPUT_TABLE={tmp_path / 'table.csv'}")
    assert run.returncode != 0 and "Traceback" not in run.stdout + run.stderr
    assert "area '0' of 'lines' is a Linestring, not a polygon; areas of interest must be polygons" in run.stderr
    assert not (tmp_path / "table.csv").exists()


def test_in_qgis_the_table_and_the_picked_scenes_are_loaded_into_the_project(plugin, scenes, model_bundle, tmp_path):
    import processing
    from qgis.core import QgsApplication, QgsProject

    algorithm = QgsApplication.processingRegistry().algorithmById(ALGORITHM)
    assert algorithm.outputDefinition("OUTPUT_HTML").type() == "outputHtml"   # shown in the results viewer

    (chip1, chip2), areas = scenes
    project = QgsProject.instance()
    project.removeAllMapLayers()
    results = processing.runAndLoadResults(ALGORITHM, {
        "INPUTS": [chip1, chip2], "AREAS": areas, "AREA_ID": "name", "MODEL": model_bundle, "DEVICE": "cpu",
        "MIN_CLEAR": MIN_CLEAR, "MASK_FOLDER": str(tmp_path / "masks"), "OUTPUT_TABLE": str(tmp_path / "t.csv"),
        "OUTPUT_CHART": str(tmp_path / "c.png"), "OUTPUT_HTML": str(tmp_path / "p.html")})
    with open(tmp_path / "t.csv", encoding="utf-8") as f:
        picked = sorted({line.split(",")[0] for line in f if line.split(",")[10:11] == ["yes"]})
    assert picked and results["PICKED_COUNT"] == len(picked)
    loaded = {layer.name(): layer for layer in project.mapLayers().values()}
    assert sorted(name for name in loaded if name.startswith("picked: ")) == \
        sorted(f"picked: {os.path.basename(scene)}" for scene in picked)
    for scene in picked:
        assert loaded[f"picked: {os.path.basename(scene)}"].source() == scene
    table = loaded["Clear fraction per area"]
    assert table.featureCount() == 2 * len(CHIP_AREAS)
    project.removeAllMapLayers()

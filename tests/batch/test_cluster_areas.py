"""The clear fraction per area on a cluster started apart from the batch (``dask scheduler``
and ``dask worker`` processes on the loopback address): the same table as on the local
cluster, and a scheduler that cannot import the package stops the batch saying so."""
import os
import subprocess
import sys

import pytest

from tests.batch.helpers import batch, dask_cluster, leftovers, summary_rows
from tests.helpers.areas import CHIP_AREAS, read_area_table, write_area_layer
from tests.helpers.real_data import shared_data


def test_the_cluster_gives_the_same_area_table_as_the_local_batch(tmp_path):
    chips = [shared_data("oncloudn_s2", chip) for chip in ("chip_1", "chip_2")]
    layer = write_area_layer(tmp_path / "areas.gpkg", CHIP_AREAS)
    options = ["--device", "cpu", "--aoi", layer, "--aoi-id", "name", "--min-clear", "50"]
    local = batch(*chips, "-o", str(tmp_path / "local"), *options)
    assert local.returncode == 0, local.stderr
    with dask_cluster(tmp_path) as address:
        remote = batch(*chips, "-o", str(tmp_path / "cluster"), "--scheduler", address, *options)
    assert remote.returncode == 0, remote.stderr
    assert f"on 2 Dask worker(s) at {address}" in remote.stderr

    def without_mask_folder(rows):
        return [dict(row, mask=os.path.basename(row["mask"])) for row in rows]

    local_rows = read_area_table(tmp_path / "local" / "aoi_clear_fraction.csv")
    cluster_rows = read_area_table(tmp_path / "cluster" / "aoi_clear_fraction.csv")
    assert len(cluster_rows) == 2 * len(CHIP_AREAS)
    assert without_mask_folder(cluster_rows) == without_mask_folder(local_rows)
    picked = [(tmp_path / out / "aoi_picked_scenes.txt").read_text(encoding="utf-8") for out in ("local", "cluster")]
    assert picked[0] == picked[1]


def test_a_scheduler_without_the_package_stops_the_batch_saying_it_needs_it(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    probe = subprocess.run([sys.executable, "-c", "import cloud_mask_plugin"], cwd=tmp_path, env=env,
                           capture_output=True)
    if probe.returncode == 0:
        pytest.skip("cloud_mask_plugin is installed in this Python, so no scheduler started from it lacks it")
    chip = shared_data("oncloudn_s2", "chip_1")
    out = tmp_path / "masks"
    with dask_cluster(tmp_path, scheduler_imports_the_plugin=False) as address:
        run = batch(chip, "-o", str(out), "--scheduler", address, "--device", "cpu")
    assert run.returncode == 2
    assert (f"error: the Dask scheduler at {address} cannot load the batch's tasks ('Error during deserialization "
            f"of the task graph'): the scheduler, not only the workers, needs this package") in run.stderr
    assert "Traceback" not in run.stderr
    assert [(row["input"], row["status"]) for row in summary_rows(out)] == [(chip, "not run")]
    assert leftovers(out) == []

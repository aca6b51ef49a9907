"""``--scheduler ADDRESS``: the batch on a cluster started apart from it, as on many machines
(``dask scheduler`` and ``dask worker`` processes, here all on the loopback address)."""
import os

import pytest

from tests.batch.helpers import batch, dask_cluster, leftovers, read_json, summary_rows
from tests.helpers.real_data import shared_data


@pytest.fixture
def scheduler_address(tmp_path):
    """A scheduler and one ``dask worker`` command with 2 worker processes of 1 thread."""
    with dask_cluster(tmp_path) as address:
        yield address


def test_a_batch_runs_on_an_existing_cluster(scheduler_address, tmp_path):
    chips = [shared_data("oncloudn_s2", chip) for chip in ("chip_1", "chip_2", "chip_3")]
    out = tmp_path / "shared" / "masks"
    run = batch(*chips, "-o", str(out), "--scheduler", scheduler_address, "--device", "cpu")
    assert run.returncode == 0, run.stderr
    share = max(1, (os.cpu_count() or 1) // 2)   # the machine's cores over the cluster's 2 Dask threads
    assert f"on 2 Dask worker(s) at {scheduler_address}, {share} model thread(s) per scene" in run.stderr
    rows = summary_rows(out)
    assert [(row["input"], row["status"]) for row in rows] == [(chip, "done") for chip in chips]
    for row in rows:
        assert float(row["cloud_cover_percent"]) == read_json(row["report"])["cloud_cover_percent"]
    assert leftovers(out) == []

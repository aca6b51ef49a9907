"""``--scheduler ADDRESS``: the batch on a cluster started apart from it, as on many machines
(``dask scheduler`` and ``dask worker`` processes, here all on the loopback address)."""
import os
import signal
import subprocess
import sys
import time

import distributed
import pytest

from tests.batch.helpers import batch, leftovers, read_json, summary_rows
from tests.helpers.real_data import REPO, shared_data


@pytest.fixture
def scheduler_address(tmp_path):
    """A scheduler and one ``dask worker`` command with 2 worker processes of 1 thread; each
    command in a process group of its own, ended with it."""
    scheduler_file = tmp_path / "scheduler.json"
    env = dict(os.environ, PYTHONPATH=REPO)   # the workers import the engine from this checkout
    commands = [
        ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
        ["worker", "--scheduler-file", str(scheduler_file), "--nworkers", "2", "--nthreads", "1", "--host",
         "127.0.0.1", "--no-dashboard"],
    ]
    started = []
    try:
        for command in commands:
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

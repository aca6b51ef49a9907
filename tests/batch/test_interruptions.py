"""A batch interrupted: a worker process killed in the middle of a scene (Dask runs the scene
again on a living worker, and the batch still ends with every scene done once and no partial
file), and Ctrl-C (the batch stops, says which scenes did not run, and the next run finishes
them)."""
import os
import signal
import time

import pytest

from tests.batch.helpers import batch, batch_process, leftovers, read_json, summary_rows
from tests.helpers.frontend import cloud_percent, read_raster
from tests.helpers.real_data import stack_oncloudn

# Real chips tiled 2 x 2 (1024 px a side): long enough per scene to be stopped in the middle.
REPEAT = 2


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("large")
    return [stack_oncloudn(chip, folder / f"{chip}_x{REPEAT}.tif", repeat=REPEAT)
            for chip in ("chip_1", "chip_2", "chip_3")]


def test_a_killed_worker_costs_a_retry_not_a_scene(scenes, tmp_path):
    out = tmp_path / "out"
    process = batch_process(*scenes, "-o", str(out), "--device", "cpu")
    try:
        killed_pid, killed_output = kill_a_writing_worker(out, process)
        stdout, stderr = process.communicate(timeout=240)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "3 scene(s): 3 done" in stdout

    rows = summary_rows(out)
    assert [row["status"] for row in rows] == ["done"] * 3
    assert leftovers(out) == [], "a temporary file or lock outlived the batch"
    for row, scene in zip(rows, scenes):
        mask, _, _, size = read_raster(row["mask"])
        assert size == read_raster(scene)[3]
        report = read_json(row["report"])
        assert float(row["cloud_cover_percent"]) == report["cloud_cover_percent"]
        assert report["cloud_cover_percent"] == pytest.approx(cloud_percent(mask), abs=1e-3)
    # The scene the dead worker was writing was finished by another process.
    killed_row = next(row for row in rows if killed_output.startswith(row["mask"][:-len("_cloudmask.tif")]))
    record = read_json(os.path.join(out, "batch_records",
                                    os.path.basename(killed_row["mask"])[:-len("_cloudmask.tif")] + ".json"))
    assert not record["worker"].endswith(f":{killed_pid}")


def test_ctrl_c_stops_the_batch_and_the_next_run_finishes_it(scenes, tmp_path):
    out = tmp_path / "out"
    process = batch_process(*scenes, "-o", str(out), "--device", "cpu")   # a session of its own
    try:
        wait_for_a_writing_worker(out, process)
        os.killpg(process.pid, signal.SIGINT)   # what Ctrl-C in its terminal sends
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert stderr.rstrip().endswith("error: interrupted") and "Traceback" not in stderr, stderr
    rows = summary_rows(out)
    statuses = [row["status"] for row in rows]
    assert "not run" in statuses and set(statuses) <= {"done", "not run"}, statuses
    # Scenes under way at Ctrl-C may finish while the workers stop: done, with their products.
    # A worker stopped after moving a scene's products into place but before its record counts
    # as not run: the next run masks that scene again.
    assert all(os.path.exists(row["mask"]) for row in rows if row["status"] == "done")

    again = batch(*scenes, "-o", str(out), "--device", "cpu")
    assert again.returncode == 0, again.stderr
    rows = summary_rows(out)
    assert [row["status"] for row in rows] == ["skipped" if s == "done" else "done" for s in statuses]
    assert leftovers(out) == []


def wait_for_a_writing_worker(out, process, timeout=120):
    """The pid of a worker writing a scene's mask under its temporary name, and that mask."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the batch ended before a scene was seen running"
        names = os.listdir(out) if os.path.isdir(out) else []
        for lock in [name for name in names if name.endswith("_cloudmask.tif.lock")]:
            mask = lock[:-len(".lock")]
            stem = mask[:-len(".tif")]
            writing = [name for name in names if name.startswith(f".{stem}.") and ".partial.tif" in name]
            pid = lock_pid(os.path.join(out, lock))
            if writing and pid and pid != process.pid:
                return pid, os.path.join(str(out), mask)
        time.sleep(0.02)
    raise AssertionError("no worker started writing a scene")


def kill_a_writing_worker(out, process):
    """SIGKILL the worker process that holds a scene's output locks (the engine writes its
    pid into them) once that scene's mask is being written under its temporary name;
    (that pid, the mask it was writing)."""
    pid, mask = wait_for_a_writing_worker(out, process)
    os.kill(pid, signal.SIGKILL)
    return pid, mask


def lock_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0

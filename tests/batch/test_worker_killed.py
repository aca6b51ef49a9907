"""A worker process killed in the middle of a scene: Dask runs the scene again on a living
worker, and the batch still ends with every scene done once and no partial file."""
import os
import signal
import time

import pytest

from batch_helpers import batch_process, leftovers, read_json, summary_rows
from frontend_helpers import cloud_percent, read_raster
from real_data import stack_oncloudn

# Real chips tiled 3 x 3 (1536 px a side): long enough per scene to be killed in the middle.
REPEAT = 3


def test_a_killed_worker_costs_a_retry_not_a_scene(tmp_path):
    scenes = [stack_oncloudn(chip, tmp_path / f"{chip}_x{REPEAT}.tif", repeat=REPEAT)
              for chip in ("chip_1", "chip_2", "chip_3")]
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


def kill_a_writing_worker(out, process, timeout=120):
    """SIGKILL the worker process that holds a scene's output locks (the engine writes its
    pid into them) once that scene's mask is being written under its temporary name;
    (that pid, the mask it was writing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the batch ended before a worker could be killed"
        names = os.listdir(out) if os.path.isdir(out) else []
        for lock in [name for name in names if name.endswith("_cloudmask.tif.lock")]:
            mask = lock[:-len(".lock")]
            stem = mask[:-len(".tif")]
            writing = [name for name in names if name.startswith(f".{stem}.") and ".partial.tif" in name]
            pid = lock_pid(os.path.join(out, lock))
            if writing and pid and pid != process.pid:
                os.kill(pid, signal.SIGKILL)
                return pid, os.path.join(str(out), mask)
        time.sleep(0.02)
    raise AssertionError("no worker started writing a scene")


def lock_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0

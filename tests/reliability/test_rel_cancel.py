"""Cancellation at any point of a run (after the k-th progress callback, k drawn by
hypothesis): ``Cancelled`` is raised, no partial file is left, the input and any earlier
outputs are untouched, and the next run on the same outputs works. The same through the
Processing algorithm (feedback.cancel()), the dock's QgsTask (task.cancel() from the main
thread) and the CLI (Ctrl-C, SIGINT)."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import reliability as rh
from tests.helpers.real_data import write_raster
from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file
from cloud_mask_plugin.core.errors import Cancelled

HYPOTHESIS = dict(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def case(toy_bundle, tmp_path_factory):
    """A scene whose run passes every stage (reading, coarse, fine batches, writing,
    polygons), its reference mask, and how many progress callbacks a full run makes."""
    folder = tmp_path_factory.mktemp("cancel_case")
    scene = write_raster(folder / "scene.tif", rh.scene(300, 270, seed=31))
    totals = {}
    for polygons in (True, False):
        calls = []
        outputs = default_outputs(scene, str(folder / f"reference_{polygons}"), polygons=polygons)
        mask_file(scene, outputs, MaskOptions(model=toy_bundle, batch_size=2), progress=lambda f, m: calls.append(m))
        totals[polygons] = len(calls)
    stages = set(calls) | {"tracing cloud polygons"}
    assert {"reading the scene", "classifying the coarse grid", "fine model on partly cloudy cells",
            "writing the mask"} <= stages, stages
    assert totals[True] == totals[False] + 1
    return scene, rh.read(outputs.mask)[1], totals, rh.sha256(scene)


def check_cancelled_cleanly(scene, scene_sha, out, before):
    assert rh.sha256(scene) == scene_sha
    assert rh.leftovers(out) == [], rh.leftovers(out)
    assert rh.snapshot(out) == before, "a cancelled run changed the output folder"


@settings(max_examples=30, **HYPOTHESIS)
@given(data=st.data(), with_previous=st.booleans(), polygons=st.booleans())
def test_engine_cancel_after_any_progress_callback(toy_bundle, case, capfd, data, with_previous, polygons):
    scene, reference, totals, scene_sha = case
    total = totals[polygons]
    k = data.draw(st.integers(0, total), label="cancel after callback")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        outputs = default_outputs(scene, out, polygons=polygons)
        if with_previous:  # an earlier run's outputs, which a cancelled overwrite must keep
            mask_file(scene, outputs, MaskOptions(model=toy_bundle))
        before = rh.snapshot(out)
        calls = []
        capfd.readouterr()
        options = MaskOptions(model=toy_bundle, overwrite=True, batch_size=2)
        if k < total:
            with pytest.raises(Cancelled):
                mask_file(scene, outputs, options, progress=lambda f, m: calls.append(m),
                          is_cancelled=lambda: len(calls) >= k)
            assert len(calls) == k  # it stopped at the first check after the request
            check_cancelled_cleanly(scene, scene_sha, out, before)
        else:  # asked after the last callback: the run is complete
            mask_file(scene, outputs, options, progress=lambda f, m: calls.append(m),
                      is_cancelled=lambda: len(calls) >= k)
        # Nothing reached the terminal (GDAL or SQLite complaining about deleted files).
        assert capfd.readouterr().err == ""
        # The next run on the same outputs works and gives the reference answer.
        mask_file(scene, outputs, MaskOptions(model=toy_bundle, overwrite=True))
        np.testing.assert_array_equal(rh.read(outputs.mask)[1], reference)
        assert rh.leftovers(out) == []


def test_cancel_inside_polygonizing(toy_bundle, case, tmp_path, capfd):
    """Cancelled while GDAL traces polygons (its own progress callback sees the request)."""
    scene, _, _, scene_sha = case
    outputs = default_outputs(scene, str(tmp_path))
    state = {"tracing": False}

    def progress(fraction, message):
        state["tracing"] = message == "tracing cloud polygons"

    checks = []

    def is_cancelled():
        if state["tracing"]:
            checks.append(1)
        return len(checks) >= 2  # the engine's own check passes; GDAL's callback sees it

    capfd.readouterr()
    with pytest.raises(Cancelled):
        mask_file(scene, outputs, MaskOptions(model=toy_bundle), progress=progress, is_cancelled=is_cancelled)
    import gc

    gc.collect()
    assert len(checks) >= 2
    assert os.listdir(tmp_path) == []
    assert capfd.readouterr().err == ""
    assert rh.sha256(scene) == scene_sha


@pytest.fixture(scope="module")
def processing_steps(cloudmask_provider, toy_bundle, case, tmp_path_factory):
    """How many distinct progress values (QgsFeedback signals only changes) a full
    Processing run reports."""
    feedback = rh.RecordingFeedback()
    outcome = rh.processing_run(case[0], tmp_path_factory.mktemp("steps"), toy_bundle, feedback=feedback)
    assert outcome.ok, outcome.message
    return len(feedback.progress_values)


@settings(max_examples=8, **HYPOTHESIS)
@given(data=st.data())
def test_processing_cancel_after_any_progress_step(cloudmask_provider, toy_bundle, case, processing_steps, data):
    scene, reference, _, scene_sha = case
    # The last signal is 100 %, after which nothing is left to cancel.
    k = data.draw(st.integers(1, processing_steps - 1), label="cancel after progress step")
    feedback = rh.RecordingFeedback()
    feedback.progressChanged.connect(lambda value: feedback.cancel() if len(feedback.progress_values) >= k else None)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        outcome = rh.processing_run(scene, out, toy_bundle, feedback=feedback)
        outcome.assert_error("cancelled")
        assert rh.sha256(scene) == scene_sha
        assert not os.path.isdir(out) or os.listdir(out) == []
        again = rh.processing_run(scene, out, toy_bundle)
        assert again.ok, again.message
        np.testing.assert_array_equal(rh.read(again.outputs["mask"])[1], reference)


# ------------------------------------------------------------------------ the dock's task

def run_task(task, finished, cancel_at_once=False, timeout=60):
    """Hand ``task`` to QGIS's task manager and let Qt run until its ``finished()`` called
    back into ``finished`` (the manager deletes the task's C++ side after that)."""
    from qgis.core import QgsApplication
    from qgis.PyQt.QtTest import QTest

    count = len(finished)
    QgsApplication.taskManager().addTask(task)
    if cancel_at_once:  # the user cancels while the task is still queued or just starting
        task.cancel()
    deadline = time.monotonic() + timeout
    while len(finished) == count:
        assert time.monotonic() < deadline, "the task did not finish"
        QTest.qWait(5)


@settings(max_examples=6, **HYPOTHESIS)
@given(data=st.data())
def test_task_cancel_from_the_main_thread(qgis_app, toy_bundle, case, data):
    from cloud_mask_plugin.gui.jobs import MaskJob
    from cloud_mask_plugin.gui.task import OUTCOME_CANCELLED, OUTCOME_DONE, CloudMaskTask

    scene, reference, totals, scene_sha = case
    k = data.draw(st.integers(0, totals[True] - 1), label="cancel after progress signal")
    with tempfile.TemporaryDirectory() as out:
        outputs = default_outputs(scene, out)
        job = MaskJob("layer-id", "scene", scene, MaskOptions(model=toy_bundle, batch_size=2), outputs, out, False)
        finished = []
        task = CloudMaskTask(job, finished.append)
        seen = []

        def on_progress(value):
            seen.append(value)
            if len(seen) >= k:
                task.cancel()

        task.progressChanged.connect(on_progress)
        run_task(task, finished, cancel_at_once=k == 0)
        assert finished == [task]
        # The cancel is asked on the main thread while the worker runs on: it may finish first.
        assert task.outcome in (OUTCOME_CANCELLED, OUTCOME_DONE), (task.outcome, task.error)
        assert task.error is None
        if task.outcome == OUTCOME_CANCELLED:
            assert os.listdir(out) == []
        else:
            np.testing.assert_array_equal(rh.read(outputs.mask)[1], reference)
        assert rh.leftovers(out) == []
        assert rh.sha256(scene) == scene_sha
        # The next run on the same outputs works.
        job.options.overwrite = True
        again = CloudMaskTask(job, finished.append)
        run_task(again, finished)
        assert again.outcome == OUTCOME_DONE, again.error
        np.testing.assert_array_equal(rh.read(outputs.mask)[1], reference)


def test_task_with_an_unexpected_engine_failure_reports_instead_of_crashing(qgis_app, toy_bundle, case, monkeypatch):
    """A bug in the engine (a non-CloudMaskError) ends the task as failed with a message."""
    from cloud_mask_plugin.core import pipeline
    from cloud_mask_plugin.gui.jobs import MaskJob
    from cloud_mask_plugin.gui.task import OUTCOME_FAILED, CloudMaskTask

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pipeline, "decide_cells", broken)
    scene = case[0]
    with tempfile.TemporaryDirectory() as out:
        job = MaskJob("id", "scene", scene, MaskOptions(model=toy_bundle), default_outputs(scene, out), out, False)
        finished = []
        task = CloudMaskTask(job, finished.append)
        run_task(task, finished)
        assert task.outcome == OUTCOME_FAILED
        assert task.error == "ZeroDivisionError: a bug" and "Traceback" in task.error_details
        assert os.listdir(out) == []


# ------------------------------------------------------------------------ the CLI: Ctrl-C

@pytest.mark.parametrize("stage", ["reading the scene", "fine model on partly cloudy cells", "tracing cloud polygons"])
def test_cli_ctrl_c_cancels_cleanly(toy_bundle, tmp_path, stage):
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(7)
    data = np.repeat(rng.uniform(0.0, 0.6, size=(1, 700, 700)).astype(np.float32), 4, axis=0)
    scene = write_raster(folder / "noisy.tif", data)
    before = rh.sha256(scene)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=rh.REPO, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "cloud_mask_plugin", *rh.cli_args(scene, out, toy_bundle)],
                            cwd=rh.REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if stage in line:
                proc.send_signal(signal.SIGINT)
                break
        rest = proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    lines += rest.splitlines()
    if proc.returncode == 0:
        pytest.fail(f"the run finished before Ctrl-C at '{stage}' reached it: {lines[-3:]}")
    outcome = rh._cli_outcome(proc.returncode, "\n".join(lines), scene, out, True)
    assert proc.returncode == 130
    outcome.assert_error("cancelled")
    assert rh.leftovers(out) == [] and os.listdir(out) == []
    assert rh.sha256(scene) == before
    shutil.rmtree(out)

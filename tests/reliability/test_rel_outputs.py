"""Output problems: existing files, folders that cannot be written, the input as output,
a full disk and two runs writing the same file. Writes go to a temporary file in the
target folder and are moved into place only when complete; nothing else is ever left.

The CLI derives its output names from the input (``<stem>_cloudmask.tif`` ...), so "the
output is the input" cannot happen there; it is tested on the engine and Processing."""
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from tests.helpers import reliability as rh
from tests.helpers.real_data import write_raster
from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, default_outputs, mask_file
from cloud_mask_plugin.core.errors import OutputError


@pytest.fixture
def scene_path(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return write_raster(folder / "scene.tif", rh.scene(300, 260, seed=21))


def noisy_scene(folder, size=500, seed=4):
    """Random brightness everywhere: large, badly compressible outputs and many polygons."""
    rng = np.random.default_rng(seed)
    data = np.repeat(rng.uniform(0.0, 0.6, size=(1, size, size)).astype(np.float32), 4, axis=0)
    return write_raster(folder / "noisy.tif", data)


# ------------------------------------------------------------------------ existing outputs

def test_existing_output_is_refused_and_untouched_unless_overwrite(front, toy_bundle, scene_path, tmp_path, guard):
    out = tmp_path / "out"
    out.mkdir()
    mask = default_outputs(scene_path, str(out)).mask
    with open(mask, "w") as f:
        f.write("the user's own file")
    g = guard(os.path.dirname(scene_path))
    outcome = front.run(scene_path, out, toy_bundle)
    if front.name == "processing":
        # QGIS's file widgets ask before replacing, so the algorithm always overwrites.
        assert outcome.ok, outcome.message
        rh.assert_valid_mask(mask)
    else:
        outcome.assert_error(mask, "already exists", "overwrite")
        assert open(mask).read() == "the user's own file"
        # Nothing of the refused run was written, not even the outputs that did not exist.
        assert os.listdir(out) == [os.path.basename(mask)]
        outcome = front.run(scene_path, out, toy_bundle, overwrite=True)
        assert outcome.ok, outcome.message
        rh.assert_valid_mask(mask)
    assert rh.leftovers(out) == []
    g.check()


def test_failed_run_leaves_the_existing_outputs_untouched(front, toy_bundle, tmp_path):
    """A run that fails after the outputs were opened (all no data is found while reading)
    replaces nothing, even with overwrite."""
    folder = tmp_path / "in"
    folder.mkdir()
    good = write_raster(folder / "scene.tif", rh.scene(200, 200))
    out = tmp_path / "out"
    first = rh.engine_run(good, out, toy_bundle)
    assert first.ok
    before = rh.snapshot(out)
    write_raster(folder / "scene.tif", np.zeros((4, 200, 200), np.uint16), nodata=0)  # same name, now empty
    outcome = front.run(good, out, toy_bundle, overwrite=True)
    outcome.assert_error("no valid pixels")
    assert rh.snapshot(out) == before
    assert rh.leftovers(out) == []


def test_outputs_are_written_beside_their_target_and_moved_in_when_complete(toy_bundle, scene_path, tmp_path):
    """The engine's OutputTransaction: during the run every product is a temporary file in
    its own target folder (so the final move is an atomic rename on the same file system),
    locked; an existing output stays as it was until the run has finished."""
    out, other = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    other.mkdir()
    outputs = default_outputs(scene_path, str(out))
    outputs.probability = str(other / "probability.tif")
    with open(outputs.mask, "wb") as f:
        f.write(b"the previous mask")
    seen = []

    def progress(fraction, message):
        for final in outputs.all():
            folder = os.path.dirname(final)
            stem, ext = os.path.splitext(os.path.basename(final))
            temps = [n for n in os.listdir(folder) if n.startswith(f".{stem}.") and ".partial" in n]
            seen.append((message, os.path.basename(final), bool(temps)))
            assert os.path.exists(final + ".lock"), final
            if final == outputs.mask:
                assert open(final, "rb").read() == b"the previous mask"
            else:
                assert not os.path.exists(final), f"{final} appeared before the run finished"

    mask_file(scene_path, outputs, MaskOptions(model=toy_bundle, overwrite=True), progress=progress)
    written = {name for _, name, has_temp in seen if has_temp}
    assert {"scene_cloudmask.tif", "probability.tif", "scene_coarsegrid.tif"} <= written, seen
    assert any(name == "scene_clouds.gpkg" and has_temp for message, name, has_temp in seen
               if message == "done"), "the polygons' temporary file was not beside its target"
    rh.assert_valid_mask(outputs.mask)
    rh.read(outputs.probability)
    assert rh.leftovers(out, other) == []


# ------------------------------------------------------------------------ unwritable places

def test_unwritable_output_folder(front, toy_bundle, scene_path, tmp_path, guard):
    out = tmp_path / "locked"
    out.mkdir()
    g = guard(os.path.dirname(scene_path))
    with rh.unwritable(out):
        outcome = front.run(scene_path, out, toy_bundle)
        assert os.listdir(out) == []
    outcome.assert_error(str(out), "not writable")
    g.check()


def test_output_folder_under_a_file(front, toy_bundle, scene_path, tmp_path, guard):
    """An output folder that can never exist: its parent is a file."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    g = guard(os.path.dirname(scene_path))
    outcome = front.run(scene_path, blocker / "out", toy_bundle)
    outcome.assert_error("notes.txt")
    assert blocker.read_text() == "a file, not a folder"
    g.check()


# ------------------------------------------------------------------------ the input as output

def test_output_equal_to_the_input_is_refused(toy_bundle, scene_path, tmp_path):
    before = rh.sha256(scene_path)
    for outputs in (OutputPaths(mask=scene_path), OutputPaths(mask=str(tmp_path / "m.tif"), probability=scene_path)):
        with pytest.raises(OutputError, match="is the input raster"):
            mask_file(scene_path, outputs, MaskOptions(model=toy_bundle, overwrite=True))
    # The same file through another path (a symbolic link to it).
    link = tmp_path / "link.tif"
    os.symlink(scene_path, link)
    with pytest.raises(OutputError, match="is the input raster"):
        mask_file(scene_path, OutputPaths(mask=str(link)), MaskOptions(model=toy_bundle, overwrite=True))
    assert rh.sha256(scene_path) == before
    assert rh.leftovers(os.path.dirname(scene_path), tmp_path) == []


def test_processing_output_equal_to_the_input_is_refused(cloudmask_provider, toy_bundle, scene_path, tmp_path):
    before = rh.sha256(scene_path)
    outcome = rh.processing_run(scene_path, tmp_path / "out", toy_bundle, OUTPUT_MASK=scene_path)
    outcome.assert_error("is the input raster")
    assert rh.sha256(scene_path) == before
    assert rh.leftovers(os.path.dirname(scene_path)) == []


def test_two_outputs_with_the_same_path_are_refused(cloudmask_provider, toy_bundle, scene_path, tmp_path):
    same = str(tmp_path / "same.tif")
    with pytest.raises(OutputError, match="same path"):
        mask_file(scene_path, OutputPaths(mask=same, probability=same), MaskOptions(model=toy_bundle))
    outcome = rh.processing_run(scene_path, tmp_path / "out", toy_bundle, OUTPUT_MASK=same, OUTPUT_PROBABILITY=same)
    outcome.assert_error("same path")
    assert not os.path.exists(same)


def test_cli_inputs_with_the_same_name_do_not_overwrite_each_other(toy_bundle, tmp_path, capfd):
    """Two inputs called scene.tif in different folders map to the same output names. With
    --overwrite the second must not silently replace the first one's results."""
    from cloud_mask_plugin.__main__ import main

    for i, folder in enumerate(("a", "b")):
        (tmp_path / folder).mkdir()
        write_raster(tmp_path / folder / "scene.tif", rh.scene(100, 100, seed=i) * (0.3 + 0.7 * i))
    out = tmp_path / "out"
    capfd.readouterr()
    rc = main(["mask", str(tmp_path / "a" / "scene.tif"), str(tmp_path / "b" / "scene.tif"), "-o", str(out),
               "--model", toy_bundle, "--overwrite", "--no-polygons"])
    err = capfd.readouterr().err
    assert rc == 2, "two inputs writing the same outputs must be an error"
    assert "scene_cloudmask.tif" in err and "a/scene.tif" in err and "b/scene.tif" in err


# ------------------------------------------------------------------------ full disk

@pytest.fixture(scope="module")
def noisy(toy_bundle, tmp_path_factory):
    """A noisy scene and the size of each of its outputs when the disk has room (measured
    first, so the limits below fall between stages whatever the compression does)."""
    folder = tmp_path_factory.mktemp("noisy")
    scene = noisy_scene(folder)
    outcome = rh.engine_run(scene, folder / "measure", toy_bundle)
    assert outcome.ok
    return scene, {key: os.path.getsize(path) for key, path in outcome.outputs.items() if path}


FSIZE_IDS = ["rasters", "polygons"]
# What the one-line error names in each stage: a raster being written, or the polygons.
STAGE_WORDS = {"rasters": ("_cloudmask.", "_cloudprob."), "polygons": ("_clouds.", "polygon")}


def names_stage(message, stage):
    return any(word in message for word in STAGE_WORDS[stage])


@pytest.mark.parametrize("stage", FSIZE_IDS)
def test_cli_file_size_limit_fails_cleanly(toy_bundle, tmp_path, stage, noisy):
    """A file-size limit (RLIMIT_FSIZE) makes the kernel fail writes beyond it (EFBIG), as a
    full disk fails them (ENOSPC): real failed writes in GDAL and SQLite, no root needed."""
    import resource

    scene, sizes = noisy
    rasters = max(sizes["mask"], sizes["probability"], sizes["coarse_grid"])
    assert sizes["polygons"] > 2 * rasters, sizes  # the premise of the "polygons" case
    limit = sizes["mask"] // 2 if stage == "rasters" else (rasters + sizes["polygons"]) // 2

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    before = rh.sha256(scene)
    out = tmp_path / "out"
    outcome = rh.cli_run_subprocess(scene, out, toy_bundle, preexec_fn=limited)
    outcome.assert_error("cannot")
    assert names_stage(outcome.message, stage), outcome.message
    assert rh.leftovers(out) == [], rh.leftovers(out)
    assert os.listdir(out) == []
    assert rh.sha256(scene) == before
    # The next run, with room, works.
    assert rh.engine_run(scene, out, toy_bundle).ok


@contextlib.contextmanager
def tiny_tmpfs(folder, size_kb):
    """A real, small file system: writes past its size fail with ENOSPC. Needs mount rights
    (root with CAP_SYS_ADMIN); skipped otherwise."""
    folder = os.fspath(folder)
    os.makedirs(folder, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", folder], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill ({proc.stderr.strip() or 'no permission'}); the "
                    f"file-size-limit test covers failed writes without it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", folder], check=False)


def used_kb(folder):
    st = os.statvfs(folder)
    return (st.f_blocks - st.f_bfree) * st.f_frsize // 1024


@pytest.mark.parametrize("stage", FSIZE_IDS)
def test_full_disk_fails_cleanly_and_frees_the_space(front, toy_bundle, tmp_path, stage, guard, noisy):
    scene, sizes = noisy
    folder = os.path.dirname(scene)
    rasters = sizes["mask"] + sizes["probability"] + sizes["coarse_grid"]
    size_kb = sizes["mask"] // 2048 if stage == "rasters" else (rasters + sizes["polygons"] // 2) // 1024 + 64
    g = guard(folder)
    with tiny_tmpfs(tmp_path / "disk", max(size_kb, 16)) as disk:
        empty = used_kb(disk)
        outcome = front.run(scene, disk, toy_bundle)
        outcome.assert_error("cannot", "full")
        assert names_stage(outcome.message, stage), outcome.message
        assert os.listdir(disk) == [], os.listdir(disk)
        assert used_kb(disk) == empty  # every temporary file was really deleted
    g.check()


def test_report_that_cannot_be_written_is_an_output_error(toy_bundle, scene_path, tmp_path, monkeypatch):
    """Simulated: the report's open() fails with ENOSPC (the real failure above is hard to
    aim at this last, small file). It must be an OutputError, not a bare OSError."""
    import builtins
    import errno

    from cloud_mask_plugin.core import pipeline

    real_open = builtins.open

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode and str(path).endswith(".json"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(pipeline, "open", failing_open, raising=False)
    out = tmp_path / "out"
    outcome = rh.engine_run(scene_path, out, toy_bundle)
    outcome.assert_error("report", "No space left on device")
    assert os.listdir(out) == []


# ------------------------------------------------------------------------ two runs at once

def test_second_run_on_the_same_outputs_while_one_runs(toy_bundle, scene_path, tmp_path):
    """Deterministic overlap in one process (as in QGIS: two tasks): run A pauses inside its
    first progress callback while run B starts on the same outputs."""
    out = tmp_path / "out"
    outputs = default_outputs(scene_path, str(out))
    a_running, b_done = threading.Event(), threading.Event()
    result = {}

    def progress(fraction, message):
        a_running.set()
        assert b_done.wait(30)

    def run_a():
        try:
            result["a"] = mask_file(scene_path, outputs, MaskOptions(model=toy_bundle, overwrite=True), progress=progress)
        except Exception as exc:  # noqa: BLE001 - reported below
            result["a"] = exc

    thread = threading.Thread(target=run_a)
    thread.start()
    try:
        assert a_running.wait(30)
        for overwrite in (False, True):
            with pytest.raises(OutputError, match="another run is writing"):
                mask_file(scene_path, outputs, MaskOptions(model=toy_bundle, overwrite=overwrite))
    finally:
        b_done.set()
        thread.join(60)
    assert not isinstance(result["a"], Exception), result["a"]
    rh.assert_valid_mask(outputs.mask)
    assert rh.leftovers(out) == []


def test_two_cli_processes_on_the_same_outputs(toy_bundle, tmp_path):
    """Two processes at once: each either finishes or says another run is writing; the
    files in place are complete and equal to a run alone."""
    folder = tmp_path / "in"
    folder.mkdir()
    scene = noisy_scene(folder, size=600)
    expected = rh.engine_run(scene, tmp_path / "alone", toy_bundle, polygons=False)
    env = dict(os.environ, PYTHONPATH=rh.REPO)
    out = tmp_path / "out"
    args = rh.cli_args(scene, out, toy_bundle, overwrite=True, polygons=False)
    procs = [subprocess.Popen([sys.executable, "-m", "cloud_mask_plugin", *args], cwd=rh.REPO, env=env,
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True) for _ in range(2)]
    results = [(p.wait(120), p.stderr.read()) for p in procs]
    for proc in procs:
        proc.stderr.close()
    succeeded = [rc for rc, _ in results if rc == 0]
    assert succeeded, results
    for rc, err in results:
        if rc != 0:
            assert rc == 2 and "another run is writing" in err, err
    np.testing.assert_array_equal(rh.read(default_outputs(scene, str(out)).mask)[1],
                                  rh.read(expected.outputs["mask"])[1])
    assert rh.leftovers(out) == []


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_run_killed_mid_way_does_not_block_or_litter_the_next(toy_bundle, tmp_path):
    """A run killed outright (power cut, kill -9) cannot clean up: its lock and temporary
    files stay. The next run on the same outputs must work and remove them."""
    folder = tmp_path / "in"
    folder.mkdir()
    scene = noisy_scene(folder, size=600)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=rh.REPO)
    proc = subprocess.Popen([sys.executable, "-m", "cloud_mask_plugin", *rh.cli_args(scene, out, toy_bundle)], cwd=rh.REPO,
                            env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: any(".partial" in n for n in os.listdir(out)) if os.path.isdir(out) else False)
    finally:
        proc.kill()
        proc.wait()
    assert rh.leftovers(out), "the killed run left nothing to clean up; the test did not kill it mid-way"
    # The temporary file of another output in the same folder (another run may be writing
    # it right now) must survive the clean-up.
    other = out / ".other_cloudmask.0123abcd.partial.tif"
    other.write_bytes(b"another run's work")
    outcome = rh.engine_run(scene, out, toy_bundle)
    assert outcome.ok, outcome.message
    rh.assert_valid_mask(outcome.outputs["mask"])
    assert other.read_bytes() == b"another run's work"
    other.unlink()
    assert rh.leftovers(out) == []


def test_lock_of_a_live_run_is_respected(toy_bundle, scene_path, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    outputs = default_outputs(scene_path, str(out))
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        lock = outputs.mask + ".lock"
        with open(lock, "w") as f:
            f.write(str(sleeper.pid))
        with pytest.raises(OutputError, match="another run is writing"):
            mask_file(scene_path, outputs, MaskOptions(model=toy_bundle))
        assert open(lock).read() == str(sleeper.pid)
        assert sorted(os.listdir(out)) == [os.path.basename(lock)]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_independent_runs_in_parallel_threads_match_a_run_alone(toy_bundle, scene_path, tmp_path):
    """QGIS can run a panel task and a Processing run at the same time: runs on different
    outputs in parallel threads give exactly the answer of a run alone."""
    alone = rh.engine_run(scene_path, tmp_path / "alone", toy_bundle)
    assert alone.ok
    reference = rh.read(alone.outputs["mask"])[1]
    results = {}

    def run(i):
        results[i] = rh.engine_run(scene_path, tmp_path / f"parallel_{i}", toy_bundle)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for i in range(3):
        assert results[i].ok, results[i].message
        np.testing.assert_array_equal(rh.read(results[i].outputs["mask"])[1], reference)
        assert rh.leftovers(tmp_path / f"parallel_{i}") == []


@pytest.mark.parametrize("polygons", [True, False], ids=["polygons", "rasters only"])
def test_output_folder_removed_while_running(toy_bundle, scene_path, tmp_path, polygons):
    """The user deletes the output folder during the run: one line (from tracing the
    polygons, or from moving the finished files into place), nothing half-moved."""
    out = tmp_path / "out"
    outputs = default_outputs(scene_path, str(out), polygons=polygons)

    def progress(fraction, message):
        if message == "writing the mask" and out.exists():
            shutil.rmtree(out)

    with pytest.raises(OutputError) as error:
        mask_file(scene_path, outputs, MaskOptions(model=toy_bundle), progress=progress)
    assert "\n" not in str(error.value) and "scene_" in str(error.value)
    assert not out.exists() or rh.leftovers(out) == []
    assert rh.engine_run(scene_path, out, toy_bundle).ok  # and the next run recreates it


@pytest.mark.parametrize("previous", [False, True], ids=["new outputs", "overwriting"])
def test_outputs_are_moved_in_all_or_nothing(toy_bundle, scene_path, tmp_path, previous):
    """One output cannot be replaced at the very end (on Windows: a file QGIS has open;
    simulated here by a folder appearing at its path during the run). The run fails and
    leaves either none of its outputs or, when overwriting, exactly the previous ones."""
    out = tmp_path / "out"
    outputs = default_outputs(scene_path, str(out))
    if previous:
        assert rh.engine_run(scene_path, out, toy_bundle).ok
    before = rh.snapshot(out) if out.exists() else {}

    def progress(fraction, message):
        if message == "done":  # the last step before the outputs are moved into place
            if os.path.exists(outputs.coarse_grid):
                os.remove(outputs.coarse_grid)
            os.makedirs(os.path.join(outputs.coarse_grid, "in use"))

    with pytest.raises(OutputError) as error:
        mask_file(scene_path, outputs, MaskOptions(model=toy_bundle, overwrite=previous), progress=progress)
    assert "scene_coarsegrid.tif" in str(error.value)
    shutil.rmtree(outputs.coarse_grid)
    after = rh.snapshot(out)
    if previous:
        expected = {k: v for k, v in before.items() if k != os.path.basename(outputs.coarse_grid)}
        assert after == expected, "a failed overwrite left a mix of old and new outputs"
    else:
        assert after == {}, f"a failed run left outputs: {sorted(after)}"
    assert rh.leftovers(out) == []

"""Helpers for the reliability tests: rasters with chosen defects, checksums, leftover
checks and one runner per front end (engine, command line, Processing algorithm) that
turns a run into an ``Outcome``: what was written, or the one message the user saw."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import pytest

from tests.helpers.real_data import REPO

HERE = os.path.dirname(os.path.abspath(__file__))

# Files a run may leave only while it runs: temporary outputs and their SQLite or GDAL
# sidecars, and the per-output locks.
LEFTOVER = re.compile(r"(\.partial|\.lock$|-journal$|-wal$|-shm$)")
# The CLI's progress lines on stderr when it is not a terminal: "<name>: NN% <stage>".
PROGRESS_LINE = re.compile(r"^.+: +\d{1,3}% .+$")


def sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def snapshot(folder) -> Dict[str, str]:
    """name -> checksum of every file in ``folder`` (not recursive)."""
    folder = os.fspath(folder)
    return {name: sha256(os.path.join(folder, name)) for name in sorted(os.listdir(folder))
            if os.path.isfile(os.path.join(folder, name))}


def leftovers(*folders) -> List[str]:
    found = []
    for folder in folders:
        folder = os.fspath(folder)
        if os.path.isdir(folder):
            found += [os.path.join(folder, n) for n in os.listdir(folder) if LEFTOVER.search(n)]
    return found


def scene(height, width, seed=0, dtype=np.float32, bands=4):
    """Reflectance-like data with dark, bright and mixed regions, so the coarse model
    settles some cells and sends others to the fine model."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.0, 0.6, size=(height, width)).astype(np.float32)
    base[: height // 2, : width // 2] = 0.05
    base[height // 2:, width // 2:] = 0.9
    data = np.stack([base + rng.normal(0, 0.01, size=base.shape).astype(np.float32) for _ in range(bands)])
    # Never 0 in every band: such a pixel of a raster without a no-data value is fill (core/fill.py).
    data = np.clip(data, 0.001, 1.0)
    if np.dtype(dtype).kind in "iu":
        data = np.rint(data * 10000).astype(dtype)
    return data.astype(dtype)


def read(path):
    from osgeo import gdal

    ds = gdal.Open(os.fspath(path))
    assert ds is not None, f"{path} is not a readable raster"
    return ds, ds.GetRasterBand(1).ReadAsArray()


def assert_grid_like(output, source):
    """Same size, geotransform (or both none) and CRS (or both none) as ``source``."""
    from osgeo import gdal

    out, src = gdal.Open(os.fspath(output)), gdal.Open(os.fspath(source))
    assert (out.RasterXSize, out.RasterYSize) == (src.RasterXSize, src.RasterYSize)
    out_gt, src_gt = out.GetGeoTransform(can_return_null=True), src.GetGeoTransform(can_return_null=True)
    if src_gt is None:
        assert out_gt is None, f"input has no geotransform but {output} got {out_gt}"
    else:
        assert out_gt == pytest.approx(src_gt)
    if src.GetSpatialRef() is None:
        assert out.GetSpatialRef() is None, f"input has no CRS but {output} got one"
    else:
        assert out.GetSpatialRef() is not None and out.GetSpatialRef().IsSame(src.GetSpatialRef())


def assert_valid_mask(path, nodata=None):
    """A finished mask: readable to the last pixel, values in {0, 1, 255}; 255 exactly at
    ``nodata`` (bool array) when given."""
    _, mask = read(path)
    assert mask is not None
    assert set(np.unique(mask).tolist()) <= {0, 1, 255}
    if nodata is not None:
        np.testing.assert_array_equal(mask == 255, nodata)
    return mask


@contextlib.contextmanager
def unwritable(folder):
    """Make ``folder`` refuse new files for real. chmod does not stop root, so as root the
    folder is made immutable (chattr +i), which stops root too; skip when neither works."""
    folder = os.fspath(folder)
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        undo = lambda: os.chmod(folder, 0o755)  # noqa: E731
    else:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", folder], capture_output=True).returncode != 0:
            pytest.skip("running as root, where chmod does not stop writes, and chattr +i is not available here")
        undo = lambda: subprocess.run([chattr, "-i", folder], check=True)  # noqa: E731
    try:
        probe = os.path.join(folder, "probe")
        try:
            open(probe, "w").close()
        except OSError:
            pass
        else:
            os.remove(probe)
            pytest.skip(f"could not make {folder} unwritable on this file system")
        yield folder
    finally:
        undo()


# ---------------------------------------------------------------------------- front ends

@dataclass
class Outcome:
    ok: bool
    message: str = ""                     # the error the user saw (one line), "" on success
    outputs: Dict[str, Optional[str]] = field(default_factory=dict)
    report: Optional[dict] = None
    stderr: str = ""

    def assert_error(self, *fragments):
        assert not self.ok, f"expected an error containing {fragments}, but the run succeeded"
        assert "Traceback" not in self.message + self.stderr, self.message + self.stderr
        assert "\n" not in self.message.strip(), f"error is not one line: {self.message!r}"
        for fragment in fragments:
            assert fragment.lower() in self.message.lower(), f"{fragment!r} not in {self.message!r}"


def engine_run(input_path, out_dir, model, bands=None, overwrite=False, polygons=True, **options) -> Outcome:
    from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file
    from cloud_mask_plugin.core.errors import CloudMaskError

    try:
        outputs = default_outputs(os.fspath(input_path), os.fspath(out_dir), polygons=polygons)
        result = mask_file(os.fspath(input_path), outputs,
                           MaskOptions(model=model, bands=bands, overwrite=overwrite, device="cpu", **options))
    except CloudMaskError as exc:
        return Outcome(False, str(exc))
    return Outcome(True, outputs=vars(result.outputs), report=result.report)


def cli_args(input_path, out_dir, model, bands=None, overwrite=False, polygons=True, extra=(), scale=None):
    args = ["mask", os.fspath(input_path), "--output-dir", os.fspath(out_dir), "--device", "cpu"]
    if model:
        args += ["--model", os.fspath(model)]
    if bands:
        args += ["--bands", ",".join(b or "-" for b in bands)]
    if overwrite:
        args.append("--overwrite")
    if not polygons:
        args.append("--no-polygons")
    if scale is not None:
        args += ["--scale", repr(scale)]
    return args + list(extra)


def _cli_outcome(rc, stderr, input_path, out_dir, polygons) -> Outcome:
    """Check the CLI's contract on stderr and make an Outcome of it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    stray = [line for line in lines if not line.startswith(("error: ", "warning: ")) and not PROGRESS_LINE.match(line)
             and not line.startswith("cancelling")]
    assert not stray, f"the CLI printed more than progress and one error line: {stray}"
    if rc == 0:
        assert not errors, errors
        from cloud_mask_plugin.core.api import default_outputs

        outputs = vars(default_outputs(os.fspath(input_path), os.fspath(out_dir), polygons=polygons))
        import json

        with open(outputs["report"], encoding="utf-8") as f:
            report = json.load(f)
        return Outcome(True, outputs=outputs, report=report, stderr=stderr)
    assert rc in (2, 130), f"the CLI exited with {rc}: {stderr}"
    assert len(errors) == 1, f"expected one 'error:' line, got {errors}"
    return Outcome(False, errors[0][len("error: "):], stderr=stderr)


def cli_run(input_path, out_dir, model, capfd, bands=None, overwrite=False, polygons=True, extra=(),
            scale=None) -> Outcome:
    """The CLI's ``main`` in this process (fast); ``capfd`` also catches GDAL's own C-level
    messages, which must not reach the user's terminal either."""
    from cloud_mask_plugin.__main__ import main

    capfd.readouterr()
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stderr(buffer):
            rc = main(cli_args(input_path, out_dir, model, bands, overwrite, polygons, extra, scale))
    except SystemExit as exc:  # argparse usage errors
        rc = exc.code
    captured = capfd.readouterr()
    return _cli_outcome(rc, buffer.getvalue() + captured.err, input_path, out_dir, polygons)


def cli_subprocess(args, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "cloud_mask_plugin", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def cli_run_subprocess(input_path, out_dir, model, bands=None, overwrite=False, polygons=True, extra=(),
                       scale=None, **kwargs) -> Outcome:
    proc = cli_subprocess(cli_args(input_path, out_dir, model, bands, overwrite, polygons, extra, scale), **kwargs)
    return _cli_outcome(proc.returncode, proc.stderr, input_path, out_dir, polygons)


def processing_run(input_path, out_dir, model, bands=None, overwrite=False, polygons=True,
                   feedback=None, scale=None, **parameters) -> Outcome:
    """``processing.run("cloudmask:maskclouds", ...)`` with every output asked for, named
    like the CLI names them. The algorithm always overwrites (QGIS's file widgets ask
    first), so ``overwrite`` is not passed on."""
    import processing
    from qgis.core import QgsProcessingException

    from cloud_mask_plugin.core.api import default_outputs

    outputs = vars(default_outputs(os.fspath(input_path), os.fspath(out_dir), polygons=polygons))
    params = {"INPUT": os.fspath(input_path), "MODEL": os.fspath(model) if model else "", "DEVICE": "cpu",
              "OUTPUT_MASK": outputs["mask"], "OUTPUT_PROBABILITY": outputs["probability"],
              "OUTPUT_COARSE_GRID": outputs["coarse_grid"], "OUTPUT_REPORT": outputs["report"]}
    if polygons:
        params["OUTPUT_POLYGONS"] = outputs["polygons"]
    if bands:
        params["BANDS"] = ",".join(b or "-" for b in bands)
    if scale is not None:
        params["SCALE"] = scale
    params.update(parameters)
    feedback = feedback or RecordingFeedback()
    try:
        processing.run("cloudmask:maskclouds", params, feedback=feedback)
    except QgsProcessingException as exc:
        message = str(exc)
        # processing.run prefixes parameter problems with this line of its own.
        message = message.replace("Unable to execute algorithm\n", "")
        return Outcome(False, message, stderr="\n".join(feedback.errors))
    import json

    with open(outputs["report"], encoding="utf-8") as f:
        report = json.load(f)
    return Outcome(True, outputs=outputs, report=report, stderr="\n".join(feedback.errors))


def RecordingFeedback():  # noqa: N802 - a factory, so this module imports without QGIS
    from qgis.core import QgsProcessingFeedback

    class _Recording(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.errors, self.infos, self.progress_values = [], [], []
            self.progressChanged.connect(self.progress_values.append)

        def reportError(self, error, fatalError=False):  # noqa: N802,N803 - QGIS API
            self.errors.append(error)
            super().reportError(error, fatalError)

        def pushInfo(self, info):  # noqa: N802 - QGIS API
            self.infos.append(info)
            super().pushInfo(info)

    return _Recording()

"""``pip install .``: the engine, its models and the ``cloud-mask`` command in a fresh virtual
env, run from outside the checkout. The wheel is built once without network (the build
backend of this env) and installed without dependencies: the env sees the system's GDAL and
NumPy (--system-site-packages), as the README's install steps give them."""
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from tests.helpers.real_data import REPO, write_raster

# What the wheel is built from: the package and the files pyproject.toml names.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "cloud_mask_plugin")


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    work = tmp_path_factory.mktemp("pip")
    source = work / "source"   # a copy, so the build leaves nothing in the checkout
    source.mkdir()
    for name in SOURCES:
        path = os.path.join(REPO, name)
        if os.path.isdir(path):
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(work / "dist"), str(source)])
    (wheel,) = (work / "dist").iterdir()
    env = work / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", str(env)])
    run([str(env / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)])
    return env, wheel


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, f"{command}: {done.stderr}"
    return done


def test_the_wheel_holds_the_engine_its_models_and_the_command_not_the_qgis_front_ends(venv):
    _, wheel = venv
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("cloud_mask_plugin/core/api.py", "cloud_mask_plugin/batch/run.py", "cloud_mask_plugin/__main__.py",
                 "cloud_mask_plugin/models/default/manifest.json", "cloud_mask_plugin/models/default/swir/fine.onnx",
                 "cloud_mask_plugin/models/default/rgbn/fine.onnx"):
        assert name in names
    assert not [name for name in names if "/gui/" in name or "/processing/" in name or "training/" in name]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cloud-mask = cloud_mask_plugin.__main__:console_main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_cloud_mask_help_lists_every_subcommand(venv, tmp_path):
    env, _ = venv
    shown = run([str(env / "bin" / "cloud-mask"), "--help"], cwd=tmp_path)
    assert shown.stdout.startswith("usage: cloud-mask ")
    for command in ("mask", "batch", "bands", "device"):
        assert f"    {command} " in shown.stdout
    assert "--scheduler ADDRESS" in run([str(env / "bin" / "cloud-mask"), "batch", "--help"], cwd=tmp_path).stdout


def test_the_installed_engine_reads_a_raster_with_its_bundled_model(venv, tmp_path):
    env, _ = venv
    raster = write_raster(tmp_path / "scene.tif", np.full((4, 64, 64), 1200, np.uint16))
    shown = run([str(env / "bin" / "cloud-mask"), "bands", raster], cwd=tmp_path)
    assert shown.stdout.startswith(f"{raster}: 64 x 64 pixels, 4 band(s)")
    assert "blue <- band 1" in shown.stdout
    where = run([str(env / "bin" / "python"), "-c", "import cloud_mask_plugin; print(cloud_mask_plugin.__file__)"],
                cwd=tmp_path).stdout.strip()
    assert where.startswith(str(env)), where


def test_the_package_imports_without_qgis(venv, tmp_path):
    """The system's QGIS is visible to this env; block it, as on a machine without QGIS."""
    env, _ = venv
    script = ("import sys; sys.modules['qgis'] = None\n"
              "import cloud_mask_plugin, cloud_mask_plugin.__main__, cloud_mask_plugin.core.api, "
              "cloud_mask_plugin.batch.run, cloud_mask_plugin.batch.task\n"
              "print('imported')")
    assert run([str(env / "bin" / "python"), "-c", script], cwd=tmp_path).stdout.strip() == "imported"

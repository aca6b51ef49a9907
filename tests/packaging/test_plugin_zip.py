"""``make package``: the zip a user installs holds the plugin and nothing else."""
import configparser
import os
import subprocess
import sys
import zipfile

import pytest

from tests.helpers.real_data import REPO

PLUGIN = "cloud_mask_plugin"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "package.py"), "zip", str(dist)], check=True,
                   capture_output=True, text=True)
    (path,) = dist.iterdir()
    with zipfile.ZipFile(path) as zf:
        yield path, zf.namelist(), zf


def repo_files(folder, suffixes=None):
    """Files under ``folder`` of the checkout, relative to the repository, junk left out."""
    found = []
    for parent, dirs, files in os.walk(os.path.join(REPO, folder)):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        found += [os.path.relpath(os.path.join(parent, f), REPO) for f in files
                  if not f.endswith((".pyc", ".pyo")) and not f.startswith(".") and
                  (suffixes is None or f.endswith(suffixes))]
    return found


def test_named_after_the_version_in_metadata_which_the_engine_shares(archive):
    from cloud_mask_plugin.core import __version__

    path, names, zf = archive
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read_string(zf.read(f"{PLUGIN}/metadata.txt").decode("utf-8"))
    general = metadata["general"]
    assert general["version"] == __version__
    assert path.name == f"{PLUGIN}-{__version__}.zip"
    assert general["qgisMinimumVersion"] == "3.22" and general["hasProcessingProvider"] == "yes"
    assert "pip install onnxruntime" in general["about"]
    for key in ("name", "description", "author", "email", "tracker", "repository", "homepage", "category",
                "tags", "license"):
        assert general[key].strip(), key
    assert f"{PLUGIN}/{general['icon']}" in names


def test_holds_the_code_model_resources_translations_and_license(archive):
    _, names, _ = archive
    expected = [f"{PLUGIN}/{name}" for name in ("metadata.txt", "LICENSE", "resources/icon.svg")]
    expected += repo_files(PLUGIN)  # every module and the bundled model, as in the checkout
    expected += [f"{PLUGIN}/{path}" for path in repo_files("resources")]
    expected += [f"{PLUGIN}/i18n/{os.path.splitext(os.path.basename(path))[0]}.qm"
                 for path in repo_files("i18n", (".ts", ".qm"))]
    assert sorted(set(expected) - set(names)) == []
    assert f"{PLUGIN}/processing/provider.py" in names and f"{PLUGIN}/core/api.py" in names


def test_has_no_junk(archive):
    _, names, _ = archive
    assert all(name.startswith(f"{PLUGIN}/") for name in names)
    parts = {part for name in names for part in name.split("/")}
    assert not parts & {"__pycache__", "tests", "training", ".git", ".venv", "demo_output", "dist"}
    assert not [name for name in names if name.endswith((".pyc", ".pyo", ".ts")) or "/." in name]


def test_installed_from_the_zip_it_masks_a_real_scene_in_qgis(archive, chip1_tif, tmp_path):
    """What "Install from ZIP" does: the zip is extracted into a profile's plugins folder.
    QGIS then loads the plugin from there alone (not from this checkout) and runs it."""
    path, _, zf = archive
    plugins = tmp_path / "profile" / "python" / "plugins"
    zf.extractall(plugins)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    site_packages = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip()
    env = dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "custom"), QGIS_PLUGINPATH=str(plugins),
               QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime),
               # onnxruntime comes from the project's venv here, as a user pip-installs it.
               PYTHONPATH=site_packages)
    env.pop("PYTHONSAFEPATH", None)
    qgis_process = "/usr/bin/qgis_process.bin"
    subprocess.run([qgis_process, "plugins", "enable", PLUGIN], env=env, cwd=tmp_path, check=True,
                   capture_output=True, text=True, timeout=120)
    mask = tmp_path / "mask.tif"
    run = subprocess.run([qgis_process, "run", "cloudmask:maskclouds", "--", f"INPUT={chip1_tif}", f"OUTPUT_MASK={mask}"],
                         env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    from osgeo import gdal

    out, src = gdal.Open(str(mask)), gdal.Open(chip1_tif)
    assert (out.RasterXSize, out.RasterYSize) == (src.RasterXSize, src.RasterYSize)
    assert out.GetGeoTransform() == src.GetGeoTransform()
    # The model that ran is the one inside the zip.
    assert out.GetMetadataItem("CLOUDMASK_MODEL") == "cloud-mask-default"

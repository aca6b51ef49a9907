"""Installing onnxruntime from the panel: pip --target into a folder the plugin puts on
sys.path. Tested offline with a tiny wheel built here (nothing is downloaded)."""
import base64
import hashlib
import importlib
import os
import stat
import sys
import zipfile

import pytest

from cloud_mask_plugin import packages
from cloud_mask_plugin.gui.installer import InstallBanner

from tests.helpers.gui import wait_until

MODULE = "cloud_mask_wheel_probe"


def build_wheel(folder, value):
    """A pure-Python wheel of MODULE (version 0.1) whose VALUE is ``value``."""
    files = {
        f"{MODULE}/__init__.py": f"VALUE = {value}\n",
        f"{MODULE}-0.1.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {MODULE}\nVersion: 0.1\n",
        f"{MODULE}-0.1.dist-info/WHEEL": ("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                          "Tag: py3-none-any\n"),
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append(f"{MODULE}-0.1.dist-info/RECORD,,")
    path = os.path.join(folder, f"{MODULE}-0.1-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr(f"{MODULE}-0.1.dist-info/RECORD", "\n".join(record) + "\n")
    return path


@pytest.fixture
def clean_import_state():
    path_before = list(sys.path)
    yield
    sys.path[:] = path_before
    sys.modules.pop(MODULE, None)
    importlib.invalidate_caches()


def test_installer_task_installs_a_local_wheel_that_the_plugin_then_imports(qgis_iface, tmp_path,
                                                                             clean_import_state):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_wheel(str(wheels), 42)
    target = tmp_path / "profile" / "cloud_mask" / "python"
    with pytest.raises(ImportError):
        importlib.import_module(MODULE)

    banner = InstallBanner()
    task = banner.install(MODULE, folder=str(target), extra=["--no-index", "--find-links", str(wheels)])
    assert not banner.progress.isHidden()   # shown (the banner itself is hidden here: onnxruntime is installed)
    assert not banner.button.isEnabled()
    wait_until(lambda: banner.task is None, timeout=120, what="pip to finish")

    assert task.succeeded, "\n".join(task.output)
    assert (target / MODULE / "__init__.py").is_file()
    assert str(target) in sys.path                       # the task put the folder on the path
    assert importlib.import_module(MODULE).VALUE == 42   # and the plugin's Python imports from it
    assert banner.label.text() == f"{MODULE} is installed; the panel is ready."
    assert banner.button.isEnabled()


def test_a_failed_install_says_so_in_one_line(qgis_iface, tmp_path, clean_import_state):
    banner = InstallBanner()
    empty = tmp_path / "no_wheels"
    empty.mkdir()
    task = banner.install(MODULE, folder=str(tmp_path / "target"), extra=["--no-index", "--find-links", str(empty)])
    wait_until(lambda: banner.task is None, timeout=120, what="pip to finish")
    assert not task.succeeded
    assert any("No matching distribution" in line or "Could not find" in line for line in task.output)
    assert banner.label.text().startswith(f"Installing {MODULE} failed; the log panel (Cloud Mask tab) says why.")
    with pytest.raises(ImportError):
        importlib.import_module(MODULE)


def test_the_plugin_puts_the_profile_folder_at_the_end_of_sys_path(qgis_processing, qgis_iface, clean_import_state):
    from cloud_mask_plugin import classFactory

    plugin = classFactory(qgis_iface)
    plugin.initProcessing()
    try:
        folder = os.path.normpath(packages.package_folder())
        assert folder in sys.path
        # After QGIS's own site-packages, so its NumPy and GDAL keep winning.
        site = [i for i, p in enumerate(sys.path) if p.endswith(("site-packages", "dist-packages"))]
        assert sys.path.index(folder) > max(site)
    finally:
        plugin.unload()


def test_pip_command_targets_the_folder_and_works_for_externally_managed_pythons(tmp_path):
    command = packages.pip_command("onnxruntime", str(tmp_path / "python"), python="/usr/bin/python3")
    assert command[:4] == ["/usr/bin/python3", "-m", "pip", "install"]
    assert command[command.index("--target") + 1] == str(tmp_path / "python")
    assert command[-1] == "onnxruntime"
    constraints = command[command.index("--constraint") + 1]
    assert open(constraints).read().strip() == "numpy<2"
    assert "--break-system-packages" not in command and "--user" not in command


def test_gpu_package_is_offered_when_an_nvidia_driver_is_seen(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert packages.suggested_package() == "onnxruntime"
    tool = tmp_path / "nvidia-smi"
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    assert packages.suggested_package() == "onnxruntime-gpu"


def test_without_onnxruntime_the_panel_offers_to_install_it(gui, monkeypatch):
    # As in a fresh QGIS: importing onnxruntime fails.
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    assert not packages.onnxruntime_available()
    dock = gui.dock
    dock.update_device_label()
    banner = dock.install_banner
    assert not banner.isHidden()
    assert banner.button.text() in ("Install onnxruntime", "Install onnxruntime-gpu")
    assert banner.label.text().startswith("The models run on onnxruntime, which is not installed in QGIS yet.")
    # One line saying what to do in this panel (not "in the Cloud Mask panel", nor a pip command).
    assert dock.device_label.text() == ("onnxruntime is not installed in QGIS yet; install it with the button at the "
                                        "top of this panel.")
    monkeypatch.delitem(sys.modules, "onnxruntime")
    dock.update_device_label()
    assert banner.isHidden()

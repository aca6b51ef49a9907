"""onnxruntime for the plugin inside QGIS, without touching QGIS's own Python.

QGIS does not ship onnxruntime, and the usual ``pip install`` fails where the Python is
managed by someone else: Debian 12 and Ubuntu 23.04+ refuse it ("externally-managed-
environment"), OSGeo4W and macOS need a shell users rarely find, Flatpak's is read-only.
So the plugin installs it with ``pip install --target`` into a folder of the QGIS profile
and puts that folder on ``sys.path`` at start-up. The folder goes at the end of the path:
packages QGIS already has (NumPy above all, which GDAL was built against) keep winning
over the copies pip puts beside onnxruntime.
"""
import importlib
import importlib.util
import os
import shutil
import sys
from typing import List, Optional

CPU_PACKAGE = "onnxruntime"
GPU_PACKAGE = "onnxruntime-gpu"
# The engine needs NumPy 1.x (QGIS's GDAL is built against it); keep pip from putting a
# NumPy 2 beside onnxruntime that a later change of the path order could pick up. A
# constraint, not a requirement: pip installs NumPy only when onnxruntime asks for it.
CONSTRAINTS = "numpy<2\n"


def package_folder() -> str:
    """``<QGIS profile>/cloud_mask/python``: where the plugin's own packages go."""
    from qgis.core import QgsApplication

    return os.path.join(QgsApplication.qgisSettingsDirPath(), "cloud_mask", "python")


def use_package_folder(folder: Optional[str] = None) -> str:
    """Put ``folder`` (default: ``package_folder()``) at the end of ``sys.path``."""
    folder = os.path.normpath(folder or package_folder())
    if folder not in sys.path:
        sys.path.append(folder)
    importlib.invalidate_caches()
    return folder


def onnxruntime_available() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


def nvidia_gpu_seen() -> bool:
    """True when NVIDIA's driver tool is installed: onnxruntime-gpu is then worth offering."""
    return shutil.which("nvidia-smi") is not None


def suggested_package() -> str:
    return GPU_PACKAGE if nvidia_gpu_seen() else CPU_PACKAGE


def python_executable() -> Optional[str]:
    """The Python interpreter behind QGIS's embedded Python. Inside QGIS ``sys.executable``
    is often QGIS itself (qgis-bin.exe, the macOS app), so look beside it too."""
    candidates = [sys.executable]
    for folder in (sys.exec_prefix, os.path.join(sys.exec_prefix, "bin"), os.path.dirname(sys.executable)):
        for name in ("python3", "python", "python3.exe", "python.exe"):
            candidates.append(os.path.join(folder, name))
    candidates.append(shutil.which("python3") or "")
    for path in candidates:
        if path and os.path.isfile(path) and os.path.basename(path).lower().startswith("python"):
            return path
    return None


def pip_command(requirement: str, folder: str, extra: Optional[List[str]] = None,
                python: Optional[str] = None) -> List[str]:
    """``python -m pip install --target folder requirement``; ``--target`` also works where
    the Python is externally managed, since it installs into no environment. Writes the
    constraints file beside ``folder``."""
    python = python or python_executable()
    if python is None:
        raise FileNotFoundError("no Python interpreter found beside QGIS")
    os.makedirs(folder, exist_ok=True)
    constraints = os.path.join(os.path.dirname(os.path.abspath(folder)), "constraints.txt")
    with open(constraints, "w", encoding="utf-8") as f:
        f.write(CONSTRAINTS)
    return ([python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--upgrade",
             "--target", folder, "--constraint", constraints] + list(extra or []) + [requirement])

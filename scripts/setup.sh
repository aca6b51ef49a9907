#!/usr/bin/env bash
# Install everything the project needs on Debian 12: QGIS 3.22 from Debian, and a .venv
# that sees it (--system-site-packages) with onnxruntime, the test tools and torch.
# Safe to run again: each step is skipped when already done, so a second run takes seconds.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

APT_PACKAGES=(
    qgis python3-qgis qgis-providers  # QGIS, PyQGIS, qgis_process and the GDAL/OGR providers
    python3-rasterio                  # training/ reads rasters with it
    python3-matplotlib                # the clear fraction chart (QGIS ships it; named so it is there)
    python3-venv                      # `python3 -m venv` on Debian
    xvfb                              # a virtual screen for looking at the GUI by hand
    qttools5-dev-tools                # lrelease, to compile i18n/*.ts for `make package`
)
VENV=.venv
STAMP=$VENV/.requirements-installed

missing=()
for package in "${APT_PACKAGES[@]}"; do
    # "install ok installed", not merely known to dpkg (a removed package keeps its config).
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || missing+=("$package")
done
if ((${#missing[@]})); then
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    echo "setup: installing Debian packages: ${missing[*]}"
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}"
fi

# Debian's Python, not another one on PATH: PyQGIS and GDAL's bindings are built for it.
if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating $VENV"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi

if [ ! -f "$STAMP" ] || [ requirements.txt -nt "$STAMP" ] || [ requirements-dev.txt -nt "$STAMP" ] \
        || [ requirements-demo.txt -nt "$STAMP" ]; then
    echo "setup: installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install --quiet -r requirements-dev.txt
    "$VENV/bin/python" -m pip install --quiet --no-deps -r requirements-demo.txt
    touch "$STAMP"
fi

# Catch a .venv made some other way (another Python, no system site packages).
if ! "$VENV/bin/python" -c "import qgis.core, osgeo.gdal, onnxruntime, pytest_qgis" 2>/dev/null; then
    echo "setup: $VENV cannot import QGIS, GDAL and onnxruntime together; delete it and run 'make setup' again" >&2
    exit 1
fi

#!/usr/bin/env bash
# Run qgis_process with this checkout's plugin installed and enabled in a throwaway QGIS
# profile, so nothing in the user's own QGIS settings is read or changed:
#   scripts/qgis_process.sh run cloudmask:maskclouds -- INPUT=scene.tif OUTPUT_MASK=mask.tif
# QGIS_PROCESS overrides the executable. Debian's /usr/bin/qgis_process wrapper passes
# --noversioncheck, which QGIS 3.22 rejects, so the real binary is the default.
# PYTHON names a Python (a virtual environment's) whose packages, onnxruntime above all,
# qgis_process should see besides those of the system Python that QGIS embeds.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
qgis_process=${QGIS_PROCESS:-/usr/bin/qgis_process.bin}
python=${PYTHON:-python3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" "$repo/scripts/package.py" stage "$work/plugins" >/dev/null
site_packages=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
export PYTHONPATH="$site_packages${PYTHONPATH:+:$PYTHONPATH}"
export QGIS_PLUGINPATH="$work/plugins"
export QGIS_CUSTOM_CONFIG_PATH="$work/profile"
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

"$qgis_process" plugins enable cloud_mask_plugin >/dev/null
"$qgis_process" "$@"

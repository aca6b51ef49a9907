#!/usr/bin/env bash
# Mask the clouds of a real cloudy Landsat 8 scene headless with qgis_process and the
# bundled model, the way a user would after installing the plugin; print the report.
# The scene is a folder of band files as USGS delivers them: no band options needed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-.venv/bin/python}
OUT=$PWD/demo_output
SCENE=$("$PYTHON" scripts/demo_scene.py folder)
mkdir -p "$OUT"
echo "scene: $SCENE"
ls "$SCENE"

echo
echo "== qgis_process run cloudmask:maskclouds"
PYTHON="$PYTHON" scripts/qgis_process.sh run cloudmask:maskclouds -- \
    INPUT="$SCENE" \
    OUTPUT_MASK="$OUT/landsat8_demo_cloudmask.tif" \
    OUTPUT_PROBABILITY="$OUT/landsat8_demo_cloudprob.tif" \
    OUTPUT_COARSE_GRID="$OUT/landsat8_demo_coarsegrid.tif" \
    OUTPUT_POLYGONS="$OUT/landsat8_demo_clouds.gpkg" \
    OUTPUT_REPORT="$OUT/landsat8_demo_report.json" \
    2> >(grep -v "setapi() is deprecated" >&2)

echo
echo "== $OUT/landsat8_demo_report.json"
cat "$OUT/landsat8_demo_report.json"
echo
echo
echo "== compared with the scene's own quality band"
"$PYTHON" scripts/demo_scene.py compare "$OUT/landsat8_demo_cloudmask.tif"

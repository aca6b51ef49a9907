"""Take the README screenshot: QGIS with a real Sentinel-2 scene, the Cloud Mask panel at
its default width and the styled results of a run started from the panel, the map zoomed
to the scene.

    .venv/bin/python scripts/screenshot.py [--output docs/screenshot.png] [--lang pt_BR]

Needs QGIS and Xvfb (Debian: qgis, xvfb) and the shared data folder beside the repository
(On Cloud N chip_1). It starts the real QGIS desktop under Xvfb with a throw-away profile,
loads the plugin from this checkout, masks the scene from the panel exactly as a user
would (tick the layer, press "Mask clouds"), waits for the background task and for the
map to render, and saves a picture of the whole window.

The script runs twice: first in this Python (it prepares the scene and starts QGIS), then
inside QGIS through ``qgis --code`` (CLOUD_MASK_SCREENSHOT_STAGE tells the two apart).
It runs the bundled default model, as a user's first run does.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

STAGE_VARIABLE = "CLOUD_MASK_SCREENSHOT_STAGE"
# QGIS runs this file with exec(), where __file__ is not defined: the first stage passes
# the repository's path on.
REPO = os.environ.get("CLOUD_MASK_SCREENSHOT_REPO") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(REPO), "shared", "data")
WIDTH, HEIGHT = 1600, 1000


# -- stage 1: in the project's Python --------------------------------------------------------
def prepare_scene(folder):
    """On Cloud N chip_1 (Sentinel-2 L2A) as one GeoTIFF with band names."""
    from osgeo import gdal

    chip = os.path.join(DATA, "oncloudn_s2", "chip_1")
    if not os.path.isdir(chip):
        sys.exit(f"error: the shared data folder is missing ({chip})")
    vrt = gdal.BuildVRT("", [os.path.join(chip, f"{b}.tif") for b in ("B02", "B03", "B04", "B08")], separate=True)
    path = os.path.join(folder, "S2_chip_1.tif")
    ds = gdal.Translate(path, vrt, creationOptions=["TILED=YES", "COMPRESS=DEFLATE"])
    for index, name in enumerate(("blue", "green", "red", "nir"), start=1):
        ds.GetRasterBand(index).SetDescription(name)
        ds.GetRasterBand(index).SetNoDataValue(0)
    ds = None
    return path


def check_default_model():
    sys.path.insert(0, REPO)
    from cloud_mask_plugin.core.bundle import DEFAULT_BUNDLE_DIR

    if not os.path.isfile(os.path.join(DEFAULT_BUNDLE_DIR, "manifest.json")):
        sys.exit(f"error: the bundled model is missing from {DEFAULT_BUNDLE_DIR}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=os.path.join(REPO, "docs", "screenshot.png"))
    parser.add_argument("--lang", help="interface language, e.g. pt_BR or es (default: QGIS's, English here)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds before giving up on QGIS")
    args = parser.parse_args()
    for tool in ("qgis", "xvfb-run"):
        if not shutil.which(tool):
            sys.exit(f"error: '{tool}' is not installed (Debian: apt install qgis xvfb)")

    work = tempfile.mkdtemp(prefix="cloud_mask_screenshot_")
    try:
        env = dict(os.environ)
        env[STAGE_VARIABLE] = "qgis"
        env["CLOUD_MASK_SCREENSHOT_REPO"] = REPO
        env["CLOUD_MASK_SCREENSHOT_SCENE"] = prepare_scene(work)
        check_default_model()
        output = os.path.abspath(args.output)
        env["CLOUD_MASK_SCREENSHOT_OUTPUT"] = output
        # QGIS runs the system Python; give it this checkout and this environment's
        # packages (onnxruntime) as they are here.
        env["PYTHONPATH"] = os.pathsep.join([REPO] + [p for p in sys.path if p.endswith("-packages")])
        env.pop("QT_QPA_PLATFORM", None)
        os.makedirs(os.path.dirname(output), exist_ok=True)
        if os.path.exists(output):
            os.remove(output)
        command = ["xvfb-run", "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24",
                   "qgis", "--nologo", "--noversioncheck", "--profiles-path", os.path.join(work, "profiles"),
                   "--code", os.path.abspath(__file__)]
        if args.lang:
            command[command.index("--code"):command.index("--code")] = ["--lang", args.lang]
        # A session of its own, so that Xvfb and QGIS can be stopped together on a timeout.
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        try:
            log, _ = process.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.communicate()
            sys.exit(f"error: QGIS did not finish within {args.timeout} s")
        if not os.path.isfile(output):
            sys.stderr.write(log[-6000:])
            sys.exit("error: QGIS exited without writing the screenshot")
        print(f"wrote {output}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- stage 2: inside QGIS --------------------------------------------------------------------
def run_inside_qgis():
    from qgis.core import (QgsContrastEnhancement, QgsMultiBandColorRenderer, QgsProject, QgsRasterLayer,
                           QgsRasterMinMaxOrigin, QgsSettings)
    from qgis.PyQt.QtCore import Qt, QTimer
    from qgis.PyQt.QtWidgets import QDockWidget
    from qgis.utils import iface

    scene = os.environ["CLOUD_MASK_SCREENSHOT_SCENE"]
    output = os.environ["CLOUD_MASK_SCREENSHOT_OUTPUT"]
    # Everything stays referenced from here until QGIS exits.
    state = {}

    def finish(code):
        QgsProject.instance().setDirty(False)
        # QGIS's own shutdown may ask questions or crash at exit under Xvfb; the picture
        # is written by then, so leave at once.
        os._exit(code)

    def fail(message):
        sys.stderr.write(f"screenshot: {message}\n")
        finish(1)

    QTimer.singleShot(240000, lambda: fail("timed out inside QGIS"))

    settings = QgsSettings()
    settings.remove("cloud_mask")
    settings.setValue("cloud_mask/outputs/polygons", True)
    settings.setValue("cloud_mask/outputs/probability", True)

    import cloud_mask_plugin
    from cloud_mask_plugin.gui.dock import DEFAULT_WIDTH

    plugin = cloud_mask_plugin.classFactory(iface)
    plugin.initGui()
    state["plugin"] = plugin
    gui = plugin._gui
    dock = gui.dock

    window = iface.mainWindow()
    # Xvfb has no window manager to maximise the window: fill the screen by hand.
    window.setGeometry(0, 0, WIDTH, HEIGHT)
    for widget in window.findChildren(QDockWidget):
        if widget.objectName() in ("Browser", "Browser2"):
            widget.hide()
    dock.show()
    layers_panel = window.findChild(QDockWidget, "Layers")
    if layers_panel is not None:
        # Wide enough for the products' names ("Sentinel-2 chip 1 - cloud polygons").
        window.resizeDocks([layers_panel, dock], [380, DEFAULT_WIDTH], Qt.Horizontal)

    layer = QgsRasterLayer(scene, "Sentinel-2 chip 1")
    if not layer.isValid():
        fail(f"cannot open {scene}")
    # True colour: red, green, blue = bands 3, 2, 1, stretched on the 2-98 % cut.
    renderer = QgsMultiBandColorRenderer(layer.dataProvider(), 3, 2, 1)
    layer.setRenderer(renderer)
    layer.setContrastEnhancement(QgsContrastEnhancement.StretchToMinimumMaximum, QgsRasterMinMaxOrigin.CumulativeCut)
    QgsProject.instance().addMapLayer(layer)
    iface.setActiveLayer(layer)

    def take_picture():
        canvas = iface.mapCanvas()

        def save():
            window.grab().save(output, "PNG")
            finish(0)

        canvas.mapCanvasRefreshed.connect(lambda: QTimer.singleShot(1500, save))
        canvas.setExtent(canvas.mapSettings().layerExtentToOutputExtent(layer, layer.extent()))
        canvas.refreshAllLayers()

    def run_finished(_run, outcome, message):
        if outcome != "done":
            fail(f"the run ended '{outcome}': {message}")
        iface.setActiveLayer(layer)
        # Fold the scene's band legend so that the results' group shows in full.
        QgsProject.instance().layerTreeRoot().findLayer(layer.id()).setExpanded(False)
        dock.select_layer(layer.id())
        QTimer.singleShot(1000, take_picture)

    def start():
        dock.refresh_layers()
        dock.select_layer(layer.id())
        dock.set_layer_checked(layer.id())
        gui.runner.run_finished.connect(run_finished)
        dock.mask_button.click()

    QTimer.singleShot(3000, start)


if os.environ.get(STAGE_VARIABLE) == "qgis":
    run_inside_qgis()
elif __name__ == "__main__":
    main()

"""Style the algorithm's output layers when QGIS loads them into the project.

Processing loads output layers after the algorithm has finished; a layer post-processor
is the hook it offers to change them then. The QML styles live in ``resources/styles/``;
an output whose style file is missing keeps QGIS's default look.
"""
import os

from qgis.core import QgsProcessingLayerPostProcessorInterface

from .. import shipped_path

STYLE_FILES = {
    "mask": "mask.qml",
    "probability": "probability.qml",
    "coarse_grid": "coarse_grid.qml",
    "polygons": "polygons.qml",
}

# The processing context holds only a C++ pointer to each post-processor, so the Python
# objects are kept alive here, one per output path (a new run replaces the old one).
_post_processors = {}


class ApplyStyle(QgsProcessingLayerPostProcessorInterface):
    def __init__(self, qml_path):
        super().__init__()
        self.qml_path = qml_path

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        message, ok = layer.loadNamedStyle(self.qml_path)
        if not ok:
            feedback.reportError(f"style '{self.qml_path}' could not be applied to '{layer.name()}': {message}")
            return
        layer.triggerRepaint()


def style_on_load(context, output_path, kind):
    """Apply the QML style of ``kind`` to ``output_path`` if QGIS is going to load it."""
    qml = shipped_path("resources", "styles", STYLE_FILES[kind])
    if not os.path.isfile(qml) or not context.willLoadLayerOnCompletion(output_path):
        return
    post_processor = ApplyStyle(qml)
    _post_processors[output_path] = post_processor
    context.layerToLoadOnCompletionDetails(output_path).setPostProcessor(post_processor)

"""Style the algorithm's output layers when QGIS loads them into the project.

Processing loads output layers after the algorithm has finished; a layer post-processor
is the hook it offers to change them then. The styling itself is the dock's
(``gui.results``: the QML files in ``resources/styles`` plus legend labels in the user's
language), so a layer looks the same whichever way it was made. ``gui`` is imported only
when a layer is about to be loaded, so headless runs (``qgis_process``) never need it.
"""
import os

from qgis.core import QgsProcessingLayerPostProcessorInterface

# The processing context holds only a C++ pointer to each post-processor, so the Python
# objects are kept alive here, one per output path (a new run replaces the old one).
_post_processors = {}


class ApplyStyle(QgsProcessingLayerPostProcessorInterface):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        from ..gui.results import apply_style

        apply_style(layer, self.kind)
        layer.triggerRepaint()


def style_on_load(context, output_path, kind):
    """Style ``output_path`` as a ``kind`` product ("mask", "probability", "coarse_grid",
    "polygons") if QGIS is going to load it and the style file is shipped."""
    if not context.willLoadLayerOnCompletion(output_path):
        return
    from ..gui.results import style_path

    if not os.path.isfile(style_path(kind)):
        return
    post_processor = ApplyStyle(kind)
    _post_processors[output_path] = post_processor
    context.layerToLoadOnCompletionDetails(output_path).setPostProcessor(post_processor)

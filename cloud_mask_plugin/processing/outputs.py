"""Name and style the algorithm's outputs when QGIS loads them into the project.

Processing loads output layers after the algorithm has finished; a layer post-processor
is the hook it offers to change them then. The styling is ``cloud_mask_plugin.styles``,
shared with the panel, so a layer looks the same whichever way it was made. Each layer is
named after its input ("chip_1 - cloud mask"), so repeated runs can be told apart.
"""
from qgis.core import QgsProcessingLayerPostProcessorInterface, QgsProject

from ..styles import apply_style, layer_name, name_legend_title

# The processing context holds only a C++ pointer to each post-processor, so the Python
# objects are kept alive here, one per output path (a new run replaces the old one).
_post_processors = {}


class StyleProduct(QgsProcessingLayerPostProcessorInterface):
    def __init__(self, kind, input_layer_id=None):
        super().__init__()
        self.kind = kind
        self.input_layer_id = input_layer_id

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        # On the main thread: the project's input layer may be read here.
        project = context.project() or QgsProject.instance()
        input_layer = project.mapLayer(self.input_layer_id) if self.input_layer_id else None
        node = project.layerTreeRoot().findLayer(layer.id())
        if node is not None:
            # Before the style: applying it rebuilds the legend in the Layers panel.
            name_legend_title(node, self.kind)
        apply_style(layer, self.kind, input_layer)
        layer.triggerRepaint()


def prepare_loading(context, output_path, kind, input_name, input_layer_id=None):
    """Name ``output_path`` after ``input_name`` and style it as a ``kind`` product ("mask",
    "probability", "coarse_grid", "polygons", "masked_image" drawn as the project's layer
    ``input_layer_id``) if QGIS is going to load it."""
    if not output_path or not context.willLoadLayerOnCompletion(output_path):
        return
    details = context.layerToLoadOnCompletionDetails(output_path)
    details.name = layer_name(input_name, kind)
    # Also when QGIS is set to name layers after their files ("Prefer output filename").
    details.forceName = True
    post_processor = StyleProduct(kind, input_layer_id)
    _post_processors[output_path] = post_processor
    details.setPostProcessor(post_processor)

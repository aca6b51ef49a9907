"""Put a finished run's products into the project: one group per input layer, placed just
above it, each layer named after the input ("chip_1 - cloud mask", as Processing names
them), styled (``cloud_mask_plugin.styles``; the masked image drawn as the input is) and
carrying the model, its version and the threshold in its metadata.

Masking a layer again replaces the layers of its group in place (same group, same place
in the layer tree, the new files), instead of stacking a second group of the same name.
"""
import os
from typing import List, Optional

from qgis.core import (QgsLayerMetadata, QgsLayerTreeGroup, QgsLayerTreeLayer, QgsProject, QgsRasterLayer,
                       QgsVectorLayer)

from ..core import __version__ as PLUGIN_VERSION
from ..core.api import MaskResult
from ..i18n import tr
from ..styles import apply_style, layer_name, name_legend_title
from .jobs import MaskJob
from .layers import PRODUCT_PROPERTY
from .messages import log

# The vocabulary under which the model is recorded in each layer's keywords.
KEYWORD_MODEL = "cloud_mask:model"
KEYWORD_MODEL_VERSION = "cloud_mask:model_version"
KEYWORD_THRESHOLD = "cloud_mask:threshold"
# On a result group: the id of the layer it was made from.
INPUT_PROPERTY = "cloud_mask/input_layer"


def group_name(layer_name: str) -> str:
    return tr("{layer} clouds").format(layer=layer_name)


def threshold_text(report: dict) -> str:
    """The cloud probability threshold the run used (the model's own or the one set in the panel)."""
    threshold = report.get("threshold")
    return f"{float(threshold):g}" if threshold is not None else "?"


def describe_run(job: MaskJob, result: MaskResult) -> QgsLayerMetadata:
    report = result.report
    model = report.get("model", {})
    metadata = QgsLayerMetadata()
    metadata.setTitle(group_name(job.layer_name))
    metadata.setAbstract(
        tr("Cloud mask of '{layer}' made by the Cloud Mask plugin {plugin} with model {model} version {version} "
           "(threshold {threshold}, {device}). Cloud cover: {percent:.2f} % of the valid pixels.")
        .format(layer=job.layer_name, plugin=PLUGIN_VERSION, model=model.get("name", "?"),
                version=model.get("version", "?"), threshold=threshold_text(report),
                device=report.get("device", "?"), percent=float(report.get("cloud_cover_percent", 0.0))))
    metadata.setKeywords({
        KEYWORD_MODEL: [str(model.get("name", ""))],
        KEYWORD_MODEL_VERSION: [str(model.get("version", ""))],
        KEYWORD_THRESHOLD: [threshold_text(report)],
    })
    metadata.setHistory([tr("Input: {path}").format(path=job.input_path)])
    return metadata


def add_results(job: MaskJob, result: MaskResult, project: Optional[QgsProject] = None) -> QgsLayerTreeGroup:
    """Add the products of ``result`` to ``project`` and return their group."""
    project = project or QgsProject.instance()
    outputs = result.outputs
    metadata = describe_run(job, result)
    # Top of the group is drawn on top: outlines over the mask over the rasters below.
    # The probability and the grid cover the mask, so they start hidden; the masked image
    # lies under the mask and over the input, and is what was asked for: shown.
    products = [("polygons", outputs.polygons, True), ("mask", outputs.mask, True),
                ("probability", outputs.probability, False), ("coarse_grid", outputs.coarse_grid, False),
                ("masked_image", outputs.masked_image, True)]
    input_layer = project.mapLayer(job.layer_id)

    layers: List[tuple] = []
    for kind, path, visible in products:
        if not path or not os.path.exists(path):
            continue
        name = layer_name(job.layer_name, kind)
        if kind == "polygons":
            layer = QgsVectorLayer(path, name, "ogr")
        else:
            layer = QgsRasterLayer(path, name, "gdal")
        if not layer.isValid():
            log(tr("QGIS cannot open the result {path}").format(path=path))
            continue
        apply_style(layer, kind, input_layer)
        layer.setMetadata(metadata)
        layer.setCustomProperty(PRODUCT_PROPERTY, kind)
        layers.append((layer, visible, kind))

    group = _previous_group(project, job.layer_id)
    if group is None:
        group = QgsLayerTreeGroup(group_name(job.layer_name))
        group.setCustomProperty(INPUT_PROPERTY, job.layer_id)
        _insert_group(project, job.layer_id, group)
    else:
        group.setName(group_name(job.layer_name))
        # Layers of the previous run go; the user's own layers in the group stay.
        for node in group.findLayers():
            if node.layer() is not None and node.layer().customProperty(PRODUCT_PROPERTY, ""):
                project.removeMapLayer(node.layer().id())
    for index, (layer, visible, kind) in enumerate(layers):
        project.addMapLayer(layer, False)
        node = QgsLayerTreeLayer(layer)
        node.setItemVisibilityChecked(visible)
        # Before the node joins the tree, whose views build the legend then.
        name_legend_title(node, kind)
        group.insertChildNode(index, node)
        # Legends of the hidden rasters stay folded; the mask's classes show.
        node.setExpanded(visible)
    # The layer tree view of QGIS folds groups it is given; only a change of the node's
    # expanded state (a signal it follows) opens it.
    group.setExpanded(False)
    group.setExpanded(True)
    return group


def _previous_group(project: QgsProject, layer_id: str) -> Optional[QgsLayerTreeGroup]:
    for group in project.layerTreeRoot().findGroups(True):
        if group.customProperty(INPUT_PROPERTY, "") == layer_id:
            return group
    return None


def _insert_group(project: QgsProject, layer_id: str, group: QgsLayerTreeGroup) -> None:
    """Put ``group`` just above the input layer (so the mask draws over it), or at the top
    of the tree when the input layer is gone."""
    root = project.layerTreeRoot()
    node = root.findLayer(layer_id)
    parent = node.parent() if node is not None else None
    if isinstance(parent, QgsLayerTreeGroup):
        parent.insertChildNode(parent.children().index(node), group)
    else:
        root.insertChildNode(0, group)

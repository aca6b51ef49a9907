"""Put a finished run's products into the project: one group named after the input
layer, placed just above it, each layer styled from ``resources/styles`` and carrying
the model's name and version in its metadata."""
import os
from typing import List, Optional

from qgis.core import (QgsLayerMetadata, QgsLayerTreeGroup, QgsMapLayer, QgsPalettedRasterRenderer, QgsProject,
                       QgsRasterLayer, QgsVectorLayer)

from .. import shipped_path
from ..core import __version__ as PLUGIN_VERSION
from ..core.api import MaskResult
from .i18n import tr
from .jobs import MaskJob
from .layers import PRODUCT_PROPERTY
from .messages import log

STYLE_FILES = {
    "mask": "cloud_mask.qml",
    "probability": "cloud_probability.qml",
    "coarse_grid": "coarse_grid.qml",
    "polygons": "cloud_polygons.qml",
}
# The vocabulary under which the model is recorded in each layer's keywords.
KEYWORD_MODEL = "cloud_mask:model"
KEYWORD_MODEL_VERSION = "cloud_mask:model_version"


def group_name(layer_name: str) -> str:
    return tr("{layer} clouds").format(layer=layer_name)


def product_titles() -> dict:
    return {
        "polygons": tr("Cloud polygons"),
        "mask": tr("Cloud mask"),
        "probability": tr("Cloud probability (%)"),
        "coarse_grid": tr("Coarse grid"),
    }


def class_labels() -> dict:
    """Legend labels of the paletted products, in the user's language (the QML files
    carry English ones)."""
    return {
        "mask": {0: tr("clear"), 1: tr("cloud"), 255: tr("no data")},
        "coarse_grid": {0: tr("cloudless"), 1: tr("overcast"), 2: tr("partly cloudy"), 3: tr("no data")},
    }


def style_path(kind: str) -> str:
    return shipped_path("resources", "styles", STYLE_FILES[kind])


def apply_style(layer: QgsMapLayer, kind: str) -> None:
    path = style_path(kind)
    message, ok = layer.loadNamedStyle(path)
    if not ok:
        log(tr("The style {path} could not be applied to '{layer}': {message}")
            .format(path=path, layer=layer.name(), message=message))
        return
    labels = class_labels().get(kind)
    renderer = layer.renderer() if isinstance(layer, QgsRasterLayer) else None
    if labels and isinstance(renderer, QgsPalettedRasterRenderer):
        for value, label in labels.items():
            renderer.setLabel(value, label)


def describe_run(job: MaskJob, result: MaskResult) -> QgsLayerMetadata:
    report = result.report
    model = report.get("model", {})
    metadata = QgsLayerMetadata()
    metadata.setTitle(group_name(job.layer_name))
    metadata.setAbstract(
        tr("Cloud mask of '{layer}' made by the Cloud Mask plugin {plugin} with model {model} version {version} "
           "(threshold {threshold}, {device}). Cloud cover: {percent:.2f} % of the valid pixels.")
        .format(layer=job.layer_name, plugin=PLUGIN_VERSION, model=model.get("name", "?"),
                version=model.get("version", "?"), threshold=report.get("threshold", "?"),
                device=report.get("device", "?"), percent=float(report.get("cloud_cover_percent", 0.0))))
    metadata.setKeywords({
        KEYWORD_MODEL: [str(model.get("name", ""))],
        KEYWORD_MODEL_VERSION: [str(model.get("version", ""))],
    })
    metadata.setHistory([tr("Input: {path}").format(path=job.input_path)])
    return metadata


def add_results(job: MaskJob, result: MaskResult, project: Optional[QgsProject] = None) -> QgsLayerTreeGroup:
    """Add the products of ``result`` to ``project`` and return their group."""
    project = project or QgsProject.instance()
    outputs = result.outputs
    titles = product_titles()
    metadata = describe_run(job, result)
    # Top of the group is drawn on top: outlines over the mask over the rasters below.
    # The probability and the grid cover the mask, so they start hidden.
    products = [("polygons", outputs.polygons, True), ("mask", outputs.mask, True),
                ("probability", outputs.probability, False), ("coarse_grid", outputs.coarse_grid, False)]

    layers: List[tuple] = []
    for kind, path, visible in products:
        if not path or not os.path.exists(path):
            continue
        if kind == "polygons":
            layer = QgsVectorLayer(path, titles[kind], "ogr")
        else:
            layer = QgsRasterLayer(path, titles[kind], "gdal")
        if not layer.isValid():
            log(tr("QGIS cannot open the result {path}").format(path=path))
            continue
        apply_style(layer, kind)
        layer.setMetadata(metadata)
        layer.setCustomProperty(PRODUCT_PROPERTY, kind)
        layers.append((layer, visible))

    group = QgsLayerTreeGroup(group_name(job.layer_name))
    for layer, visible in layers:
        project.addMapLayer(layer, False)
        node = group.addLayer(layer)
        node.setItemVisibilityChecked(visible)
        # Legends of the hidden rasters stay folded; the mask's classes show.
        node.setExpanded(visible)
    _insert_group(project, job.layer_id, group)
    # The layer tree view of QGIS folds groups it is given; only a change of the node's
    # expanded state (a signal it follows) opens it.
    group.setExpanded(False)
    group.setExpanded(True)
    return group


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

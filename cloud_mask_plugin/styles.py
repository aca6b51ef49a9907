"""How the products look and are named in QGIS, for the panel and for Processing alike.

Each product is styled from its QML file in ``resources/styles``; the classes of the
paletted products (cloud mask, coarse grid) then get their colours from the engine's own
table (``core.classes``, the one the GeoTIFF colour table is written from) and their names
in the user's language, so a layer looks the same whichever way it was made.
"""
import os
from typing import Optional

from qgis.core import (Qgis, QgsLayerTreeLayer, QgsMapLayer, QgsMapLayerLegendUtils, QgsMessageLog,
                       QgsPalettedRasterRenderer, QgsRasterLayer)
from qgis.PyQt.QtGui import QColor

from . import shipped_path
from .core.classes import CLOUD_MASK, COARSE_GRID, ClassTable
from .i18n import LOG_TAG, tr

STYLE_FILES = {
    "mask": "cloud_mask.qml",
    "probability": "cloud_probability.qml",
    "coarse_grid": "coarse_grid.qml",
    "polygons": "cloud_polygons.qml",
    "masked_image": None,   # the input's own bands, drawn as the input layer is
}
CLASS_TABLES = {"mask": CLOUD_MASK, "coarse_grid": COARSE_GRID}


def product_titles() -> dict:
    """Short names of the products, as layer names and in legends."""
    return {
        "polygons": tr("Cloud polygons"),
        "mask": tr("Cloud mask"),
        "probability": tr("Cloud probability (%)"),
        "coarse_grid": tr("Coarse grid"),
        "masked_image": tr("Masked image"),
    }


def layer_name(input_name: str, kind: str) -> str:
    """"<input> - cloud mask": runs on several inputs can be told apart in the layer tree."""
    title = product_titles()[kind]
    return tr("{input} - {product}").format(input=input_name, product=title[:1].lower() + title[1:])


def name_legend_title(node: QgsLayerTreeLayer, kind: str) -> None:
    """The first line of a single-band product's legend is the band description inside the
    GeoTIFF, which the engine writes in English ("Band 1: cloud mask"): show the product's
    title in the user's language instead. Set before the layer's legend is (re)built."""
    if kind in ("mask", "probability", "coarse_grid"):
        QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, 0, product_titles()[kind])


def class_labels(kind: str) -> dict:
    """Legend labels of a paletted product's classes, in the user's language."""
    labels = {
        "mask": {0: tr("clear"), 1: tr("cloud"), 255: tr("no data")},
        "coarse_grid": {0: tr("cloudless"), 1: tr("overcast"), 2: tr("partly cloudy"), 3: tr("no data")},
    }
    return labels.get(kind, {})


def style_path(kind: str) -> Optional[str]:
    name = STYLE_FILES.get(kind)
    return shipped_path("resources", "styles", name) if name else None


def apply_style(layer: QgsMapLayer, kind: str, input_layer: Optional[QgsMapLayer] = None) -> None:
    """Style ``layer`` as a ``kind`` product; the masked image takes the renderer of
    ``input_layer`` (same bands in the same order), else QGIS's default rendering."""
    if kind == "masked_image":
        if isinstance(input_layer, QgsRasterLayer) and input_layer.renderer() is not None:
            layer.setRenderer(input_layer.renderer().clone())
        return
    path = style_path(kind)
    if path is None:
        return
    if not os.path.isfile(path):
        QgsMessageLog.logMessage(tr("The style file {path} is missing; reinstall the plugin.").format(path=path),
                                 LOG_TAG, Qgis.Warning)
        return
    message, ok = layer.loadNamedStyle(path)
    if not ok:
        QgsMessageLog.logMessage(tr("The style {path} could not be applied to '{layer}': {message}")
                                 .format(path=path, layer=layer.name(), message=message), LOG_TAG, Qgis.Warning)
        return
    table = CLASS_TABLES.get(kind)
    if table is not None and isinstance(layer, QgsRasterLayer):
        _paint_classes(layer, table, class_labels(kind))


def _paint_classes(layer: QgsRasterLayer, table: ClassTable, labels: dict) -> None:
    # No data is not drawn as a class (GDAL hides it): the renderer's no-data colour shows
    # it, and its class gives it a legend entry.
    classes = [QgsPalettedRasterRenderer.Class(code, QColor(*rgba), labels.get(code, table.names[code]))
               for code, rgba in sorted(table.colors.items())]
    renderer = QgsPalettedRasterRenderer(layer.dataProvider(), 1, classes)
    previous = layer.renderer()
    if previous is not None:
        renderer.setOpacity(previous.opacity())
    if table.nodata is not None:
        renderer.setNodataColor(QColor(*table.colors[table.nodata]))
    layer.setRenderer(renderer)

"""Which layers can be masked, and the file the engine should read for each.

The engine reads the raster with GDAL itself, in a worker thread: the live layer's data
provider belongs to the main thread and must not be used from there. So only layers
whose source is something GDAL can open by name qualify; web services (WMS, WMTS, XYZ,
WCS, ArcGIS) and database rasters are refused with advice to export them first.
"""
import os
import re
from typing import List, Optional

from qgis.core import QgsMapLayer, QgsProject, QgsProviderRegistry, QgsRasterLayer

from ..core.errors import TooFewBands
from ..i18n import engine_text, tr

# Custom property that marks the layers this plugin produced, so that they are not
# offered as inputs again.
PRODUCT_PROPERTY = "cloud_mask/product"


class LayerNotMaskable(Exception):
    """The layer cannot be masked as it is; the message says why and what to do in one
    line, ``details`` (for the log panel) what the engine said in full."""

    def __init__(self, message: str, details: Optional[str] = None):
        super().__init__(message)
        self.details = details


def is_product(layer: QgsMapLayer) -> bool:
    return bool(layer.customProperty(PRODUCT_PROPERTY, ""))


def candidate_layers(project: QgsProject = None) -> List[QgsRasterLayer]:
    """The project's raster layers that a user may want to mask, in layer tree order."""
    project = project or QgsProject.instance()
    ordered = [node.layer() for node in project.layerTreeRoot().findLayers()]
    listed = {layer.id() for layer in ordered if layer is not None}
    # Layers not in the tree (added with addToLegend=False) come last.
    ordered += [layer for layer in project.mapLayers().values() if layer.id() not in listed]
    return [layer for layer in ordered
            if isinstance(layer, QgsRasterLayer) and not is_product(layer)]


def gdal_source(layer: QgsMapLayer) -> str:
    """The dataset name the engine opens for ``layer``; raises LayerNotMaskable."""
    if layer is None:
        raise LayerNotMaskable(tr("No layer is selected; select a raster layer in the Layers panel."))
    if not isinstance(layer, QgsRasterLayer):
        raise LayerNotMaskable(
            tr("'{layer}' is not a raster layer; Cloud Mask works on satellite images (raster layers).")
            .format(layer=layer.name()))
    export_hint = tr("export it to a GeoTIFF first (right-click the layer > Export > Save As…) and mask that file.")
    if layer.providerType() != "gdal":
        raise LayerNotMaskable(
            tr("'{layer}' comes from the '{provider}' data provider (a web service or database), which "
               "Cloud Mask cannot read directly; {hint}")
            .format(layer=layer.name(), provider=layer.providerType(), hint=export_hint))
    source = layer.source()
    parts = QgsProviderRegistry.instance().decodeUri("gdal", source)
    if parts.get("openOptions"):
        raise LayerNotMaskable(
            tr("'{layer}' is opened with GDAL open options ({options}), which Cloud Mask cannot pass on; {hint}")
            .format(layer=layer.name(), options=", ".join(parts["openOptions"]), hint=export_hint))
    lowered = source.strip().lower()
    if lowered.startswith(("<", "wms:", "http:", "https:", "ftp:")):
        raise LayerNotMaskable(
            tr("'{layer}' is a web service read through GDAL, which Cloud Mask does not download; {hint}")
            .format(layer=layer.name(), hint=export_hint))
    # A plain file path, not a GDAL dataset name such as /vsizip/..., GPKG:file:table or
    # NETCDF:"file":variable (a driver prefix of two or more letters; "C:" is a drive).
    is_plain_file = (not parts.get("vsiPrefix") and not parts.get("layerName") and parts.get("path") == source
                     and not re.match(r"^[A-Za-z][A-Za-z0-9_]+:", source))
    if is_plain_file and not os.path.exists(source):
        raise LayerNotMaskable(
            tr("The file of '{layer}' is missing ({path}); fix the layer's source or remove the layer.")
            .format(layer=layer.name(), path=source))
    return source


def refusal(layer: QgsMapLayer, required_bands: List[str]) -> Optional[str]:
    """Why ``layer`` can never be masked with a model that needs ``required_bands``, or None
    when it can (perhaps after its bands are named in the panel)."""
    try:
        gdal_source(layer)
    except LayerNotMaskable as exc:
        return str(exc)
    if required_bands and layer.bandCount() < len(required_bands):
        return engine_text(TooFewBands(layer.name(), layer.bandCount(), required_bands))
    return None

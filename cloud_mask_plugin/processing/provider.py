"""The "Cloud Mask" Processing provider (id ``cloudmask``)."""
from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .. import shipped_path
from ..core import __version__
from .clear_fraction import ClearFractionAlgorithm
from .mask_clouds import MaskCloudsAlgorithm


class CloudMaskProvider(QgsProcessingProvider):
    def id(self):
        return "cloudmask"

    def name(self):
        return "Cloud Mask"

    def longName(self):  # noqa: N802 - QGIS API
        return "Cloud Mask (coarse/fine CNN cloud masking)"

    def icon(self):
        return QIcon(self.svgIconPath())

    def svgIconPath(self):  # noqa: N802 - QGIS API
        return shipped_path("resources", "icon.svg")

    def versionInfo(self):  # noqa: N802 - QGIS API
        return __version__

    def loadAlgorithms(self):  # noqa: N802 - QGIS API
        self.addAlgorithm(MaskCloudsAlgorithm())
        self.addAlgorithm(ClearFractionAlgorithm())

    # The engine writes GeoTIFF rasters and GeoPackage polygons only, so file dialogs and
    # temporary outputs offer nothing else (no memory layers either).
    def supportsNonFileBasedOutput(self):  # noqa: N802 - QGIS API
        return False

    def supportedOutputRasterLayerExtensions(self):  # noqa: N802 - QGIS API
        return ["tif"]

    def defaultRasterFileExtension(self):  # noqa: N802 - QGIS API
        return "tif"

    def supportedOutputVectorLayerExtensions(self):  # noqa: N802 - QGIS API
        return ["gpkg"]

    def defaultVectorFileExtension(self, hasGeometry=True):  # noqa: N802,N803 - QGIS API
        return "gpkg"

"""What every Cloud Mask Processing algorithm shares: its group in the toolbox and its icon."""
from qgis.core import QgsProcessingAlgorithm
from qgis.PyQt.QtGui import QIcon

from .. import shipped_path
from ..i18n import tr


class CloudMaskAlgorithm(QgsProcessingAlgorithm):
    def group(self):
        return tr("Cloud masking")

    def groupId(self):  # noqa: N802 - QGIS API
        return "cloudmasking"

    def icon(self):
        return QIcon(shipped_path("resources", "icon.svg"))

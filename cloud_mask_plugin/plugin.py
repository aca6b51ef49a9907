"""The object QGIS holds for the plugin: it registers the Processing provider and, where
the desktop GUI is available, the dock widget and layer actions from ``gui``."""
from qgis.core import Qgis, QgsApplication, QgsMessageLog

from .i18n import LOG_TAG, install_translator, remove_translator, tr
from .packages import use_package_folder
from .processing.provider import CloudMaskProvider


class CloudMaskPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.translator = None
        self._gui = None

    def initProcessing(self):  # noqa: N802 - called by QGIS (qgis_process calls only this)
        if self.provider is not None:
            return
        # onnxruntime may have been installed by the panel into the profile's folder.
        use_package_folder()
        # Before the provider: its algorithm names its parameters when it is created.
        self.translator = install_translator()
        self.provider = CloudMaskProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 - called by QGIS desktop
        self.initProcessing()
        try:
            from .gui import install
        except ImportError as exc:
            # The algorithm works without the dock widget; say why it is missing instead
            # of refusing to load.
            QgsMessageLog.logMessage(
                tr("the Cloud Mask panel is not available ({error}); use Processing > Toolbox > Cloud Mask")
                .format(error=exc), LOG_TAG, Qgis.Warning)
            return
        self._gui = install(self.iface)

    def unload(self):
        if self._gui is not None:
            self._gui.unload()
            self._gui = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator(self.translator)
        self.translator = None

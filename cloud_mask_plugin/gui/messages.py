"""What the user is told: the message bar for the outcome of a run, the "Cloud Mask" tab
of the log panel for the details (engine messages, tracebacks of bugs, report paths)."""
from typing import Optional

from qgis.core import Qgis, QgsMessageLog
from qgis.PyQt.QtWidgets import QPushButton, QTabWidget

from ..i18n import LOG_TAG, tr
from .widgets import wrapped

SUCCESS_SECONDS = 10
INFO_SECONDS = 6


def log(text: str, level=Qgis.Info) -> None:
    QgsMessageLog.logMessage(text, LOG_TAG, level)


def show_error(iface, text: str, details: Optional[str] = None) -> None:
    """One line in the message bar that stays until closed, with a "Details" button that
    opens the log panel where ``text`` and ``details`` (the engine's full message, a
    traceback, the inputs of the run) are."""
    log(text if not details else f"{text}\n{details}", Qgis.Critical)
    bar = iface.messageBar()
    item = bar.createMessage(tr("Cloud Mask"), text)
    button = QPushButton(tr("Details"), item)
    button.setObjectName("cloud_mask_details")
    button.setToolTip(tr("Open the log panel (Cloud Mask tab)"))
    button.clicked.connect(lambda _checked=False: open_log_tab(iface))
    item.layout().addWidget(button)
    # The message bar shows one line; the whole message is in its tooltip and in the log.
    item.setToolTip(wrapped(text))
    bar.pushWidget(item, Qgis.Critical, 0)


def open_log_tab(iface) -> None:
    """Open QGIS's log panel on its Cloud Mask tab (it opens on the last tab used, often the
    Python warnings)."""
    iface.openMessageLog()
    for tabs in iface.mainWindow().findChildren(QTabWidget):
        for index in range(tabs.count()):
            if tabs.tabText(index).replace("&", "") == LOG_TAG:
                tabs.setCurrentIndex(index)
                return


def show_info(iface, text: str) -> None:
    log(text, Qgis.Info)
    iface.messageBar().pushMessage(tr("Cloud Mask"), text, Qgis.Info, INFO_SECONDS)


def show_success(iface, text: str) -> None:
    log(text, Qgis.Success)
    iface.messageBar().pushMessage(tr("Cloud Mask"), text, Qgis.Success, SUCCESS_SECONDS)

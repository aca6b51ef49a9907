"""Helpers shared by the desktop interface tests (a module of its own: every test folder
has a ``conftest`` module, so importing helpers from "conftest" would be ambiguous)."""
import time

from qgis.PyQt.QtTest import QTest


def wait_until(predicate, timeout=30.0, what="condition"):
    """Let Qt run (tasks report back through the event loop) until ``predicate()``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        QTest.qWait(20)


def bar_texts(iface):
    """Every message in the message bar: the ones pushed as widgets (errors with a
    Details button) and the ones pushed as plain messages (pytest-qgis records those)."""
    from qgis.core import Qgis

    texts = [item.text() for item in iface.messageBar().items()]
    for level in (Qgis.Info, Qgis.Warning, Qgis.Critical, Qgis.Success):
        texts += iface.messageBar().get_messages(level)
    return texts


def plain_text(tooltip):
    """A tooltip's text without the markup that makes Qt wrap it."""
    from qgis.PyQt.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()

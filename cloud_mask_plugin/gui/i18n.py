"""Translations of the desktop interface.

Every user-visible string of ``gui`` goes through ``tr()``, which uses one translation
context ("CloudMask") for the whole package: Qt's own ``QObject.tr`` would take the class
name as context, so a string moving between classes would lose its translation.

``i18n/update_translations.py`` collects the ``tr("...")`` literals into the ``.ts`` files;
``lrelease`` compiles them into the ``.qm`` files that are shipped and loaded here.
"""
import os
from typing import List, Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from .. import shipped_path

CONTEXT = "CloudMask"
FILE_PREFIX = "cloud_mask_"


def tr(text: str) -> str:
    """``text`` in the user's language when a translation is installed, else as is."""
    return QCoreApplication.translate(CONTEXT, text)


def user_locale() -> str:
    """The locale QGIS uses for its own interface, e.g. "pt_BR" or "es".

    QGIS writes the system locale into ``locale/userLocale`` at start-up unless the user
    chose another one, so this one key answers in both cases.
    """
    value = QgsSettings().value("locale/userLocale", "") or ""
    return str(value) or QLocale.system().name()


def translation_files(locale: str, folder: Optional[str] = None) -> List[str]:
    """The shipped ``.qm`` files to try for ``locale``, best first.

    "es_AR" falls back to "es"; a language shipped only as a regional variant is used for
    every region of it ("pt_PT" gets "pt_BR"), since that reads better than English.
    """
    folder = folder or shipped_path("i18n")
    locale = (locale or "").replace("-", "_")
    language = locale.split("_")[0].lower()
    if not language or language == "c":
        return []
    names = [f"{FILE_PREFIX}{locale}.qm", f"{FILE_PREFIX}{language}.qm"]
    try:
        shipped = sorted(name for name in os.listdir(folder) if name.endswith(".qm"))
    except OSError:
        shipped = []
    names += [name for name in shipped if name.startswith(f"{FILE_PREFIX}{language}_")]
    seen, paths = set(), []
    for name in names:
        path = os.path.join(folder, name)
        if name not in seen and os.path.isfile(path):
            seen.add(name)
            paths.append(path)
    return paths


def install_translator(locale: Optional[str] = None) -> Optional[QTranslator]:
    """Install the translation for ``locale`` (default: QGIS's) and return it, or None
    when the interface stays in English."""
    for path in translation_files(locale if locale is not None else user_locale()):
        translator = QTranslator()
        if translator.load(path):
            QCoreApplication.installTranslator(translator)
            return translator
    return None


def remove_translator(translator: Optional[QTranslator]) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)

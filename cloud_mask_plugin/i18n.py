"""Translations of everything the plugin shows inside QGIS: the panel, the Processing
algorithm, layer names and legends.

Every user-visible string goes through ``tr()``, which uses one translation context
("CloudMask") for the whole plugin: Qt's own ``QObject.tr`` would take the class name as
context, so a string moving between classes would lose its translation.

``i18n/update_translations.py`` collects the ``tr("...")`` literals into the ``.ts`` files;
``lrelease`` compiles them into the ``.qm`` files that are shipped and loaded here.
"""
import os
from typing import List, Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from . import shipped_path
from .core import errors

CONTEXT = "CloudMask"
FILE_PREFIX = "cloud_mask_"
# The tab of QGIS's log panel where the plugin writes.
LOG_TAG = "Cloud Mask"


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
    when the interface stays in English. Each call needs its ``remove_translator``."""
    for path in translation_files(locale if locale is not None else user_locale()):
        translator = QTranslator()
        if translator.load(path):
            QCoreApplication.installTranslator(translator)
            return translator
    return None


def remove_translator(translator: Optional[QTranslator]) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)


# -- the engine's words in the user's language -------------------------------------------------
def _joined(values) -> str:
    return ", ".join(values) if isinstance(values, (list, tuple)) else str(values)


def engine_text(message, short: bool = True) -> str:
    """An engine error or warning in the user's language, from its code and values when it
    has them (``core.errors``), else its English text.

    ``short``: always the one-line form (the panel, which gives the details in the log);
    otherwise the engine's own, fuller English text unless a translation is installed
    (Processing and qgis_process, whose users read the whole message)."""
    code = getattr(message, "code", None)
    values = dict(getattr(message, "values", {}) or {})
    templates = {
        errors.BANDS_MISSING: tr("'{raster}' has {band_count} band(s); the model needs {needed} and "
                                 "does not find {missing}."),
        errors.BAND_LIST_TOO_LONG: tr("The band list names {listed} bands but '{raster}' has only {band_count}."),
        errors.PRESET_BAND_COUNT: tr("'{raster}' has {band_count} bands without band ids; the {sensor} preset "
                                     "has {preset_count}."),
        errors.ASSUMED_REFLECTANCE: tr("'{raster}' has integer bands and no scale: reflectance × 10000 was "
                                       "assumed; set the scaling if that is wrong."),
        errors.BAND_FILE_SCALING: tr("'{raster}': Level-1 band files without their MTL file, so the sun "
                                     "elevation is unknown; put the *_MTL.txt file beside the bands or set the "
                                     "scaling."),
        errors.ONNXRUNTIME_MISSING: tr("The Python package onnxruntime is not installed in QGIS; install it "
                                       "from the Cloud Mask panel."),
        errors.TOO_FEW_BANDS: tr("'{raster}' has {band_count} band(s); the model needs at least {needed_count}: "
                                 "{needed}. Stack the band files into one raster (Raster > Miscellaneous > Build "
                                 "Virtual Raster, each file in a separate band), or give the folder of band files to "
                                 "the command line or Processing."),
    }
    if code == errors.BANDS_MISSING and list(values.get("missing", [])) == list(values.get("needed", [])):
        # Nothing matched at all: the bands have no names the engine knows.
        templates[code] = tr("The {band_count} band(s) of '{raster}' have no names the model knows; it needs "
                             "{needed}.")
    # "Mask clouds" is translated in every shipped language: a sign the user reads one.
    translated = tr("Mask clouds") != "Mask clouds"
    if code not in templates or not (short or translated):
        return str(message)
    try:
        return templates[code].format(**{key: _joined(value) for key, value in values.items()})
    except (KeyError, IndexError, ValueError):
        return str(message)


class StageText:
    """The engine's progress messages as stage names that only move forward.

    The engine alternates "fine model on partly cloudy cells" and "writing the mask" while
    it writes a strip as soon as its fine windows are done; both are one stage here. "done"
    is no stage: the caller says how the run ended.
    """

    def __init__(self):
        self.rank = -1

    @staticmethod
    def stages():
        fine = tr("fine model and writing the mask")
        return {
            "reading the scene": (0, tr("reading the scene")),
            "classifying the coarse grid": (1, tr("classifying the coarse grid")),
            "fine model on partly cloudy cells": (2, fine),
            "writing the mask": (2, fine),
            "writing the masked image": (3, tr("writing the masked image")),
            "tracing cloud polygons": (4, tr("tracing cloud polygons")),
        }

    def advance(self, message: str) -> Optional[str]:
        """The text of ``message``'s stage when the run has just reached it, else None."""
        rank, text = self.stages().get(message, (None, None))
        if rank is None or rank <= self.rank:
            return None
        self.rank = rank
        return text

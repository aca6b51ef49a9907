"""The shipped translations cover every string of the interface and are the ones loaded."""
import ast
import os
import string
import sys

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from cloud_mask_plugin.i18n import CONTEXT, install_translator, remove_translator, translation_files, tr

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
I18N = os.path.join(REPO, "i18n")
sys.path.insert(0, I18N)

from update_translations import LANGUAGES, SOURCES, collect_strings, read_ts, source_files, ts_path  # noqa: E402

# Calls whose text arguments the user reads: Qt widgets and their setters, QGIS's message
# bar, log and Processing feedback, the plugin's own message helpers and errors.
USER_VISIBLE_CALLS = {
    "QLabel", "QCheckBox", "QPushButton", "QToolButton", "QAction", "QgsCollapsibleGroupBox", "QGroupBox",
    "setText", "setToolTip", "setPlaceholderText", "setTitle", "setWindowTitle", "setDialogTitle",
    "setSpecialValueText", "setHorizontalHeaderLabels", "addItem", "addRow", "question", "information",
    "warning", "critical", "pushMessage", "createMessage", "pushInfo", "pushWarning", "pushCommandInfo",
    "setProgressText", "reportError", "logMessage", "log", "show_error", "show_info", "show_success", "say",
    "QgsProcessingException", "LayerNotMaskable", "QgsTask", "setAbstract",
}
USER_VISIBLE_CALLS |= {name for name in dir(__import__("qgis.core", fromlist=["*"]))
                       if name.startswith(("QgsProcessingParameter", "QgsProcessingOutput"))}


def _words(node):
    """The literal text of a str constant or an f-string, if it holds a word."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    else:
        return None
    return text if any(c.isalpha() for c in text) else None


def untranslated_literals(sources=SOURCES):
    """``file:line: text`` of every literal with words handed straight to a user-visible call."""
    found = []
    for path in source_files(sources):
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in USER_VISIBLE_CALLS:
                continue
            for argument in list(node.args) + [k.value for k in node.keywords if k.arg not in ("name", "objectName")]:
                text = _words(argument)
                if text is not None:
                    found.append(f"{os.path.relpath(path, REPO)}:{node.lineno}: {text!r}")
    return found


def test_no_user_visible_text_bypasses_tr():
    """Every text the user reads goes through tr(), so a .ts file can translate it."""
    assert untranslated_literals() == []


def test_the_check_finds_an_untranslated_label(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('label.setText("Mask clouds")\nbutton = QPushButton(f"Run {n} layers")\n'
                      'ok = QLabel(tr("Mask clouds"))\n')
    found = [line.split(": ", 1)[1] for line in untranslated_literals([str(sample)])]
    assert found == ["'Mask clouds'", "'Run  layers'"]


def placeholders(text):
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(language):
    strings = collect_strings()
    assert len(strings) > 80  # the collector found the interface's strings
    entries = read_ts(ts_path(language))
    untranslated = [s for s in strings if not entries.get(s, ("", False))[1]]
    assert untranslated == []
    for source in strings:
        translation = entries[source][0]
        assert placeholders(translation) == placeholders(source), (source, translation)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_qm_matches_the_ts_source(language):
    """The committed .qm was compiled from the committed .ts (no stale binary)."""
    translator = QTranslator()
    assert translator.load(os.path.join(I18N, f"cloud_mask_{language}.qm"))
    strings = collect_strings()
    # Through QCoreApplication.translate, as tr() does (it passes non-ASCII sources such
    # as "Add…" as UTF-8, which QTranslator.translate from Python does not).
    QCoreApplication.installTranslator(translator)
    try:
        for source, (translation, _finished) in read_ts(ts_path(language)).items():
            if source in strings:
                assert QCoreApplication.translate(CONTEXT, source) == translation, source
    finally:
        QCoreApplication.removeTranslator(translator)


def test_ts_files_are_up_to_date_with_the_code():
    from update_translations import main

    assert main(["--check"]) == 0, "run: python i18n/update_translations.py"


@pytest.mark.parametrize("locale, expected", [
    ("pt_BR", "cloud_mask_pt_BR.qm"),
    ("pt_PT", "cloud_mask_pt_BR.qm"),   # the only Portuguese shipped beats English
    ("es", "cloud_mask_es.qm"),
    ("es_AR", "cloud_mask_es.qm"),
    ("fr_FR", None),
    ("en_US", None),
])
def test_translation_is_chosen_by_locale(locale, expected):
    files = translation_files(locale, I18N)
    assert (os.path.basename(files[0]) if files else None) == expected


@pytest.fixture
def qgis_locale():
    settings = QgsSettings()
    before = settings.value("locale/userLocale", None)
    yield lambda value: settings.setValue("locale/userLocale", value)
    if before is None:
        settings.remove("locale/userLocale")
    else:
        settings.setValue("locale/userLocale", before)


@pytest.mark.parametrize("locale, mask_clouds, group", [
    ("pt_BR", "Mascarar nuvens", "Nuvens de chip_1"),
    ("es_ES", "Enmascarar nubes", "Nubes de chip_1"),
])
def test_install_uses_the_qgis_locale(qgis_iface, qgis_new_project, qgis_locale, locale, mask_clouds, group):
    from cloud_mask_plugin.gui import install
    from cloud_mask_plugin.gui.results import group_name

    qgis_locale(locale)
    gui = install(qgis_iface)
    try:
        assert gui.mask_action.text() == mask_clouds
        assert gui.dock.mask_button.text() == mask_clouds
        assert group_name("chip_1") == group
    finally:
        gui.unload()
    # Unloading removes the translator again.
    assert tr("Mask clouds") == "Mask clouds"


def test_english_locale_installs_no_translator(qgis_locale):
    qgis_locale("en_US")
    translator = install_translator()
    assert translator is None
    assert QCoreApplication.translate(CONTEXT, "Mask clouds") == "Mask clouds"
    remove_translator(translator)


def test_panel_processing_and_engine_messages_read_in_portuguese(qgis_iface, qgis_new_project, qgis_locale,
                                                                  unnamed_scene_path, toy_model):
    from qgis.core import QgsProject, QgsRasterLayer
    from qgis.PyQt.QtWidgets import QAbstractButton, QGroupBox, QLabel

    from cloud_mask_plugin import classFactory
    from tests.helpers.gui import bar_texts

    qgis_locale("pt_BR")
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    try:
        dock = plugin._gui.dock
        dock.add_model_folder(toy_model)
        layer = QgsRasterLayer(unnamed_scene_path, "export", "gdal")
        QgsProject.instance().addMapLayer(layer)
        dock.select_layer(layer.id())
        dock.update_device_label()

        # No text of the panel is left in English (where the translation differs).
        english = {source: text for source, (text, _done) in read_ts(ts_path("pt_BR")).items()}
        shown = [w.text() for w in dock.findChildren(QLabel) + dock.findChildren(QAbstractButton)] + \
                [w.title() for w in dock.findChildren(QGroupBox)]
        left = [text for text in shown if text in english and english[text] != text]
        assert left == []
        assert dock.band_mapping.summary.text() == ("As 4 banda(s) de 'export_without_names.tif' não têm nomes que "
                                                     "o modelo conheça; ele precisa de blue, green, red, nir.")
        assert dock.device_label.text().startswith("Roda na")

        # The engine's band-mapping error, one line in Portuguese, in the message bar.
        assert plugin._gui.mask_layers([layer]) == []
        refusal = "Não é possível mascarar 'export': As 4 banda(s)"
        assert any(text.startswith(refusal) for text in bar_texts(qgis_iface))

        # The Processing algorithm speaks Portuguese too (the plugin installed the translation).
        from cloud_mask_plugin.processing.mask_clouds import MaskCloudsAlgorithm

        algorithm = MaskCloudsAlgorithm()
        algorithm.initAlgorithm()
        assert algorithm.displayName() == "Mascarar nuvens"
        assert algorithm.parameterDefinition("INPUT").description() == "Raster de entrada"
        assert algorithm.parameterDefinition("OUTPUT_MASKED").description() == \
            "Imagem mascarada (nuvens como sem dados)"
    finally:
        QgsProject.instance().removeAllMapLayers()
        plugin.unload()

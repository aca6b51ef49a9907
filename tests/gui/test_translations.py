"""The shipped translations cover every string of the interface and are the ones loaded."""
import os
import string
import sys

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from cloud_mask_plugin.gui.i18n import CONTEXT, install_translator, remove_translator, translation_files, tr

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
I18N = os.path.join(REPO, "i18n")
sys.path.insert(0, I18N)

from update_translations import LANGUAGES, collect_strings, read_ts, ts_path  # noqa: E402


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

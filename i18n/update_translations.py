"""Collect the interface's strings into the Qt translation sources and compile them.

    python i18n/update_translations.py          # update the .ts files and run lrelease
    python i18n/update_translations.py --check  # exit 1 if a .ts file is out of date

Every string the user sees goes through ``tr("...")`` (``cloud_mask_plugin/i18n.py``)
with the one context "CloudMask", in the panel (``gui``), the Processing algorithm and the
shared QGIS modules beside them. Qt's ``pylupdate5`` would take the enclosing class as
the context instead, so the literals are collected here from the Python syntax tree.
Existing translations are kept; new strings are added as unfinished, strings no longer
in the code are marked obsolete. ``lrelease`` (Debian: qttools5-dev-tools) then writes
the ``.qm`` files that the plugin ships and loads.
"""
import argparse
import ast
import glob
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PACKAGE = os.path.join(REPO, "cloud_mask_plugin")
# Everything that runs inside QGIS; core/ (QGIS-free, English) and the command line are not.
SOURCES = [os.path.join(PACKAGE, "gui"), os.path.join(PACKAGE, "processing"), os.path.join(PACKAGE, "i18n.py"),
           os.path.join(PACKAGE, "styles.py"), os.path.join(PACKAGE, "plugin.py"), os.path.join(PACKAGE, "packages.py")]
CONTEXT = "CloudMask"
LANGUAGES = ("pt_BR", "es")


def source_files(sources=SOURCES):
    """The Python files of ``sources`` (folders and files)."""
    files = []
    for source in sources:
        files += sorted(glob.glob(os.path.join(source, "*.py"))) if os.path.isdir(source) else [source]
    return files


def collect_strings(sources=SOURCES):
    """``{source text: [file:line, ...]}`` of every ``tr("literal")`` call in ``sources``."""
    found = {}
    for path in source_files(sources):
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr"
                    and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                where = f"{os.path.relpath(path, REPO)}:{node.lineno}"
                found.setdefault(node.args[0].value, []).append(where)
    return found


def ts_path(language):
    return os.path.join(HERE, f"cloud_mask_{language}.ts")


def read_ts(path):
    """``{source: (translation, finished)}`` of a .ts file (empty when it does not exist)."""
    if not os.path.isfile(path):
        return {}
    entries = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        text = (translation.text or "") if translation is not None else ""
        kind = translation.get("type", "") if translation is not None else "unfinished"
        entries[source] = (text, kind not in ("unfinished", "obsolete", "vanished") and bool(text))
    return entries


def render_ts(language, strings, existing):
    root = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    # Sorted by text, so that moving code around leaves the .ts files unchanged.
    for source in sorted(strings):
        message = ET.SubElement(context, "message")
        # File names only: line numbers would make every edit of the code an edit of the .ts.
        for filename in sorted({where.rsplit(":", 1)[0] for where in strings[source]}):
            ET.SubElement(message, "location", filename="../" + filename)
        ET.SubElement(message, "source").text = source
        text, finished = existing.get(source, ("", False))
        translation = ET.SubElement(message, "translation")
        translation.text = text
        if not finished:
            translation.set("type", "unfinished")
    for source, (text, _finished) in sorted(existing.items()):
        if source not in strings and text:
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = source
            translation = ET.SubElement(message, "translation", type="vanished")
            translation.text = text
    ET.indent(root)
    return "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE TS>\n" + ET.tostring(root, encoding="unicode") + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the .ts files are up to date")
    args = parser.parse_args(argv)
    strings = collect_strings()
    stale = []
    for language in LANGUAGES:
        path = ts_path(language)
        existing = read_ts(path)
        text = render_ts(language, strings, existing)
        current = open(path, encoding="utf-8").read() if os.path.isfile(path) else ""
        missing = [s for s in strings if not existing.get(s, ("", False))[1]]
        if text != current:
            stale.append(path)
            if not args.check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
        print(f"{os.path.relpath(path, REPO)}: {len(strings)} strings, {len(missing)} untranslated")
    if args.check:
        return 1 if stale else 0
    lrelease = shutil.which("lrelease") or shutil.which("lrelease-qt5")
    if not lrelease:
        print("lrelease not found (Debian: apt install qttools5-dev-tools); the .qm files were not rebuilt")
        return 1
    for language in LANGUAGES:
        subprocess.run([lrelease, "-silent", ts_path(language), "-qm",
                        os.path.join(HERE, f"cloud_mask_{language}.qm")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

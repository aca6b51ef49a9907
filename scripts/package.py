#!/usr/bin/env python3
"""Lay out the installable plugin folder and zip it.

    python3 scripts/package.py zip [DIR]      -> DIR/cloud_mask_plugin-<version>.zip (DIR: dist)
    python3 scripts/package.py stage DIR      -> DIR/cloud_mask_plugin/ (what the zip holds)

QGIS needs ``metadata.txt``, the icon and the other shipped files inside the plugin's own
folder, while the repository keeps them at the top level; both commands build that folder.
Only the standard library is used, plus Qt's ``lrelease`` when there are translations.
"""
import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "cloud_mask_plugin"
# Top-level files and folders that go inside the plugin folder.
SHIPPED = ("metadata.txt", "LICENSE", "README.md", "resources")
JUNK_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
JUNK_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", ".swp", "~")


def version():
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(os.path.join(REPO, "metadata.txt"), encoding="utf-8")
    return metadata["general"]["version"]


def is_junk(name):
    return name.startswith(".") or name in JUNK_DIRS or name.endswith(JUNK_SUFFIXES)


def copy_tree(source, target):
    shutil.copytree(source, target, ignore=lambda folder, names: [n for n in names if is_junk(n)])


def compile_translations(target):
    """Ship ``i18n/*.qm``: copied when present, else compiled from the ``.ts`` sources."""
    source = os.path.join(REPO, "i18n")
    sources = sorted(n for n in os.listdir(source) if n.endswith((".ts", ".qm"))) if os.path.isdir(source) else []
    if not sources:
        return
    os.makedirs(target, exist_ok=True)
    for name in sources:
        stem, suffix = os.path.splitext(name)
        if suffix == ".qm":
            shutil.copy2(os.path.join(source, name), target)
        elif not os.path.exists(os.path.join(source, stem + ".qm")):
            lrelease = shutil.which("lrelease")
            if lrelease is None:
                sys.exit("error: i18n/ has .ts translations but Qt's lrelease is missing; run 'make setup'")
            subprocess.run([lrelease, "-silent", os.path.join(source, name), "-qm", os.path.join(target, stem + ".qm")],
                           check=True)


def stage(parent):
    """Write the plugin folder into ``parent`` (replacing an older one); return its path."""
    require("metadata.txt", "resources")
    plugin = os.path.join(parent, PACKAGE)
    if os.path.exists(plugin):
        shutil.rmtree(plugin)
    copy_tree(os.path.join(REPO, PACKAGE), plugin)
    for name in SHIPPED:
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            copy_tree(source, os.path.join(plugin, name))
        elif os.path.isfile(source):
            shutil.copy2(source, plugin)
    compile_translations(os.path.join(plugin, "i18n"))
    return plugin


def require(*names):
    missing = [name for name in names if not os.path.exists(os.path.join(REPO, name))]
    if missing:
        sys.exit(f"error: cannot package the plugin without {', '.join(missing)} at the repository top level")


def build_zip(dist):
    # A published plugin must say its license; a staged one for local runs need not.
    require("LICENSE")
    os.makedirs(dist, exist_ok=True)
    archive = os.path.join(dist, f"{PACKAGE}-{version()}.zip")
    with tempfile.TemporaryDirectory() as work:
        plugin = stage(work)
        with zipfile.ZipFile(archive + ".part", "w", zipfile.ZIP_DEFLATED) as zf:
            for folder, dirs, files in os.walk(plugin):
                dirs.sort()
                for name in sorted(files):
                    path = os.path.join(folder, name)
                    zf.write(path, os.path.relpath(path, work))
    os.replace(archive + ".part", archive)
    return archive


def main(argv):
    if argv[:1] == ["zip"] and len(argv) <= 2:
        print(build_zip(os.path.abspath(argv[1]) if len(argv) == 2 else os.path.join(REPO, "dist")))
    elif argv[:1] == ["stage"] and len(argv) == 2:
        print(stage(os.path.abspath(argv[1])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Cloud Mask: mask clouds in satellite rasters with a coarse/fine CNN cascade.

QGIS loads the plugin through ``classFactory``. Nothing here imports ``qgis`` at module
level, so ``cloud_mask_plugin.core`` and the command line (``python -m cloud_mask_plugin``)
work in a plain Python without QGIS.
"""
import os

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))


def shipped_path(folder: str, *parts: str) -> str:
    """Path of a file the plugin ships in ``folder`` (``resources`` for icons and QML
    styles, ``i18n`` for translations).

    The installed plugin carries these folders inside its own folder; a source checkout
    keeps them beside the package at the repository root.
    """
    for base in (PLUGIN_DIR, os.path.dirname(PLUGIN_DIR)):
        if os.path.isdir(os.path.join(base, folder)):
            return os.path.join(base, folder, *parts)
    return os.path.join(PLUGIN_DIR, folder, *parts)


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    from .plugin import CloudMaskPlugin

    return CloudMaskPlugin(iface)

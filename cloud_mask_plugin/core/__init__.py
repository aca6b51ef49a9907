"""The cloud-masking engine: QGIS-free, importable and testable with plain Python.

``api.mask_file`` is the entry point every front end uses.
"""

# The product's version; metadata.txt carries the same number (a test checks they agree).
__version__ = "0.1.0"

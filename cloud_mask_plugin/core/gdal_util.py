"""Small GDAL helpers that turn GDAL's failures into one-line user errors.

The engine runs inside the user's QGIS, so it must not change process-wide GDAL state:
``gdal.UseExceptions()`` would change behaviour for every other plugin. Instead it
checks return values and collects GDAL's messages with an error handler, which GDAL keeps
per thread, so the handler does not leak into QGIS's own threads.
"""
from __future__ import annotations

import contextlib
import os
from typing import List, Optional
from xml.etree import ElementTree

from osgeo import gdal

from .errors import InputError


class GdalMessages:
    """Collects GDAL warnings and errors raised while the handler is pushed."""

    def __init__(self):
        self.messages: List[str] = []

    def __call__(self, err_class, err_no, message):
        if err_class >= gdal.CE_Failure:
            self.messages.append(" ".join(str(message).split()))

    def last(self, default: str = "unknown GDAL error") -> str:
        return self.messages[-1] if self.messages else default


@contextlib.contextmanager
def gdal_errors():
    handler = GdalMessages()
    gdal.PushErrorHandler(handler)
    try:
        yield handler
    finally:
        gdal.PopErrorHandler()


def open_raster(path: str):
    """Open ``path`` read-only with GDAL or raise an InputError saying why not."""
    label = os.path.basename(path) or path
    if not path:
        raise InputError("no input raster given")
    if not path.startswith("/vsi") and not os.path.exists(path):
        raise InputError(f"input '{path}' does not exist; check the path")
    with gdal_errors() as errors:
        ds = gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_READONLY)
    if ds is None:
        detail = errors.last("not a raster format GDAL can read")
        raise InputError(f"'{label}' cannot be opened as a raster: {detail}")
    if ds.RasterXSize < 1 or ds.RasterYSize < 1:
        raise InputError(f"'{label}' has no pixels")
    return ds


def vrt_xml(ds) -> Optional[ElementTree.Element]:
    """The parsed XML of a VRT dataset; None for other drivers or XML that does not parse."""
    if ds.GetDriver().ShortName != "VRT":
        return None
    try:
        return ElementTree.fromstring((ds.GetMetadata("xml:VRT") or [""])[0])
    except ElementTree.ParseError:
        return None

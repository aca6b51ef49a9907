"""Files written whole under a temporary name and renamed, so that a reader never sees half
of one: text files, and tables as CSV or GeoPackage from ``columns`` (name, OGR field type,
what it holds) and rows (dicts by column name; None or "" leaves a cell empty)."""
from __future__ import annotations

import csv
import os
from typing import Callable, List, Optional, Sequence, Tuple

from .errors import OutputError
from .gdal_util import gdal_errors

Column = Tuple[str, str, str]


def partial_name(path: str) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    stem, ext = os.path.splitext(name)
    return os.path.join(folder, f".{stem}.partial{ext}")


def remove(path: str):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def write_atomically(path: str, write: Callable, newline: Optional[str] = None):
    """Open ``path``'s temporary file as text, let ``write`` fill it, rename it to ``path``."""
    temp = partial_name(path)
    try:
        with open(temp, "w", encoding="utf-8", newline=newline) as f:
            write(f)
        os.replace(temp, path)
    except OSError as exc:
        remove(temp)
        raise OutputError(f"cannot write '{path}': {exc.strerror}") from None


def write_csv(path: str, columns: Sequence[Column], rows: List[dict]):
    def write(f):
        writer = csv.writer(f)
        writer.writerow([name for name, _, _ in columns])
        for row in rows:
            writer.writerow(["" if row.get(name) is None else row[name] for name, _, _ in columns])

    write_atomically(path, write, newline="")


def write_gpkg(path: str, layer_name: str, columns: Sequence[Column], rows: List[dict], what: str,
               srs=None, geometry_key: Optional[str] = None, options: Sequence[str] = ()):
    """A GeoPackage with one layer of ``rows``: a table, or with ``geometry_key`` naming each
    row's WKT polygon, a polygon layer in ``srs``. ``what`` names the file in errors."""
    from osgeo import ogr

    temp = partial_name(path)
    remove(temp)   # left by a run killed while writing it
    with gdal_errors() as errors:
        ds = ogr.GetDriverByName("GPKG").CreateDataSource(temp)
        if ds is None:
            raise OutputError(f"cannot write {what} '{path}': {errors.last()}")
        geometry_type = ogr.wkbPolygon if geometry_key else ogr.wkbNone
        layer = ds.CreateLayer(layer_name, srs, geometry_type, options=list(options))
        for name, kind, _ in columns:
            layer.CreateField(ogr.FieldDefn(name, getattr(ogr, kind)))
        definition = layer.GetLayerDefn()
        ds.StartTransaction()
        for row in rows:
            feature = ogr.Feature(definition)
            for name, _, _ in columns:
                if row.get(name) not in (None, ""):
                    feature.SetField(name, row[name])
            if geometry_key and row.get(geometry_key):
                feature.SetGeometry(ogr.CreateGeometryFromWkt(row[geometry_key]))
            layer.CreateFeature(feature)
        ds.CommitTransaction()
        ds = None
        if errors.messages:
            remove(temp)
            raise OutputError(f"cannot write {what} '{path}': {errors.last()}")
    os.replace(temp, path)

"""How much of each area of interest (a field, a farm, a lake) a cloud mask shows clear,
cloudy, shadowed or without data.

Areas are read from any polygon layer OGR opens (``read_area_file``) or handed over as WKT by
a front end (``Area``). Each area is reprojected to the mask's CRS, then moved into pixel
coordinates, where every mask pixel is the unit square ``[col, col+1] x [row, row+1]``.

The pixel rule (``PIXEL_RULE``, written into every table) is area-weighted: a pixel counts by
the share of its square that lies inside the area, so a field of a few pixels, or one cut by
its neighbours, counts right. Working it out exactly for every pixel would cost a polygon
intersection each; only the pixels near the outline need one. A pixel whose centre lies
inside the area shrunk by 0.75 pixel is wholly inside (no point of the square is further
than 0.71 pixel from its centre), and a pixel whose centre lies outside the area grown by
0.75 pixel does not touch it; GDAL's centre-rule rasterisation of those two buffers sorts the
pixels, and the few in between get their exact overlap from OGR.

The part of an area outside the scene counts as no data, so an area wholly outside a scene
is 100 % no data; so are mask codes other than clear, cloud and shadow.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np
from osgeo import gdal, ogr, osr

from .errors import InputError
from .gdal_util import gdal_errors, open_raster

CLEAR, CLOUD, SHADOW = 0, 1, 2
PIXEL_RULE = ("area-weighted: a mask pixel counts by the share of its area inside the area of interest "
              "(exact pixel-polygon overlap); the part of an area outside the scene, and mask no data, "
              "count as no data")
# A pixel's corners are sqrt(2)/2 pixel from its centre; the buffers leave a margin for the
# chords with which GEOS draws their round corners.
_SURE_DISTANCE = 0.75
# Rows of the mask handled at once, so an area as large as the scene needs little memory.
_ROWS_PER_BLOCK = 512
# Points added along each outline edge before reprojection, so straight edges may bend.
_SEGMENTS_PER_SIDE = 64


@dataclass(frozen=True)
class Area:
    """One area of interest: its id, its outline (WKT) and the CRS of that outline (WKT)."""

    id: str
    wkt: str
    crs_wkt: str


@dataclass(frozen=True)
class AreaShares:
    """Shares of one area in one mask, in percent of the area's surface."""

    area_id: str
    clear_percent: float
    cloud_percent: float
    shadow_percent: float
    nodata_percent: float
    area_pixels: float      # the area's surface in the mask's pixels

    def as_dict(self) -> Dict[str, object]:
        return dict(self.__dict__)


def read_area_file(path: str, id_field: Optional[str] = None) -> List[Area]:
    """The polygons of the first layer of ``path``, named by ``id_field`` (default: the
    feature id). Raises ``InputError`` naming the file, feature or field that is wrong."""
    label = os.path.basename(path.rstrip("/\\")) or path
    if not os.path.exists(path):
        raise InputError(f"the area file '{path}' does not exist; check the path")
    with gdal_errors() as errors:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY)
    if ds is None or ds.GetLayerCount() < 1:
        raise InputError(f"'{label}' cannot be opened as a polygon layer: {errors.last('no vector layer found')}")
    layer = ds.GetLayer(0)
    srs = layer.GetSpatialRef()
    # A GeoPackage saved without a CRS reports GDAL's "Undefined geographic/Cartesian SRS".
    if srs is None or (srs.GetName() or "").startswith("Undefined "):
        raise InputError(f"the areas in '{label}' have no coordinate reference system; assign one (e.g. in QGIS: "
                         f"Layer Properties > Source) so they can be placed on the scenes")
    definition = layer.GetLayerDefn()
    fields = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    if id_field and id_field not in fields:
        raise InputError(f"'{label}' has no field '{id_field}' to name the areas by; its fields are: "
                         f"{', '.join(fields) or 'none'}")
    areas = []
    for feature in layer:
        area_id = feature.GetField(id_field) if id_field else feature.GetFID()
        areas.append(area_from_geometry(feature.GetGeometryRef(), "" if area_id is None else str(area_id),
                                        srs.ExportToWkt(), label))
    return check_areas(areas, label)


def area_from_geometry(geometry: Optional[ogr.Geometry], area_id: str, crs_wkt: str, label: str) -> Area:
    """An ``Area`` from an OGR geometry, made valid; ``InputError`` when it is not a polygon."""
    if geometry is None or geometry.IsEmpty():
        raise InputError(f"area '{area_id}' of '{label}' has no geometry; delete it or draw its outline")
    if ogr.GT_Flatten(geometry.GetGeometryType()) not in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        raise InputError(f"area '{area_id}' of '{label}' is a {geometry.GetGeometryName().title()}, not a polygon; "
                         f"areas of interest must be polygons")
    geometry = geometry.Clone()
    geometry.FlattenTo2D()
    if not geometry.IsValid():
        # Self-crossing outlines, as hand drawing makes them: GEOS's repair keeps their surface.
        geometry = geometry.MakeValid()
    return Area(area_id, geometry.ExportToWkt(), crs_wkt)


def check_areas(areas: List[Area], label: str) -> List[Area]:
    if not areas:
        raise InputError(f"'{label}' holds no areas; draw at least one polygon")
    seen = set()
    for area in areas:
        if area.id in seen:
            raise InputError(f"two areas of '{label}' are named '{area.id}'; choose an id field whose values differ "
                             f"(or none, to name them by feature id)")
        seen.add(area.id)
    return areas


def measure_areas(mask_path: str, areas: List[Area]) -> List[AreaShares]:
    """Clear, cloud, shadow and no-data shares of every area in the mask ``mask_path``
    (0 clear, 1 cloud, 2 shadow, 255 no data); see the module's pixel rule."""
    ds = open_raster(mask_path)
    label = os.path.basename(mask_path)
    geotransform = ds.GetGeoTransform(can_return_null=True)
    scene_srs = osr.SpatialReference()
    if not geotransform or not ds.GetProjection() or scene_srs.ImportFromWkt(ds.GetProjection()) != 0:
        raise InputError(f"the mask '{label}' has no coordinate reference system, so areas cannot be placed on it; "
                         f"give its scene a CRS (e.g. with gdal_edit.py -a_srs) and mask it again")
    scene_srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_pixel = gdal.InvGeoTransform(geotransform)
    band = ds.GetRasterBand(1)
    shares = []
    for area in areas:
        outline = area_in_pixels(area, scene_srs, to_pixel)
        if outline is None or outline.GetArea() <= 0:
            shares.append(AreaShares(area.id, 0.0, 0.0, 0.0, 100.0, 0.0))
            continue
        counts = np.zeros(3)
        for col0, row0, weights in pixel_weights(outline, ds.RasterXSize, ds.RasterYSize):
            codes = band.ReadAsArray(col0, row0, weights.shape[1], weights.shape[0])
            counts += [weights[codes == code].sum() for code in (CLEAR, CLOUD, SHADOW)]
        shares.append(shares_of(area.id, counts, outline.GetArea()))
    return shares


def shares_of(area_id: str, counts: np.ndarray, surface: float) -> AreaShares:
    clear, cloud, shadow = (100.0 * float(c) / surface for c in counts)
    nodata = max(0.0, 100.0 - clear - cloud - shadow)   # rounding may take it a hair below zero
    return AreaShares(area_id, round(clear, 4), round(cloud, 4), round(shadow, 4), round(nodata, 4),
                      round(surface, 3))


def area_in_pixels(area: Area, scene_srs: osr.SpatialReference, to_pixel) -> Optional[ogr.Geometry]:
    """The area's outline in the mask's pixel coordinates, or None when it cannot be
    reprojected there (far outside the scene's projection)."""
    area_srs = osr.SpatialReference()
    if area_srs.ImportFromWkt(area.crs_wkt) != 0:
        raise InputError(f"the coordinate reference system of area '{area.id}' is not one GDAL understands")
    area_srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    geometry = ogr.CreateGeometryFromWkt(area.wkt)
    minx, maxx, miny, maxy = geometry.GetEnvelope()
    side = max(maxx - minx, maxy - miny)
    if side > 0:
        geometry.Segmentize(side / _SEGMENTS_PER_SIDE)
    with gdal_errors():
        if not area_srs.IsSame(scene_srs) and geometry.Transform(osr.CoordinateTransformation(area_srs,
                                                                                               scene_srs)) != 0:
            return None
    return affine(geometry, to_pixel)


def affine(geometry: ogr.Geometry, g) -> ogr.Geometry:
    """``geometry`` with every point (x, y) moved to (g0 + g1 x + g2 y, g3 + g4 x + g5 y)."""
    moved = geometry.Clone()
    for ring in rings(moved):
        for i in range(ring.GetPointCount()):
            x, y = ring.GetX(i), ring.GetY(i)
            ring.SetPoint_2D(i, g[0] + g[1] * x + g[2] * y, g[3] + g[4] * x + g[5] * y)
    return moved


def rings(geometry: ogr.Geometry) -> Iterator[ogr.Geometry]:
    if geometry.GetGeometryCount() == 0:
        yield geometry
    for i in range(geometry.GetGeometryCount()):
        yield from rings(geometry.GetGeometryRef(i))


def pixel_weights(outline: ogr.Geometry, width: int, height: int) -> Iterator[Tuple[int, int, np.ndarray]]:
    """(first column, first row, weights) for blocks of the mask window that the outline (in
    pixel coordinates) reaches; weights[r, c] is the share of pixel (row0 + r, col0 + c)
    inside it."""
    minx, maxx, miny, maxy = outline.GetEnvelope()
    col0, col1 = max(0, math.floor(minx)), min(width, math.ceil(maxx))
    first_row, last_row = max(0, math.floor(miny)), min(height, math.ceil(maxy))
    if col0 >= col1 or first_row >= last_row:
        return
    inner = outline.Buffer(-_SURE_DISTANCE)
    outer = outline.Buffer(_SURE_DISTANCE)
    for row0 in range(first_row, last_row, _ROWS_PER_BLOCK):
        rows = min(_ROWS_PER_BLOCK, last_row - row0)
        weights = burn(inner, col0, row0, col1 - col0, rows).astype(np.float64)
        near_edge = burn(outer, col0, row0, col1 - col0, rows) & (weights == 0)
        # Quiet: a pixel that only touches the outline leaves a line or a point, whose area
        # OGR gives as 0 with a warning.
        with gdal_errors():
            for r in np.unique(np.nonzero(near_edge)[0]):
                y = row0 + r
                strip = outline.Intersection(box(col0, y, col1, y + 1))
                if strip is None or strip.IsEmpty():
                    continue
                for c in np.nonzero(near_edge[r])[0]:
                    piece = strip.Intersection(box(col0 + c, y, col0 + c + 1, y + 1))
                    weights[r, c] = piece.GetArea() if piece is not None else 0.0
        yield col0, row0, weights


def burn(geometry: ogr.Geometry, col0: int, row0: int, columns: int, rows: int) -> np.ndarray:
    """True where the centre of a pixel of the window lies inside ``geometry`` (pixel
    coordinates); GDAL's default rasterisation rule."""
    if geometry is None or geometry.IsEmpty():
        return np.zeros((rows, columns), dtype=bool)
    target = gdal.GetDriverByName("MEM").Create("", columns, rows, 1, gdal.GDT_Byte)
    target.SetGeoTransform((float(col0), 1.0, 0.0, float(row0), 0.0, 1.0))
    source = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = source.CreateLayer("area", geom_type=ogr.wkbUnknown)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(geometry)
    layer.CreateFeature(feature)
    with gdal_errors():   # quiet: neither side has a CRS, both are in pixel coordinates
        gdal.RasterizeLayer(target, [1], layer, burn_values=[1])
    return target.ReadAsArray().astype(bool)


def box(x0: float, y0: float, x1: float, y1: float) -> ogr.Geometry:
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)):
        ring.AddPoint_2D(float(x), float(y))
    polygon = ogr.Geometry(ogr.wkbPolygon)
    polygon.AddGeometry(ring)
    return polygon

"""Areas of interest for the tests, and an independent zonal count to check the clear
fraction per area against: rasterio's reprojection of the outline (not OGR's) and its
rasteriser on sub-pixels (not the exact pixel-polygon overlap of ``core.areas``)."""
import numpy as np
import rasterio
import rasterio.features
import rasterio.warp
import rasterio.windows

# Areas over On Cloud N chips 1 (UTM 36S) and 2 (UTM 36N), drawn in the chip's UTM zone:
# an irregular field inside chip 1, a rectangle crossing chip 1's east edge (x = 451355; 645
# of its 1200 m lie outside), a field of a few pixels, a field inside chip 2, and a triangle
# far from both.
CHIP_AREAS = {
    "field_1": (32736, [(447000, 9704000), (449500, 9704800), (450200, 9702000), (447800, 9701200)]),
    "edge_1": (32736, [(450800, 9702500), (452000, 9702500), (452000, 9703500), (450800, 9703500)]),
    "tiny_1": (32736, [(448003, 9703007), (448041, 9703012), (448020, 9702969)]),
    "field_2": (32636, [(742000, 304000), (745000, 304500), (745500, 301000), (742500, 301500)]),
    "nowhere": (32736, [(300000, 9000000), (301000, 9000000), (301000, 9001000)]),
}
EDGE_1_OUTSIDE_PERCENT = 100.0 * (452000 - 451355) / (452000 - 450800)


def outline_in(geojson, src_crs, dst_crs):
    return rasterio.warp.transform_geom(src_crs, dst_crs, geojson)


def ring_area_and_length(coords):
    xy = np.asarray(coords, dtype=float)
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])), float(np.hypot(*np.diff(xy, axis=0).T).sum())


def zonal_shares(raster_path, geojson, geojson_crs, codes, subpixels):
    """{code: percent of the area's surface} for a one-polygon GeoJSON outline, counting each
    pixel by the share of its ``subpixels`` x ``subpixels`` sub-pixels whose centre is inside;
    and the bound on that count's error in percentage points (each pixel the outline crosses
    may be off by the outline's length in it over ``subpixels``)."""
    with rasterio.open(raster_path) as src:
        outline = outline_in(geojson, geojson_crs, src.crs)
        (ring,) = outline["coordinates"]
        area, length = ring_area_and_length(ring)
        pixel_area = abs(src.transform.a * src.transform.e)
        area_px, length_px = area / pixel_area, length / abs(src.transform.a)
        bounds = rasterio.features.bounds(outline)
        cols, rows = zip(*(~src.transform * (x, y) for x in bounds[::2] for y in bounds[1::2]))
        col0, row0 = max(0, int(np.floor(min(cols)))), max(0, int(np.floor(min(rows))))
        col1, row1 = min(src.width, int(np.ceil(max(cols)))), min(src.height, int(np.ceil(max(rows))))
        window = rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)
        data = src.read(1, window=window)
        transform = src.window_transform(window) * rasterio.Affine.scale(1 / subpixels)
        h, w = data.shape
        fine = rasterio.features.rasterize([outline], out_shape=(h * subpixels, w * subpixels), transform=transform)
        cover = fine.reshape(h, subpixels, w, subpixels).mean(axis=(1, 3))
    shares = {code: 100.0 * cover[data == code].sum() / area_px for code in codes}
    error_bound = 200.0 * length_px / (subpixels * area_px)
    return shares, error_bound


def write_area_layer(path, areas, epsg=4326, name_field="name"):
    """A GeoPackage of polygons in ``epsg``, from ``{name: (epsg drawn in, [(x, y), ...])}``:
    each outline drawn in the CRS of the scene it is meant for, stored reprojected."""
    from osgeo import ogr, osr

    def srs(code):
        s = osr.SpatialReference()
        s.ImportFromEPSG(code)
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        return s

    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = ds.CreateLayer("areas", srs(epsg), ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn(name_field, ogr.OFTString))
    for name, (drawn_in, points) in areas.items():
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in list(points) + [points[0]]:
            ring.AddPoint_2D(float(x), float(y))
        polygon = ogr.Geometry(ogr.wkbPolygon)
        polygon.AddGeometry(ring)
        if drawn_in != epsg:
            polygon.Transform(osr.CoordinateTransformation(srs(drawn_in), srs(epsg)))
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField(name_field, name)
        feature.SetGeometry(polygon)
        layer.CreateFeature(feature)
    ds = None
    return str(path)


def area_outlines(path, name_field="name"):
    """{name: GeoJSON geometry} of a layer written by ``write_area_layer``."""
    import json

    from osgeo import ogr

    ds = ogr.Open(str(path))
    return {f.GetField(name_field): json.loads(f.GetGeometryRef().ExportToJson()) for f in ds.GetLayer(0)}


def read_area_table(path):
    """The rows of an ``aoi_clear_fraction.csv``, shares as floats (None when empty)."""
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for name in ("clear_percent", "cloud_percent", "shadow_percent", "nodata_percent", "area_pixels"):
            row[name] = float(row[name]) if row[name] != "" else None
    return rows

"""Helpers for the front-end tests (CLI, Processing, qgis_process): where the real data
is, inputs derived from it, and how to check the rasters a run wrote."""
import pytest


def read_raster(path):
    """(band 1 as an array, geotransform, projection WKT, (width, height)) of a raster file."""
    from osgeo import gdal

    ds = gdal.Open(path)
    return (ds.GetRasterBand(1).ReadAsArray(), ds.GetGeoTransform(), ds.GetProjection(),
            (ds.RasterXSize, ds.RasterYSize))


def cloud_percent(mask):
    """Percent of the mask's valid pixels (not 255) that are cloud (1)."""
    valid = mask != 255
    return 100.0 * float((mask[valid] == 1).sum()) / float(valid.sum())


def assert_same_grid(output_path, input_path):
    """The output raster has the input's size, geotransform and CRS."""
    from osgeo import osr

    _, out_transform, out_wkt, out_size = read_raster(output_path)
    _, in_transform, in_wkt, in_size = read_raster(input_path)
    assert out_size == in_size
    assert out_transform == pytest.approx(in_transform)
    assert osr.SpatialReference(out_wkt).IsSame(osr.SpatialReference(in_wkt))


def without_band_names(source, target):
    """Copy of the raster ``source`` whose band descriptions are gone, so nothing says
    which band is which; returns ``target``."""
    from osgeo import gdal

    gdal.Translate(str(target), str(source))
    ds = gdal.Open(str(target), gdal.GA_Update)
    for index in range(1, ds.RasterCount + 1):
        ds.GetRasterBand(index).SetDescription("")
    ds = None
    return str(target)

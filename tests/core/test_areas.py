"""The engine's areas of interest (``core.areas``) and scene dates (``core.acquisition``):
the pixel rule on outlines that cross pixels, reprojection, bad area layers, and the date
and sensor of real Landsat and Sentinel-2 products."""
import os

import numpy as np
import pytest
from osgeo import gdal, ogr, osr

from cloud_mask_plugin.core.acquisition import scene_acquisition
from cloud_mask_plugin.core.areas import Area, measure_areas, read_area_file
from cloud_mask_plugin.core.errors import InputError
from tests.helpers.areas import write_area_layer
from tests.helpers.real_data import shared_data, write_raster

GEOTRANSFORM = (500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0)


def utm33():
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    return srs.ExportToWkt()


def mask_of(path, codes, geotransform=GEOTRANSFORM, epsg=32633):
    return write_raster(path, np.asarray(codes, dtype=np.uint8)[None], geotransform=geotransform, epsg=epsg,
                        names=None, nodata=255)


def test_pixels_on_the_outline_count_by_their_share_of_area(tmp_path):
    # Columns 0 clear, 1 cloud, 2 shadow, 3 no data; the area covers x 5..35 m, y -2..-18 m:
    # half of column 0, all of columns 1 and 2, half of column 3, over 1.6 rows.
    mask = mask_of(tmp_path / "mask.tif", [[0, 1, 2, 255]] * 3)
    area = Area("a", "POLYGON((500005 3999998,500035 3999998,500035 3999982,500005 3999982,500005 3999998))", utm33())
    (shares,) = measure_areas(mask, [area])
    assert shares.area_pixels == pytest.approx(3.0 * 1.6)
    assert (shares.clear_percent, shares.cloud_percent, shares.shadow_percent, shares.nodata_percent) == \
        pytest.approx((100 * 0.5 / 3, 100 / 3, 100 / 3, 100 * 0.5 / 3), abs=1e-3)


def test_a_field_smaller_than_a_pixel_counts_by_its_surface(tmp_path):
    mask = mask_of(tmp_path / "mask.tif", [[0, 1, 1], [1, 1, 1], [1, 1, 1]])
    # 4 m x 4 m around the corner where four pixels meet: a quarter over each.
    small = Area("f", "POLYGON((500008 3999992,500012 3999992,500012 3999988,500008 3999988,500008 3999992))", utm33())
    # Two pixels of the first row, and a slanted strip below reaching into the first column,
    # so the clear pixel (0, 0) is inside the window and meets the area along its edge only.
    edge = Area("e", "POLYGON((500010 4000000,500030 4000000,500030 3999980,500005 3999980,500010 3999990,"
                     "500010 4000000))", utm33())
    messages = []
    gdal.PushErrorHandler(lambda level, number, text: messages.append(text))
    try:
        small_shares, edge_shares = measure_areas(mask, [small, edge])
    finally:
        gdal.PopErrorHandler()
    assert (small_shares.clear_percent, small_shares.cloud_percent) == pytest.approx((25.0, 75.0), abs=1e-6)
    assert small_shares.area_pixels == pytest.approx(0.16)
    assert (edge_shares.clear_percent, edge_shares.cloud_percent) == (0.0, 100.0)
    assert edge_shares.area_pixels == pytest.approx(2 + 2.25)
    # The clear pixel meets the area in a line, whose area OGR gives with a warning: no noise.
    assert messages == []


def test_areas_in_longitude_and_latitude_are_reprojected_to_the_scene(tmp_path):
    mask = mask_of(tmp_path / "mask.tif", np.r_[np.zeros((50, 100)), np.ones((50, 100))])
    layer = write_area_layer(tmp_path / "areas.gpkg", {
        "top": (32633, [(500100, 3999900), (500400, 3999900), (500400, 3999700), (500100, 3999700)]),
        "bottom": (32633, [(500100, 3999300), (500400, 3999300), (500400, 3999100), (500100, 3999100)]),
        "outside": (32633, [(600000, 3000000), (601000, 3000000), (601000, 3001000)]),
    })
    areas = read_area_file(layer, "name")
    assert [area.id for area in areas] == ["top", "bottom", "outside"] and "4326" in areas[0].crs_wkt
    top, bottom, outside = measure_areas(mask, areas)
    assert top.clear_percent == pytest.approx(100.0, abs=1e-6) and top.area_pixels == pytest.approx(600, rel=1e-4)
    assert bottom.cloud_percent == pytest.approx(100.0, abs=1e-6)
    assert (outside.clear_percent, outside.cloud_percent, outside.nodata_percent) == (0.0, 0.0, 100.0)


def test_areas_are_named_by_feature_id_without_an_id_field(tmp_path):
    layer = write_area_layer(tmp_path / "areas.gpkg", {"a": (4326, [(10, 50), (10.1, 50), (10, 50.1)]),
                                                       "b": (4326, [(11, 50), (11.1, 50), (11, 50.1)])})
    assert [area.id for area in read_area_file(layer)] == ["1", "2"]


def test_bad_area_layers_are_refused_with_what_to_do(tmp_path):
    with pytest.raises(InputError, match="the area file '.*missing.gpkg' does not exist; check the path"):
        read_area_file(str(tmp_path / "missing.gpkg"))
    layer = write_area_layer(tmp_path / "areas.gpkg", {"x": (4326, [(10, 50), (10.1, 50), (10, 50.1)]),
                                                       "y": (4326, [(11, 50), (11.1, 50), (11, 50.1)])})
    with pytest.raises(InputError, match="has no field 'id' .* its fields are: name"):
        read_area_file(layer, "id")

    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp_path / "lines.gpkg"))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    lines = ds.CreateLayer("lines", srs, ogr.wkbLineString)
    feature = ogr.Feature(lines.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt("LINESTRING(10 50,11 51)"))
    lines.CreateFeature(feature)
    ds = None
    with pytest.raises(InputError, match="area '1' of 'lines.gpkg' is a Linestring, not a polygon"):
        read_area_file(str(tmp_path / "lines.gpkg"))

    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp_path / "nocrs.gpkg"))
    nocrs = ds.CreateLayer("areas", None, ogr.wkbPolygon)
    feature = ogr.Feature(nocrs.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON((0 0,1 0,1 1,0 0))"))
    nocrs.CreateFeature(feature)
    ds = None
    with pytest.raises(InputError, match="have no coordinate reference system; assign one"):
        read_area_file(str(tmp_path / "nocrs.gpkg"))


def test_two_areas_with_one_id_are_refused(tmp_path):
    layer = write_area_layer(tmp_path / "areas.gpkg", {"x": (4326, [(10, 50), (10.1, 50), (10, 50.1)])})
    ds = ogr.Open(layer, 1)
    copy = ogr.Feature(ds.GetLayer(0).GetLayerDefn())
    copy.SetField("name", "x")
    copy.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON((12 50,12.1 50,12 50.1,12 50))"))
    ds.GetLayer(0).CreateFeature(copy)
    ds = None
    with pytest.raises(InputError, match="two areas of 'areas.gpkg' are named 'x'"):
        read_area_file(layer, "name")


def test_a_mask_without_a_crs_cannot_hold_areas(tmp_path):
    mask = mask_of(tmp_path / "nocrs.tif", [[0, 1]], geotransform=None, epsg=None)
    with pytest.raises(InputError, match="'nocrs.tif' has no coordinate reference system"):
        measure_areas(mask, [Area("a", "POLYGON((0 0,1 0,1 1,0 0))", utm33())])


def test_date_and_sensor_of_real_landsat_and_sentinel2_products():
    mtl = shared_data("weak", "landsat7_qa", "LE07_L1TP_007059_20161209_20170130_01_T1_MTL.txt")
    for path in (mtl, os.path.dirname(mtl), mtl.replace("_MTL.txt", "_b1.tif")):
        found = scene_acquisition(path)
        assert (found.date, found.sensor, found.source) == ("2016-12-09", "Landsat 7 ETM+", "date and sensor: MTL file")
    safe = shared_data("unlabeled", "s2_l2a_T29UNU_60m",
                       "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454.SAFE")
    found = scene_acquisition(safe)
    assert (found.date, found.sensor, found.source) == \
        ("2022-10-05", "Sentinel-2A MSI", "date and sensor: Sentinel-2 metadata")
    # A band folder whose files carry an old Landsat scene id: year 2015, day 295.
    found = scene_acquisition(shared_data("unlabeled", "landsat8_longisland_120m"))
    assert (found.date, found.sensor, found.source) == \
        ("2015-10-22", "Landsat 8 OLI/TIRS", "date and sensor: file name")
    found = scene_acquisition(shared_data("oncloudn_s2", "chip_1"))
    assert (found.date, found.sensor, found.source) == ("unknown", "unknown", "date and sensor: unknown")


def test_date_from_raster_tags_but_not_from_the_files_own_write_time(tmp_path):
    path = write_raster(tmp_path / "scene.tif", np.zeros((1, 4, 4), dtype=np.uint16), names=None)
    ds = gdal.Open(path, gdal.GA_Update)
    ds.SetMetadata({"TIFFTAG_DATETIME": "2024:01:02 03:04:05", "ACQUISITION_DATE": "2021-07-14T10:20:00Z",
                    "SATELLITE": "CBERS-4A WFI"})
    ds = None
    found = scene_acquisition(path)
    assert (found.date, found.sensor, found.source) == ("2021-07-14", "CBERS-4A WFI", "date and sensor: raster tags")

    only_write_time = write_raster(tmp_path / "field_2021-02-30_20210630.tif", np.zeros((1, 4, 4), dtype=np.uint16),
                                   names=None)
    ds = gdal.Open(only_write_time, gdal.GA_Update)
    ds.SetMetadata({"TIFFTAG_DATETIME": "2024:01:02 03:04:05"})
    ds = None
    found = scene_acquisition(only_write_time)   # 2021-02-30 is no date; the name's next one is
    assert (found.date, found.sensor, found.source) == ("2021-06-30", "unknown", "date: file name; sensor: unknown")

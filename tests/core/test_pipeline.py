"""The engine on files: georeferencing, no data, streaming, seams and the report."""
import json
import os

import numpy as np
import pytest
from osgeo import gdal

from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, default_outputs, mask_file
from cloud_mask_plugin.core.backend import resolve_device
from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.cascade import CascadeModels, segment_array
from cloud_mask_plugin.core.errors import OutputError

from tests.helpers.real_data import stack_oncloudn, write_raster
from tests.helpers.toy_bundle import BRIGHT, SHARPNESS


def read(path):
    ds = gdal.Open(path)
    return ds, ds.ReadAsArray()


def test_real_scene_keeps_grid_and_reports_cover(tmp_path, toy_bundle):
    scene = stack_oncloudn("chip_1", tmp_path / "chip_1.tif")
    outputs = default_outputs(scene, str(tmp_path / "out"))
    result = mask_file(scene, outputs, MaskOptions(model=toy_bundle))

    src = gdal.Open(scene)
    mask_ds, mask = read(outputs.mask)
    assert (mask_ds.RasterXSize, mask_ds.RasterYSize) == (src.RasterXSize, src.RasterYSize)
    assert mask_ds.GetGeoTransform() == src.GetGeoTransform()
    assert mask_ds.GetSpatialRef().IsSame(src.GetSpatialRef())
    assert mask_ds.GetRasterBand(1).GetNoDataValue() == 255
    assert mask_ds.GetMetadataItem("CLOUDMASK_MODEL") == "toy"
    assert set(np.unique(mask)) <= {0, 1, 255}

    report = json.load(open(outputs.report))
    valid = mask != 255
    assert report["cloud_cover_percent"] == pytest.approx(100 * (mask == 1).sum() / valid.sum(), abs=1e-3)
    assert report == result.report
    assert report["cells_fine"] + report["cells_skipped"] == report["cells_with_data"]

    grid_ds, grid = read(outputs.coarse_grid)
    assert grid.shape == (4, 4)  # 512 px / 128 px cells
    assert grid_ds.GetGeoTransform()[1] == src.GetGeoTransform()[1] * 128

    from osgeo import ogr

    polygons = ogr.Open(outputs.polygons)
    layer = polygons.GetLayer("clouds")
    assert layer.GetFeatureCount() == report["polygons"] > 0
    assert layer.GetSpatialRef().IsSame(src.GetSpatialRef())
    # Polygons cover exactly the cloud pixels (pixel area 10 m x 10 m).
    area = sum(f.GetGeometryRef().GetArea() for f in layer)
    assert area == pytest.approx((mask == 1).sum() * 100.0)


def test_streaming_matches_in_memory_cascade(tmp_path, small_toy_bundle):
    """The file pipeline (strips, lagged blending) equals the in-memory cascade exactly."""
    rng = np.random.default_rng(1)
    scene = rng.uniform(0.0, 0.6, size=(4, 45, 61)).astype(np.float32)
    path = write_raster(tmp_path / "scene.tif", scene)
    outputs = OutputPaths(mask=str(tmp_path / "m.tif"), probability=str(tmp_path / "p.tif"))
    mask_file(path, outputs, MaskOptions(model=small_toy_bundle))

    bundle = load_bundle(small_toy_bundle)
    expected = segment_array(CascadeModels(bundle, resolve_device("cpu")), scene, np.ones(scene.shape[1:], bool))
    _, mask = read(outputs.mask)
    _, percent = read(outputs.probability)
    np.testing.assert_array_equal(mask, expected.mask)
    np.testing.assert_array_equal(percent, np.rint(expected.probability * 100).astype(np.uint8))
    assert expected.fine_cells > 0


def test_blending_reproduces_a_per_pixel_model_exactly(tmp_path, small_toy_bundle):
    """The toy fine model is per pixel, so wherever it ran, the blended windows must give
    exactly its per-pixel answer: any offset error in windows or seams would show."""
    rng = np.random.default_rng(2)
    scene = rng.uniform(0.1, 0.5, size=(4, 37, 50)).astype(np.float32)
    bundle = load_bundle(small_toy_bundle)
    models = CascadeModels(bundle, resolve_device("cpu"))
    result = segment_array(models, scene, np.ones(scene.shape[1:], bool), fine_everywhere=True)
    per_pixel = 1 / (1 + np.exp(-SHARPNESS * (scene.mean(axis=0) - BRIGHT)))
    np.testing.assert_allclose(result.probability, per_pixel, atol=1e-5)


def test_nodata_is_kept_and_never_cloud(tmp_path, toy_bundle):
    scene = np.full((4, 300, 260), 5000, dtype=np.uint16)   # bright: cloud everywhere
    scene[:, :100, :] = 0                                   # a no-data band across the top
    scene[2, 200:, 200:] = 0                                # one band missing in a corner
    path = write_raster(tmp_path / "nodata.tif", scene, nodata=0)
    outputs = default_outputs(path, str(tmp_path), coarse_grid=False, polygons=False)
    result = mask_file(path, outputs, MaskOptions(model=toy_bundle))
    _, mask = read(outputs.mask)
    assert (mask[:100] == 255).all()
    assert (mask[200:, 200:] == 255).all()
    assert (mask[100:200] == 1).all()
    assert result.report["nodata_pixels"] == 100 * 260 + 100 * 60
    assert result.cloud_cover_percent == 100.0


@pytest.mark.parametrize("height,width", [(1, 1), (7, 9), (129, 3), (130, 257)])
def test_sizes_that_are_not_multiples_of_the_cell(tmp_path, toy_bundle, height, width):
    rng = np.random.default_rng(height * 1000 + width)
    scene = rng.uniform(0.0, 0.6, size=(4, height, width)).astype(np.float32)
    path = write_raster(tmp_path / "odd.tif", scene)
    outputs = default_outputs(path, str(tmp_path))
    mask_file(path, outputs, MaskOptions(model=toy_bundle))
    ds, mask = read(outputs.mask)
    mask = mask.reshape(height, width)
    assert (ds.RasterYSize, ds.RasterXSize) == (height, width)
    bright = scene.mean(axis=0) > BRIGHT + 0.05
    dark = scene.mean(axis=0) < BRIGHT - 0.05
    # The toy coarse model may settle a cell only when the whole cell is clearly one thing;
    # at these sizes every cell is mixed, so the per-pixel answer must show through.
    assert (mask[bright] == 1).all() and (mask[dark] == 0).all()


def test_existing_output_is_refused_and_left_alone(tmp_path, toy_bundle):
    scene = write_raster(tmp_path / "s.tif", np.full((4, 20, 20), 0.5, np.float32))
    outputs = default_outputs(scene, str(tmp_path), probability=False, coarse_grid=False, polygons=False,
                              report=False)
    open(outputs.mask, "w").write("keep me")
    with pytest.raises(OutputError, match="already exists"):
        mask_file(scene, outputs, MaskOptions(model=toy_bundle))
    assert open(outputs.mask).read() == "keep me"
    mask_file(scene, outputs, MaskOptions(model=toy_bundle, overwrite=True))
    assert gdal.Open(outputs.mask).ReadAsArray().min() == 1
    leftovers = [f for f in os.listdir(tmp_path) if "partial" in f or f.endswith(".lock")]
    assert leftovers == []

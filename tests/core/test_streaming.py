"""Streaming: the stripe scheduler gives the in-memory answer to the last bit, reads each
pixel once, holds a bounded number of rows and stops between stripes; coarse tiles, fine
windows in parallel and outputs at scale.

Behaviour only, never timings: the benchmarks in ``benchmarks/`` measure speed.
"""
import json
import os
import sys

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper
from osgeo import gdal

from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, mask_file
from cloud_mask_plugin.core.backend import resolve_device
from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.cascade import CascadeModels, segment_array

from tests.helpers.real_data import write_raster
from tests.helpers.toy_bundle import make_toy_bundle, save_onnx_graph

WIDE_KERNEL = 15  # receptive field of the wide fine model: 7 pixels each side, more than halo + 1


def _wide_context_fine_model(path, channels, seed=0):
    """A fine model whose answer depends on neighbours up to 7 px away (a 15 x 15 convolution
    with uneven weights), so any difference in the context a window sees shows in its output."""
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0.0, 1.0, size=(1, channels, WIDE_KERNEL, WIDE_KERNEL)).astype(np.float32)
    weight *= 40.0 / weight.sum()
    bias = np.array([-40.0 * 0.3], dtype=np.float32)
    pad = WIDE_KERNEL // 2
    graph = helper.make_graph(
        [helper.make_node("Conv", ["image", "w", "b"], ["logit"], pads=[pad] * 4),
         helper.make_node("Sigmoid", ["logit"], ["cloud_prob"])],
        "wide_fine",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", channels, "h", "w"])],
        [helper.make_tensor_value_info("cloud_prob", TensorProto.FLOAT, ["n", 1, "h", "w"])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    save_onnx_graph(graph, path)


@pytest.fixture(scope="module")
def wide_bundle(tmp_path_factory):
    folder = make_toy_bundle(tmp_path_factory.mktemp("wide"), downsample=2, stride=4, halo=4)
    _wide_context_fine_model(os.path.join(folder, "fine.onnx"), 4)
    return folder


@pytest.mark.parametrize("batch_size", [1, 3, 16])
@pytest.mark.parametrize("height,width", [(42, 57), (9, 30), (17, 9)])
def test_streaming_equals_in_memory_with_wide_context_at_every_edge(tmp_path, wide_bundle, batch_size, height,
                                                                    width):
    """Fine windows read in pieces (one per batch, or one per cell) must see exactly the
    mirrored context the in-memory cascade gives them, also where the last cell of a row or
    column holds only a pixel or two and the mirror reaches further than the window."""
    rng = np.random.default_rng(height * 100 + width)
    scene = rng.uniform(0.0, 0.6, size=(4, height, width)).astype(np.float32)
    path = write_raster(tmp_path / "scene.tif", scene)
    outputs = OutputPaths(mask=str(tmp_path / "m.tif"), probability=str(tmp_path / "p.tif"))
    mask_file(path, outputs, MaskOptions(model=wide_bundle, batch_size=batch_size))

    models = CascadeModels(load_bundle(wide_bundle), resolve_device("cpu"))
    expected = segment_array(models, scene, np.ones(scene.shape[1:], bool))
    assert expected.fine_cells > 0
    np.testing.assert_array_equal(gdal.Open(outputs.mask).ReadAsArray(), expected.mask)
    np.testing.assert_array_equal(gdal.Open(outputs.probability).ReadAsArray(),
                                  np.rint(expected.probability * 100).astype(np.uint8))


@pytest.mark.parametrize("stripe_pixels", [8, 16, 24])
@pytest.mark.parametrize("batch_size", [1, 4])
def test_column_stripes_give_the_in_memory_answer(monkeypatch, tmp_path, wide_bundle, stripe_pixels, batch_size):
    """A tiled input is processed in column stripes; windows of the cells on either side of
    a stripe's edge are handed from one stripe to the next. The mask, probability and
    counts must not change in any bit, with one-cell stripes and no-data holes included."""
    from cloud_mask_plugin.core import stripes

    rng = np.random.default_rng(stripe_pixels)
    scene = rng.uniform(0.0, 0.6, size=(4, 45, 70)).astype(np.float32)
    valid = np.ones(scene.shape[1:], bool)
    valid[5:9, 30:40] = False
    valid[40:, :3] = False
    scene[:, ~valid] = -1.0
    path = write_raster(tmp_path / "scene.tif", scene, nodata=-1.0,
                        options=["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"])
    monkeypatch.setattr(stripes, "STRIPE_PIXELS", stripe_pixels)
    used = []
    real_stripes = stripes.column_stripes
    monkeypatch.setattr(stripes, "column_stripes", lambda *a: used.append(real_stripes(*a)) or used[-1])
    windows_run = []
    real_fine = CascadeModels.fine_probabilities
    monkeypatch.setattr(CascadeModels, "fine_probabilities",
                        lambda self, w: windows_run.append(len(w)) or real_fine(self, w))
    outputs = OutputPaths(mask=str(tmp_path / "m.tif"), probability=str(tmp_path / "p.tif"),
                          report=str(tmp_path / "r.json"))
    mask_file(path, outputs, MaskOptions(model=wide_bundle, batch_size=batch_size))
    monkeypatch.setattr(CascadeModels, "fine_probabilities", real_fine)

    cell = load_bundle(wide_bundle).cell_size
    grid_w, stripe_cells = -(-70 // cell), stripe_pixels // cell
    assert len(used[0]) == -(-grid_w // stripe_cells) > 2
    models = CascadeModels(load_bundle(wide_bundle), resolve_device("cpu"))
    expected = segment_array(models, np.where(valid, scene, 0.0).astype(np.float32), valid)
    assert expected.fine_cells > 0
    np.testing.assert_array_equal(gdal.Open(outputs.mask).ReadAsArray(), expected.mask)
    np.testing.assert_array_equal(gdal.Open(outputs.probability).ReadAsArray(),
                                  np.where(valid, np.rint(expected.probability * 100), 255).astype(np.uint8))
    report = json.load(open(outputs.report))
    assert report["valid_pixels"] == int(valid.sum())
    assert report["cloud_pixels"] == int(np.count_nonzero(expected.mask == 1))
    assert report["cells_fine"] == expected.fine_cells
    assert sum(windows_run) == expected.fine_cells  # each window computed once, not again by the next stripe


def test_inputs_in_full_width_strips_are_one_stripe(monkeypatch, tmp_path, wide_bundle):
    """A strip-organised GeoTIFF decodes whole strips for any read, so cutting it into column
    stripes would decode every strip once per stripe: it is processed as one stripe."""
    from cloud_mask_plugin.core import stripes

    scene = np.random.default_rng(1).uniform(0.0, 0.6, size=(4, 30, 70)).astype(np.float32)
    path = write_raster(tmp_path / "scene.tif", scene)
    monkeypatch.setattr(stripes, "STRIPE_PIXELS", 16)
    used = []
    real_stripes = stripes.column_stripes
    monkeypatch.setattr(stripes, "column_stripes", lambda *a: used.append(real_stripes(*a)) or used[-1])
    mask_file(path, OutputPaths(mask=str(tmp_path / "m.tif")), MaskOptions(model=wide_bundle))
    assert used == [[(0, -(-70 // load_bundle(wide_bundle).cell_size))]]


# ---------------------------------------------------------------------------------------------
# Outputs at scale: tiled, compressed, and a valid Cloud Optimized GeoTIFF when asked.

def test_polygon_tracing_does_not_keep_the_mask_in_gdals_cache(tmp_path):
    """GDAL's polygonizer reads its raster twice; through the block cache that would keep the
    whole mask in memory (5% of RAM allowed). The cache must stay far below the mask's size,
    the polygons must be the cloud pixels only, and the temporary copy must be gone."""
    from cloud_mask_plugin.core.vectors import polygonize_mask

    size = 2048
    mask = np.zeros((size, size), np.uint8)
    mask[100:900, 200:1800] = 1
    mask[1200:1300, :] = 255  # no data: not a cloud polygon
    mask[1500:1510, 1500:1510] = 1
    path = write_raster(tmp_path / "mask.tif", mask[None], names=None, nodata=255,
                        options=["TILED=YES", "COMPRESS=DEFLATE"])
    cache_seen = []

    def sample_cache():
        cache_seen.append(gdal.GetCacheUsed())
        return False

    target = tmp_path / "out" / "clouds.gpkg"
    target.parent.mkdir()
    before = gdal.GetCacheUsed()
    assert polygonize_mask(str(path), str(target), is_cancelled=sample_cache) == 2
    assert len(cache_seen) > 10
    assert max(cache_seen) - before < size * size // 8
    assert os.listdir(target.parent) == ["clouds.gpkg"]


def test_outputs_are_tiled_and_compressed(tmp_path, toy_bundle):
    scene = write_raster(tmp_path / "s.tif", np.random.default_rng(1).uniform(0, 0.6, (4, 300, 700)).astype(np.float32))
    outputs = OutputPaths(mask=str(tmp_path / "m.tif"), probability=str(tmp_path / "p.tif"))
    mask_file(scene, outputs, MaskOptions(model=toy_bundle))
    for path in (outputs.mask, outputs.probability):
        ds = gdal.Open(path)
        assert ds.GetRasterBand(1).GetBlockSize() == [256, 256]
        assert ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE") == "DEFLATE"
    # The probability varies smoothly: horizontal differencing before DEFLATE; the mask does not.
    assert gdal.Open(outputs.probability).GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE") == "2"
    assert gdal.Open(outputs.mask).GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE") is None


def test_cog_output_is_a_valid_cloud_optimized_geotiff(tmp_path, toy_bundle):
    validate = pytest.importorskip("osgeo_utils.samples.validate_cloud_optimized_geotiff")
    rng = np.random.default_rng(2)
    # Larger than one 512 px COG tile, so the file needs overviews and several tiles.
    scene = write_raster(tmp_path / "s.tif", rng.uniform(0, 0.6, (4, 1100, 1300)).astype(np.float32))
    outputs = OutputPaths(mask=str(tmp_path / "m.tif"), probability=str(tmp_path / "p.tif"))
    mask_file(scene, outputs, MaskOptions(model=toy_bundle, cog=True))
    plain = OutputPaths(mask=str(tmp_path / "plain.tif"))
    mask_file(scene, plain, MaskOptions(model=toy_bundle))
    for path in (outputs.mask, outputs.probability):
        warnings, errors, _ = validate.validate(path, full_check=True)
        assert errors == [], errors
        ds = gdal.Open(path)
        assert ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE") == "COG"
        assert ds.GetRasterBand(1).GetOverviewCount() >= 1
        assert ds.GetMetadataItem("CLOUDMASK_MODEL") == "toy"
    assert gdal.Open(outputs.probability).GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE") == "2"
    np.testing.assert_array_equal(gdal.Open(outputs.mask).ReadAsArray(), gdal.Open(plain.mask).ReadAsArray())


# ---------------------------------------------------------------------------------------------
# Coarse tiles: the same answer as one inference over the whole scene.

def _wide_reach_coarse_model(path, channels, stride, seed=1):
    """A coarse model whose class of a cell depends on cells up to 4 away: pooling to one
    value per cell, then two 5 x 5 convolutions (2 cells each), then a softmax."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0.0, 1.0, size=(8, channels, 5, 5)).astype(np.float32)
    w2 = rng.normal(0.0, 0.3, size=(4, 8, 5, 5)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[stride, stride], strides=[stride, stride]),
         helper.make_node("Conv", ["pooled", "w1"], ["hidden"], pads=[2, 2, 2, 2]),
         helper.make_node("Relu", ["hidden"], ["active"]),
         helper.make_node("Conv", ["active", "w2"], ["logits"], pads=[2, 2, 2, 2]),
         helper.make_node("Softmax", ["logits"], ["class_prob"], axis=1)],
        "wide_coarse",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", channels, "h", "w"])],
        [helper.make_tensor_value_info("class_prob", TensorProto.FLOAT, ["n", 4, "gh", "gw"])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")],
    )
    save_onnx_graph(graph, path)


@pytest.fixture
def wide_reach_bundle(tmp_path):
    folder = make_toy_bundle(tmp_path / "reach", downsample=2, stride=4, halo=4)
    _wide_reach_coarse_model(os.path.join(folder, "coarse.onnx"), 4, 4)
    return folder


def test_coarse_tiles_give_the_whole_scene_answer(monkeypatch, wide_reach_bundle):
    from cloud_mask_plugin.core import cascade

    models = CascadeModels(load_bundle(wide_reach_bundle), resolve_device("cpu"))
    assert models.coarse_context_cells() == 5   # reach 4, plus the spare cell
    image = np.random.default_rng(3).uniform(0.0, 0.6, size=(4, 23 * 4, 17 * 4)).astype(np.float32)
    monkeypatch.setattr(cascade, "COARSE_TILE_CELLS", 10 ** 6)
    whole = models.coarse_probabilities(image)
    for tile in (3, 4, 7):
        monkeypatch.setattr(cascade, "COARSE_TILE_CELLS", tile)
        np.testing.assert_array_equal(models.coarse_probabilities(image), whole)


def test_a_sensor_independent_bundle_fed_fewer_bands_than_it_lists_tiles_its_coarse_grid(monkeypatch, model_bundle):
    """The shipped sensor-independent model lists twelve bands; a 4-band raster feeds four.
    The probe that measures the coarse model's reach must use the fed bands too (it once used
    all twelve, and every scene larger than one coarse tile failed)."""
    from cloud_mask_plugin.core import cascade
    from cloud_mask_plugin.core.bands import SENSORS

    bundle = load_bundle(os.path.join(os.path.dirname(model_bundle), "sensor_independent"))
    assert bundle.sensor_independent and len(bundle.bands) > 4
    s2 = {b.name: b for b in SENSORS["sentinel2"].bands.values()}
    descriptors = np.array([(s2[n].wavelength_nm / 1000, s2[n].width_nm / 1000) for n in ("blue", "green", "red", "nir")],
                           np.float32)
    models = CascadeModels(bundle, resolve_device("cpu"), descriptors)
    stride = bundle.coarse.stride
    image = np.random.default_rng(5).uniform(0.0, 0.6, size=(4, 11 * stride, 9 * stride)).astype(np.float32)
    monkeypatch.setattr(cascade, "COARSE_TILE_CELLS", 10 ** 6)
    whole = models.coarse_probabilities(image)
    monkeypatch.setattr(cascade, "COARSE_TILE_CELLS", 4)
    np.testing.assert_allclose(models.coarse_probabilities(image), whole, atol=1e-5)


def test_manifest_context_cells_is_used_as_given(monkeypatch, wide_reach_bundle):
    from cloud_mask_plugin.core import cascade

    manifest_path = os.path.join(wide_reach_bundle, "manifest.json")
    manifest = json.load(open(manifest_path))
    manifest["coarse"]["context_cells"] = 1    # deliberately too small: tiles then differ
    json.dump(manifest, open(manifest_path, "w"))
    models = CascadeModels(load_bundle(wide_reach_bundle), resolve_device("cpu"))
    assert models.coarse_context_cells() == 1
    image = np.random.default_rng(4).uniform(0.0, 0.6, size=(4, 20 * 4, 20 * 4)).astype(np.float32)
    monkeypatch.setattr(cascade, "COARSE_TILE_CELLS", 10 ** 6)
    whole = models.coarse_probabilities(image)
    monkeypatch.setattr(cascade, "COARSE_TILE_CELLS", 4)
    assert not np.array_equal(models.coarse_probabilities(image), whole)


def test_fine_windows_in_parallel_give_the_same_mask(monkeypatch, tmp_path, wide_bundle):
    """Several fine windows run at once on the CPU; the answer must not depend on how many."""
    from cloud_mask_plugin.core import cascade

    scene = write_raster(tmp_path / "s.tif",
                         np.random.default_rng(6).uniform(0.0, 0.6, (4, 70, 90)).astype(np.float32))
    results = {}
    for workers in (1, 3):
        monkeypatch.setattr(cascade, "fine_parallelism", lambda device, n=workers: (n, 1))
        outputs = OutputPaths(mask=str(tmp_path / f"m{workers}.tif"), probability=str(tmp_path / f"p{workers}.tif"))
        mask_file(scene, outputs, MaskOptions(model=wide_bundle))
        results[workers] = [gdal.Open(p).ReadAsArray() for p in (outputs.mask, outputs.probability)]
    for one, many in zip(results[1], results[3]):
        np.testing.assert_array_equal(one, many)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux-only")
def test_freed_heap_memory_goes_back_to_the_os_on_linux():
    """After small temporaries are freed, malloc_trim hands their pages back: the resident
    set drops (glibc would otherwise keep them for reuse)."""
    from cloud_mask_plugin.core.heap import release_free_memory

    def rss_kb():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))

    # 32 KB arrays come from the heap (below glibc's mmap threshold); the last array made
    # after them sits at the heap's top, so freeing alone cannot shrink the heap.
    chunks = [np.ones(4096, np.float64) for _ in range(5000)]  # 160 MB
    pin = np.ones(4096, np.float64)
    before = rss_kb()
    del chunks
    assert release_free_memory()
    assert rss_kb() < before - 100_000
    del pin


# ---------------------------------------------------------------------------------------------
# The stripe scheduler: one read, bounded rows, the in-memory answer, cancelling between stripes.

def _scheduler_scene(tmp_path, height, width, block_rows, seed=0):
    """A tiled scene with no-data holes, its reflectance and validity."""
    rng = np.random.default_rng(seed)
    scene = rng.uniform(0.0, 0.6, size=(4, height, width)).astype(np.float32)
    valid = np.ones((height, width), bool)
    valid[5:9, 30:40] = False
    valid[height - 6:, :3] = False
    scene[:, ~valid] = -1.0
    path = write_raster(tmp_path / f"scene_{height}_{block_rows}.tif", scene, nodata=-1.0,
                        options=["TILED=YES", "BLOCKXSIZE=16", f"BLOCKYSIZE={block_rows}"])
    return path, np.where(valid, scene, 0.0).astype(np.float32), valid


@pytest.fixture
def reach_and_context_bundle(tmp_path):
    """A coarse model that sees 4 cells around a cell and a fine model that sees 7 px around a pixel."""
    folder = make_toy_bundle(tmp_path / "both", downsample=2, stride=4, halo=4)
    _wide_reach_coarse_model(os.path.join(folder, "coarse.onnx"), 4, 4)
    _wide_context_fine_model(os.path.join(folder, "fine.onnx"), 4)
    return folder


@pytest.mark.parametrize("spilled", [False, True])
@pytest.mark.parametrize("block_rows,tile_cells", [(16, 3), (32, 8), (64, 4)])
def test_stripes_give_the_in_memory_answer_and_read_each_pixel_once(monkeypatch, tmp_path, reach_and_context_bundle,
                                                                    spilled, block_rows, tile_cells):
    """Rows read a stripe at a time (2, 4 or 8 cell rows), coarse bands of 3, 8 or 4 cell rows
    under a model that reaches 5 cells, rows kept in memory or in a temporary file: the
    outputs equal the in-memory cascade's in every bit, and every pixel is read exactly once."""
    from cloud_mask_plugin.core import cascade, reader, rowstore, stripes

    monkeypatch.setattr(cascade, "COARSE_TILE_CELLS", tile_cells)
    monkeypatch.setattr(stripes, "COARSE_TILE_CELLS", tile_cells)
    monkeypatch.setattr(stripes, "STRIPE_PIXELS", 24)
    monkeypatch.setattr(rowstore, "MEMORY_BYTES", 0 if spilled else 1 << 40)
    path, scene, valid = _scheduler_scene(tmp_path, 157, 70, block_rows)
    reads = np.zeros(valid.shape, np.int32)
    real_read = reader.RasterReader.read_raw

    def counting_read(self, x, y, w, h):
        reads[y:y + h, x:x + w] += 1
        return real_read(self, x, y, w, h)

    monkeypatch.setattr(reader.RasterReader, "read_raw", counting_read)
    out = tmp_path / "out"
    outputs = OutputPaths(mask=str(out / "m.tif"), probability=str(out / "p.tif"), coarse_grid=str(out / "g.tif"),
                          report=str(out / "r.json"))
    result = mask_file(path, outputs, MaskOptions(model=reach_and_context_bundle, batch_size=3))
    assert (reads == 1).all()
    assert result.report["streaming"]["rows_kept_in"] == ("a temporary file" if spilled else "memory")
    # The temporary file of the rows in flight is gone (it had no name in the folder even while used).
    assert sorted(f for f in os.listdir(out) if not f.endswith(".aux.xml")) == ["g.tif", "m.tif", "p.tif", "r.json"]

    models = CascadeModels(load_bundle(reach_and_context_bundle), resolve_device("cpu"))
    assert models.coarse_context_cells() == 5
    expected = segment_array(models, scene, valid)
    assert 0 < expected.fine_cells < expected.decision.classes.size
    np.testing.assert_array_equal(gdal.Open(outputs.mask).ReadAsArray(), expected.mask)
    np.testing.assert_array_equal(gdal.Open(outputs.probability).ReadAsArray(),
                                  np.where(valid, np.rint(expected.probability * 100), 255).astype(np.uint8))
    np.testing.assert_array_equal(gdal.Open(outputs.coarse_grid).ReadAsArray(), expected.decision.classes)
    assert result.report["cells_fine"] == expected.fine_cells


def test_rows_held_do_not_grow_with_the_scenes_height(tmp_path, reach_and_context_bundle):
    """A scene four times as tall holds the same number of cell rows at most: a coarse band,
    the model's reach below it and a stripe being read."""
    from cloud_mask_plugin.core import stripes

    held = {}
    for height in (200, 800):
        path, _, _ = _scheduler_scene(tmp_path, height, 40, 16, seed=height)
        result = mask_file(path, OutputPaths(mask=str(tmp_path / f"m{height}.tif")),
                           MaskOptions(model=reach_and_context_bundle))
        held[height] = result.report["streaming"]["cell_rows_held_at_most"]
    cell = load_bundle(reach_and_context_bundle).cell_size
    bound = stripes.rows_held(cell, 4, 5, 16 // cell)
    assert held[200] == held[800] <= bound < 200 // cell


def test_cancel_stops_between_stripes_with_nothing_left(tmp_path, reach_and_context_bundle):
    """Asked to stop while the third stripe is read, the run reads no further stripe and
    leaves no output, no temporary file and no lock behind."""
    from cloud_mask_plugin.core.errors import Cancelled

    path, _, _ = _scheduler_scene(tmp_path, 400, 40, 16)
    out = tmp_path / "out"
    messages = []
    with pytest.raises(Cancelled):
        mask_file(path, OutputPaths(mask=str(out / "m.tif"), probability=str(out / "p.tif")),
                  MaskOptions(model=reach_and_context_bundle), progress=lambda f, m: messages.append(m),
                  is_cancelled=lambda: messages.count("reading the scene") >= 3)
    assert messages.count("reading the scene") == 3
    # The run's time was estimated once the first stripe was in, before the second was read.
    assert messages[1].startswith("estimated ") and " to " in messages[1]
    assert os.listdir(out) == []

"""The benchmark scenes and the claim the memory benchmark rests on. Behaviour only:
the benchmarks themselves (``benchmarks/``) measure speed and memory on full tiles."""
import os

import numpy as np
import pytest
from osgeo import gdal

from benchmarks import scenes

from tests.helpers.toy_bundle import make_toy_bundle

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def synthetic_ground(size=300, seed=0):
    """Smooth, land-like uint16 ground (reflectance x 10000), so tests need no download."""
    field = scenes.fractal_field(size, np.random.default_rng(seed), pixel_m=10.0, slope=3.0, outer_scale_m=2000.0)
    base = np.array([900, 1100, 1000, 2500], dtype=np.float32)[:, None, None]
    return np.clip(base * (1.0 + 0.3 * field), 100, 6000).astype(np.uint16)


@pytest.mark.parametrize("cover", [0.1, 0.3, 0.6])
def test_cloud_field_gives_the_asked_cover_with_thick_cores_and_thin_edges(cover):
    field = scenes.cloud_field(2048, cover, seed=7)
    cloudy = field.opacity >= scenes.CLOUD_OPACITY
    assert cloudy.mean() == pytest.approx(cover, abs=0.01)
    cloud = field.opacity[cloudy]
    assert (cloud >= 0.99).mean() > 0.05           # thick, opaque cores
    assert ((cloud > 0.2) & (cloud < 0.7)).mean() > 0.1   # thin, semi-transparent edges
    # Clouds come in many separate bodies, not one blob (fractal field, finite outer scale).
    from scipy import ndimage

    _, bodies = ndimage.label(cloudy)
    assert bodies >= 5


def test_built_scene_is_a_cloudy_sentinel2_like_geotiff(tmp_path):
    ground = synthetic_ground()
    scene = scenes.build_scene(700, cover=0.3, seed=3, path=str(tmp_path / "scene.tif"), ground=ground, tile=256)
    assert scene.cloud_cover == pytest.approx(0.3, abs=0.03)
    ds = gdal.Open(scene.path)
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (700, 700, 4)
    assert [ds.GetRasterBand(i + 1).GetDescription() for i in range(4)] == list(scenes.BANDS)
    assert ds.GetRasterBand(1).DataType == gdal.GDT_UInt16 and ds.GetRasterBand(1).GetNoDataValue() == 0
    assert ds.GetRasterBand(1).GetBlockSize() == [256, 256]
    data = ds.ReadAsArray().astype(np.float32)
    truth = gdal.Open(scene.truth_path).ReadAsArray().astype(bool)
    assert truth.mean() == pytest.approx(scene.cloud_cover, abs=1e-9)
    assert data.min() >= 1  # 0 is nodata
    # Clouds are brighter than the ground in every band, the ground is the ground under them.
    for band in data:
        assert band[truth].mean() > band[~truth].mean() + 1000
    # Built once: a second call reuses the file.
    mtime = os.path.getmtime(scene.path)
    assert scenes.build_scene(700, cover=0.3, seed=3, path=scene.path, ground=ground) == scene
    assert os.path.getmtime(scene.path) == mtime


def test_mirror_tiling_has_no_seams():
    assert scenes.mirror_index(3, 0, 8).tolist() == [0, 1, 2, 2, 1, 0, 0, 1]


def _peak_rss_mb(scene_path, bundle, out_dir):
    from benchmarks import common

    peak, code, stderr = common.run_module_peak_rss(
        "cloud_mask_plugin", ["mask", scene_path, "--output-dir", out_dir, "--model", bundle, "--device", "cpu",
                              "--no-polygons"])
    assert code == 0, stderr
    return peak


def test_peak_memory_hardly_grows_with_the_scene(tmp_path):
    """A scene with 9 times the pixels may not need much more memory: the growth must stay
    well under what holding the larger scene would take. Before the engine dropped GDAL's
    cached blocks and flushed written tiles, this growth was about the size of the scene."""
    bundle = make_toy_bundle(tmp_path / "toy", downsample=8, stride=16, halo=16)
    ground = synthetic_ground()
    peaks = {}
    for size in (1024, 3072):
        scene = scenes.build_scene(size, cover=0.3, seed=4, path=str(tmp_path / f"s{size}.tif"), ground=ground,
                                   tile=256)
        out = tmp_path / f"out{size}"
        out.mkdir()
        peaks[size] = _peak_rss_mb(scene.path, bundle, str(out))
    reflectance_mb = 4 * 3072 * 3072 * 4 / 2 ** 20    # the larger scene as float32 reflectance: 144 MB
    growth = peaks[3072] - peaks[1024]
    assert growth < 0.5 * reflectance_mb, f"peak RSS {peaks} grows by {growth:.0f} MB"

"""A folder of GeoTIFF image/mask pairs (the workflow of Matos, Sanchez and Carneiro), streamed: the training loader
keeps an index of windows, not the pixels, and reads each drawn window from disk."""
import os
import shutil
import tracemalloc

import numpy as np
import pytest
import rasterio

from training.data import BIOME_FILE_BANDS, read_biome, read_geotiff_pairs, read_source
from training.scenes import StreamedScene
from training.windows import build_windows, cut
from training.augment import spectra_by_name
from training.samplers import Source, build_pools, streamed_pools

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")

BANDS = ["blue", "green", "red", "nir"]
PATCHES = ["Barren_00_0214", "Barren_03_0207", "Forest_03_0209"]
# Stored as a user's folder would be: uint16 DN = reflectance x 10000 + 1000 (Sentinel-2's
# processing-baseline offset), 0 where there is no data; masks with the Biome codes.
CODING = {"file_bands": list(BIOME_FILE_BANDS[:7]), "cloud_values": [192, 255], "nodata_values": [0],
          "scale": 1e-4, "offset": -0.1, "image_nodata": 0}


def _write_pairs(folder, data_root, names, copies=1):
    biome = os.path.join(data_root, "biome_l8", "train")
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    os.makedirs(os.path.join(folder, "masks"), exist_ok=True)
    for name in names:
        with rasterio.open(os.path.join(biome, "images", f"{name}.tif")) as src:
            reflectance = src.read()[:7]
        with rasterio.open(os.path.join(biome, "masks", f"{name}.tif")) as src:
            codes = src.read(1)
        dn = np.where(codes[None] == 0, 0, np.round(np.clip(reflectance, 0, None) * 10000) + 1000).astype(np.uint16)
        profile = {"driver": "GTiff", "width": dn.shape[2], "height": dn.shape[1], "transform":
                   rasterio.Affine(30.0, 0, 500000.0, 0, -30.0, 4000000.0), "crs": "EPSG:32633"}
        for copy in range(copies):
            stem = f"{name}_{copy}"
            with rasterio.open(os.path.join(folder, "images", f"{stem}.tif"), "w", count=7, dtype="uint16",
                               **profile) as dst:
                dst.write(dn)
            with rasterio.open(os.path.join(folder, "masks", f"{stem}.tif"), "w", count=1, dtype="uint8",
                               **profile) as dst:
                dst.write(codes[None])
    return folder


def _entry(folder, **extra):
    return {"name": "pairs", "kind": "geotiff_pairs", "path": str(folder), **CODING, **extra}


@pytest.fixture(scope="module")
def pairs(tmp_path_factory, data_root):
    return _write_pairs(str(tmp_path_factory.mktemp("pairs")), data_root, PATCHES)


def test_streamed_scenes_read_what_the_whole_read_and_the_biome_reader_give(pairs, data_root):
    streamed = read_source(_entry(pairs), "/", BANDS, streamed=True)
    assert all(isinstance(s, StreamedScene) for s in streamed) and len(streamed) == 3
    whole = read_source(_entry(pairs), "/", BANDS)
    biome = {s.name: s for s in read_biome(os.path.join(data_root, "biome_l8", "train"), BANDS)}
    for lazy, loaded in zip(streamed, whole):
        first = lazy.load()
        np.testing.assert_array_equal(first.image, loaded.image)
        original = biome[lazy.name[:-2]]
        assert np.array_equal(first.valid, original.valid) and np.array_equal(first.label, original.label)
        assert np.abs(first.image - original.image).max() <= 0.5e-4 + 1e-6   # the DN rounding only
        part = lazy.window(40, 72, 100, 64)
        np.testing.assert_array_equal(part.image, loaded.image[:, 40:140, 72:136])
        assert np.array_equal(part.label, loaded.label[40:140, 72:136])


def test_streamed_pool_at_scale_one_indexes_and_draws_the_in_memory_windows(pairs):
    entry = _entry(pairs)
    streamed = read_source(entry, "/", BANDS, streamed=True)
    loaded = [s.load() for s in streamed]
    (pool,) = streamed_pools("pairs", streamed, [1.0], 128, 32, True, 1 / 6)
    expected = build_windows(loaded, 128, 32)
    assert [(int(a), int(b), int(c)) for a, b, c in zip(pool.scene_of, pool.y, pool.x)] == \
        [(w.scene, w.y, w.x) for w in expected]
    rng = np.random.default_rng(0)
    for _ in range(5):
        state = rng.bit_generator.state
        image, valid, label = pool.draw(rng, 128)
        rng_copy = np.random.default_rng()
        rng_copy.bit_generator.state = state
        win = expected[int(rng_copy.choice(len(pool.weights), p=pool.weights))]
        want = cut(loaded[win.scene], win, 128)
        assert np.array_equal(image, want[0]) and np.array_equal(label, want[2])


def test_streamed_pool_resamples_each_window_to_the_patch_size(pairs):
    streamed = read_source(_entry(pairs), "/", BANDS, streamed=True)
    pools = streamed_pools("pairs", streamed, [1.0, 2.0, 3.0], 128, 32, True, 1 / 6)
    assert [p.span for p in pools] == [128, 64, 43]
    rng = np.random.default_rng(1)
    for pool in pools:
        image, valid, label = pool.draw(rng, 128)
        assert image.shape == (4, 128, 128) and valid.shape == label.shape == (128, 128)
        assert np.all(image[:, ~valid] == 0)


def _retained_by_pools(entry):
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        scenes = read_source(entry, "/", BANDS, streamed=True)
        pools = build_pools([Source(entry, scenes, BANDS, spectra_by_name(BANDS), None)], 128, 32, True, 1 / 6)
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert pools
    return retained


def test_what_the_loader_holds_does_not_grow_with_the_pixels(tmp_path, data_root):
    """Four times as many scenes: the streamed pools hold a few bytes more per window, where
    loading the scenes (at the three scales) would hold about 14 MB more per scene."""
    small = _write_pairs(str(tmp_path / "small"), data_root, PATCHES[:1], copies=2)
    large = _write_pairs(str(tmp_path / "large"), data_root, PATCHES[:1], copies=8)
    entry = dict(scales=[1.0, 2.0, 3.0])
    growth = _retained_by_pools(_entry(large, **entry)) - _retained_by_pools(_entry(small, **entry))
    one_scene = read_geotiff_pairs(small, CODING["file_bands"], BANDS, cloud_values=CODING["cloud_values"])[0]
    held_in_memory = one_scene.image.nbytes * (1 + 2 ** 2 + 3 ** 2)   # the scene at scales 1, 2 and 3
    assert growth < 6 * held_in_memory / 100   # under 1 % of what six more scenes in memory would take


def test_source_errors_name_the_file_and_what_to_do(tmp_path, data_root):
    folder = _write_pairs(str(tmp_path / "pairs"), data_root, PATCHES[:1])
    with pytest.raises(ValueError, match="label_noise"):
        read_source(_entry(folder, label_noise={"seed": 1}), "/", BANDS, streamed=True)
    with pytest.raises(ValueError, match="has 7 bands, the config names 8"):
        read_source(_entry(folder, file_bands=list(BIOME_FILE_BANDS)), "/", BANDS, streamed=True)
    os.remove(os.path.join(folder, "masks", f"{PATCHES[0]}_0.tif"))
    with pytest.raises(FileNotFoundError, match="has no mask"):
        read_source(_entry(folder), "/", BANDS, streamed=True)
    shutil.rmtree(os.path.join(folder, "images"))
    with pytest.raises(FileNotFoundError, match="no GeoTIFF images"):
        read_source(_entry(folder), "/", BANDS, streamed=True)


def test_a_tiny_training_run_from_a_streamed_folder(tmp_path, pairs, data_root):
    from cloud_mask_plugin.core.bundle import load_bundle
    from training.config import config_from_dict
    from training.quantize import calibration_windows
    from training.train import run

    source = _entry(pairs, scales=[1.0, 2.0], title="Biome as GeoTIFF pairs", license="public domain")
    clear = dict(source, name="pairs_clear", only_cloudless=True)
    cfg = config_from_dict({
        "name": "tiny_pairs", "seed": 3, "threads": 1, "bands": BANDS, "checkpoint_dir": str(tmp_path / "runs"),
        "bundle": {"out": str(tmp_path / "bundle"), "name": "tiny-pairs", "version": "0.0.1"},
        "fine": {"patch": 64, "batch": 2, "iterations": 3, "overlap": 16},
        "coarse": {"tile": 128, "mosaic_tiles": 2, "mosaics": 2, "batch": 2, "iterations": 3},
        "train_sources": [source], "clear_sources": [clear],
    })
    summary = run(cfg, "/", evaluate=False, progress=False, device="cpu")
    assert load_bundle(summary["bundle"]).band_names == BANDS
    assert summary["training"]["device"] == "cpu"
    assert summary["training"]["scenes"] == {"pairs": 3, "pairs_clear": 1}
    windows = calibration_windows(cfg, "/", 160, count=4, seed=0)
    assert [w.shape for w in windows] == [(1, 4, 160, 160)] * 4

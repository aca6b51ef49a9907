"""The bundled default model on real data at the edges: a Landsat 8 Biome patch (no CRS,
no geotransform, 8 float32 bands), cut to odd sizes, holed with NaN, and cancelled part
way. A checkout without the bundle in cloud_mask_plugin/models/default/ fails them (the
``model_bundle`` fixture), never skips them."""
import os

import numpy as np
import pytest
from osgeo import gdal

from tests.helpers import reliability as rh
from tests.helpers.real_data import shared_data, write_raster
from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file
from cloud_mask_plugin.core.bundle import DEFAULT_BUNDLE_DIR
from cloud_mask_plugin.core.errors import Cancelled



@pytest.fixture(autouse=True)
def default_bundle_present(model_bundle):
    """Every test here runs the default bundle: its absence fails them."""

# The Biome patches' band order as their pixels show it (training/data.py, BIOME_FILE_BANDS).
BIOME_BANDS = ["blue", "green", "red", "nir", "swir16", "swir22", "cirrus", "lwir"]


@pytest.fixture(scope="module")
def biome(tmp_path_factory):
    folder = shared_data("biome_l8", "val", "images")
    name = sorted(n for n in os.listdir(folder) if n.endswith(".tif"))[0]
    return os.path.join(folder, name)


def crop(source, folder, x, y, w, h, holes=False):
    data = gdal.Open(source).ReadAsArray(x, y, w, h).astype(np.float32)
    if holes:
        data[:, : max(1, h // 3), : max(1, w // 2)] = np.nan
    path = write_raster(os.path.join(folder, f"crop_{w}x{h}.tif"), data, geotransform=None, epsg=None,
                           names=None)
    return path, np.isnan(data).any(axis=0)


@pytest.mark.parametrize("w,h,holes", [(256, 256, False), (7, 9, False), (129, 3, True), (200, 131, True)])
def test_default_model_on_real_patches_of_odd_sizes(biome, tmp_path, w, h, holes):
    path, nodata = crop(biome, tmp_path, 0, 0, w, h, holes)
    before = rh.sha256(path)
    outcome = rh.engine_run(path, tmp_path / "out", None, bands=BIOME_BANDS)
    assert outcome.ok, outcome.message
    rh.assert_grid_like(outcome.outputs["mask"], path)
    mask = rh.assert_valid_mask(outcome.outputs["mask"], nodata=nodata)
    valid = (~nodata).sum()
    assert outcome.report["cloud_cover_percent"] == pytest.approx(100 * (mask == 1).sum() / valid, abs=1e-3)
    # The patch has both SWIR bands: the default bundle's swir path runs.
    assert outcome.report["model"]["path"] == os.path.join(DEFAULT_BUNDLE_DIR, "swir")
    assert outcome.report["band_path"].startswith("swir path")
    assert rh.sha256(path) == before
    assert rh.leftovers(tmp_path / "out") == []


@pytest.mark.parametrize("k", [1, 3, 6])
def test_default_model_cancel_part_way(biome, tmp_path, k):
    path, _ = crop(biome, tmp_path, 0, 0, 256, 256)
    outputs = default_outputs(path, str(tmp_path / "out"))
    calls = []
    try:
        mask_file(path, outputs, MaskOptions(bands=BIOME_BANDS), progress=lambda f, m: calls.append(m),
                  is_cancelled=lambda: len(calls) >= k)
    except Cancelled:
        assert os.listdir(tmp_path / "out") == []
    else:
        assert len(calls) <= k, "a run that was asked to stop did not stop"
    result = mask_file(path, outputs, MaskOptions(bands=BIOME_BANDS, overwrite=True))
    rh.assert_valid_mask(result.outputs.mask)
    assert rh.leftovers(tmp_path / "out") == []

"""Fixtures for every test folder: a real scene from the shared data folder beside the
repository, the model bundle the front ends run, and toy bundles for fast engine tests."""
import os

import pytest

from tests.helpers.real_data import stack_oncloudn
from tests.helpers.toy_bundle import make_toy_bundle


@pytest.fixture(scope="session")
def toy_bundle(tmp_path_factory):
    """Toy bundle with the default bundle's geometry: cell 128 (8 x 16), halo 16."""
    return make_toy_bundle(tmp_path_factory.mktemp("toy"), downsample=8, stride=16, halo=16)


@pytest.fixture(scope="session")
def small_toy_bundle(tmp_path_factory):
    """Toy bundle with tiny cells (8 px) so small rasters span many cells and seams."""
    return make_toy_bundle(tmp_path_factory.mktemp("toy_small"), downsample=2, stride=4, halo=4)


@pytest.fixture(scope="session")
def chip1_tif(tmp_path_factory):
    """On Cloud N chip 1 (Sentinel-2 L2A, 512 x 512 at 10 m, UTM 36S) as one GeoTIFF with
    band descriptions blue, green, red, nir and nodata 0."""
    return stack_oncloudn("chip_1", tmp_path_factory.mktemp("chip1") / "chip_1.tif")


@pytest.fixture(scope="session")
def model_bundle():
    """Folder of the bundled default model, which the front ends run; its absence is a
    broken checkout, not a reason to test something else."""
    from cloud_mask_plugin.core.bundle import DEFAULT_BUNDLE_DIR

    if not os.path.isfile(os.path.join(DEFAULT_BUNDLE_DIR, "manifest.json")):
        pytest.fail(f"the bundled model is missing from {DEFAULT_BUNDLE_DIR}; export it with training/")
    return DEFAULT_BUNDLE_DIR

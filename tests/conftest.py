"""Fixtures for every test folder: a real scene from the shared data folder beside the
repository, and the model bundle the front ends run."""
import os

import pytest

from real_data import stack_oncloudn


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

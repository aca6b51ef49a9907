import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/ for toy_bundle

from toy_bundle import make_toy_bundle  # noqa: E402


@pytest.fixture(scope="session")
def toy_bundle(tmp_path_factory):
    """Toy bundle with the default bundle's geometry: cell 128 (8 x 16), halo 16."""
    return make_toy_bundle(tmp_path_factory.mktemp("toy"), downsample=8, stride=16, halo=16)


@pytest.fixture(scope="session")
def small_toy_bundle(tmp_path_factory):
    """Toy bundle with tiny cells (8 px) so small rasters span many cells and seams."""
    return make_toy_bundle(tmp_path_factory.mktemp("toy_small"), downsample=2, stride=4, halo=4)

"""Shared fixture: the real data folder (skip when absent)."""
import os

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DATA_ROOT = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data"))


@pytest.fixture(scope="session")
def data_root():
    """``../shared/data`` relative to the repository root, with the folders the tests read."""
    needed = ["biome_l8/train", "biome_l8/val", "oncloudn_s2", "cloud38_l8"]
    missing = [n for n in needed if not os.path.isdir(os.path.join(DATA_ROOT, n))]
    if missing:
        pytest.skip(f"real data not found at {DATA_ROOT} (missing {missing}); these tests need ../shared/data")
    return DATA_ROOT

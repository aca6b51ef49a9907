"""Every shipped config loads, and the [si] table is what makes a config sensor-independent."""
import glob
import os

import pytest

from training.config import load_config

CONFIGS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "training", "configs", "*.toml")))


def test_the_shipped_configs_are_there():
    names = {os.path.basename(p) for p in CONFIGS}
    assert {"default.toml", "default_extra_bands.toml", "si_both.toml", "results_short.toml"} <= names


@pytest.mark.parametrize("path", CONFIGS, ids=os.path.basename)
def test_shipped_config_loads(path):
    cfg = load_config(path)
    assert cfg.sensor_independent == os.path.basename(path).startswith(("si_", "default_extra_bands"))
    if cfg.sensor_independent:
        assert all(entry.get("sensor") and entry.get("bands") for entry in cfg.train_sources + cfg.clear_sources)
        assert set(cfg.si.required_bands) <= set(cfg.bands)

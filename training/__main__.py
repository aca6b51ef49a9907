"""Command line: ``python -m training {train,evaluate,export,quantize,threshold,baseline,cv} ...``
from the repository root. Fixed-band and sensor-independent configs, checkpoints and
bundles go through the same commands (a config's ``[si]`` table is the switch)."""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

from cloud_mask_plugin.core.backend import DEVICES

from .paths import resolve_data_root, resolve_repo_path


def _write_metrics(bundle_dir: str, report: dict):
    from cloud_mask_plugin.core.bundle import update_manifest

    from .evaluate import manifest_metrics

    update_manifest(bundle_dir, lambda manifest: manifest.update(metrics=manifest_metrics(report)))


def _manifest(bundle_dir: str) -> dict:
    with open(os.path.join(bundle_dir, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


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
                  fine_from=resolve_repo_path(args.fine_from) if args.fine_from else None, device=args.device,
                  train_coarse_model=not args.no_coarse)
    print(f"checkpoint: {summary['checkpoint']}")
    print(f"bundle:     {summary['bundle']}  (outputs {summary['shapes']})")
    t = summary["training"]
    print(f"training:   on {t['device']}, fine {t['fine']['seconds']} s, coarse {t['coarse']['seconds']} s, "
          f"total with export and evaluation {summary['seconds']} s")
    if "report" in summary:
        print(format_report(summary["report"]))


def _cmd_evaluate(args):
    from cloud_mask_plugin.core.bundle import load_bundle

    from .cv_scores import format_manifest_summary
    from .evaluate import evaluate_bundle, fine_ms_per_patch, format_report

    torch.set_num_threads(args.threads)
    reports = {}
    for bundle_dir in args.bundles:
        bundle_dir = resolve_repo_path(bundle_dir)
        report = evaluate_bundle(bundle_dir, resolve_data_root(args.data_root), per_scene=args.per_scene)
        if len(args.bundles) > 1:
            print(f"== {bundle_dir}")
        cross_validation = _manifest(bundle_dir).get("cross_validation")
        if cross_validation:
            print(format_manifest_summary(cross_validation))
            print("validation splits (trained on by a bundle made from every scene):")
        print(format_report(report))
        window = load_bundle(bundle_dir).fine_window
        print(f"fine model: {fine_ms_per_patch(bundle_dir):.2f} ms per {window}x{window} window "
              f"(onnxruntime, {args.threads} threads, batch 1)")
        reports[bundle_dir] = report
        if args.write:
            _write_metrics(bundle_dir, report)
            print(f"metrics written to {bundle_dir}/manifest.json")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(reports if len(reports) > 1 else next(iter(reports.values())), f, indent=2)


def _cmd_export(args):
    from .checkpoints import load_checkpoint
    from .config import load_config
    from .evaluate import evaluate_bundle
    from .export import check_bundle, export_bundle, export_settings

    cfg, fine, coarse, norm, info = load_checkpoint(resolve_repo_path(args.checkpoint))
    if args.config:
        cfg = export_settings(cfg, load_config(resolve_repo_path(args.config)))
    if args.bands:
        if not cfg.sensor_independent:
            raise SystemExit("--bands: only a sensor-independent bundle may list other bands than it was trained with")
        cfg.bands = args.bands.split(",")
    out = resolve_repo_path(args.out or cfg.bundle.out)
    export_bundle(fine, coarse, cfg, out, norm, info)
    print(f"exported {out} with bands {cfg.bands}, outputs {check_bundle(out)}")
    if args.evaluate:
        _write_metrics(out, evaluate_bundle(out, resolve_data_root(args.data_root)))
        print("metrics written to the manifest")


def _cmd_quantize(args):
    from cloud_mask_plugin.core.bundle import load_bundle

    from .config import load_config
    from .quantize import calibration_feeds, quantize_fine

    bundle_dir = resolve_repo_path(args.bundle)
    cfg = load_config(resolve_repo_path(args.config))
    windows, descriptors = calibration_feeds(cfg, resolve_data_root(args.data_root),
                                             load_bundle(bundle_dir).fine_window, args.windows)
    print(f"wrote {quantize_fine(bundle_dir, windows, descriptors)} (calibrated on {len(windows)} training "
          f"windows); score it with: python -m training evaluate {args.bundle} --write")


def _cmd_threshold(args):
    from cloud_mask_plugin.core.bundle import BundleError

    from .threshold import sweep_bundle

    torch.set_num_threads(args.threads)
    try:
        _, report = sweep_bundle(resolve_repo_path(args.bundle), resolve_data_root(args.data_root),
                                 [float(t) for t in args.candidates.split(",")],
                                 args.deciding.split(",") if args.deciding else None, args.current, args.margin)
    except (BundleError, ValueError) as e:
        raise SystemExit(str(e))
    print(report)


def _cmd_baseline(args):
    from .evaluate import evaluate_threshold, load_splits

    splits = load_splits(resolve_data_root(args.data_root), ["blue", "green", "red", "nir"])
    for split, s in evaluate_threshold(splits, args.band, args.threshold).items():
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
    if args.train_only:
        return
    if args.write and args.teacher == "4band":
        raise SystemExit("--write keeps ukis-csmask's scores as --teacher auto gives them: run it without 4band")
    teacher = None
    if args.teacher:
        from .cv import scene_entries
        from .teacher import teacher_masks

        scored = {sid: e for sid, e in scene_entries(cfg, data_root).items() if not record["refs"][sid].teacher}
        teacher = teacher_masks(scored, data_root, 4 if args.teacher == "4band" else None)
    report = cv_report(os.path.join(cv_dir(cfg), "oof"), record, per_sensor=args.per_sensor, teacher=teacher)
    print(format_cv_report(report))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    if args.write:
        _write_cv(resolve_repo_path(args.write), report, args.config, record)


def _write_cv(bundle_dir: str, report: dict, config_file: str, record: dict):
    """The bundle trained on every scene with the same config takes the threshold the folds
    chose (best micro F1 over all out-of-fold predictions) and the scores in its manifest."""
    from cloud_mask_plugin.core.bundle import update_manifest

    from .cv_scores import manifest_summary

    if report["per_sensor_thresholds"]:
        raise SystemExit("--write takes one threshold for the bundle: run it without --per-sensor")
    summary = manifest_summary(report, config_file, record)

    def change(manifest):
        manifest["fine"]["threshold"] = summary["threshold"]
        manifest["cross_validation"] = summary

    update_manifest(bundle_dir, change)
    print(f"{bundle_dir}/manifest.json: fine.threshold {summary['threshold']} and the cross-validation scores")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("--data-root", help="folder with biome_l8/, oncloudn_s2/ ... (default ../shared/data "
                                            "next to the repository, or $CLOUD_MASK_DATA)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train both models, export the bundle and evaluate it")
    p.add_argument("config", help="TOML config, e.g. training/configs/default.toml or training/configs/si_both.toml")
    p.add_argument("--out", help="bundle folder (default: the config's bundle.out)")
    p.add_argument("--threads", type=int, help="torch threads (default: the config's)")
    p.add_argument("--seed", type=int, help="another seed: the run is named <config>_seed<N>, its checkpoint and "
                                            "bundle under training/runs/<config>_seed<N>/ (a seed's spread)")
    p.add_argument("--device", choices=DEVICES, default="auto",
                   help="where to train (default auto: a CUDA GPU when torch sees one, else the CPU)")
    p.add_argument("--no-evaluate", action="store_true", help="skip the validation run after export")
    p.add_argument("--coarse-from", help="train only the fine model and take the coarse one from this checkpoint "
                                         "(e.g. training/runs/default/checkpoint.pt)")
    p.add_argument("--fine-from", help="train only the coarse model and take the fine one from this checkpoint")
    p.add_argument("--no-coarse", action="store_true", help="train the fine model only and export an untrained "
                                                            "coarse model (comparison runs of the fine model)")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="score bundles on the validation splits (Biome val and On Cloud N chips "
                                        "1-3; a sensor-independent bundle fed as the engine feeds each sensor)")
    p.add_argument("bundles", nargs="+", help="bundle folders, e.g. cloud_mask_plugin/models/default")
    p.add_argument("--per-scene", action="store_true", help="also print each scene's scores")
    p.add_argument("--write", action="store_true", help="write the scores into each bundle's manifest")
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
    p.add_argument("--bands", help="sensor-independent bundles: comma-separated bands for the manifest "
                                   "(default: the config's)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("quantize", help="add an int8 copy of the bundle's fine model for the CPU (fine.cpu_file)")
    p.add_argument("bundle", help="bundle folder, e.g. cloud_mask_plugin/models/default")
    p.add_argument("--config", required=True, help="the config the bundle was trained with; its training "
                                                   "data calibrates the quantisation")
    p.add_argument("--windows", type=int, default=96, help="calibration windows (default 96)")
    p.set_defaults(func=_cmd_quantize)

    p = sub.add_parser("threshold", help="score the cascade at several fine thresholds on the validation splits "
                                         "and choose one by a rule fixed in advance (the highest mean F1)")
    p.add_argument("bundle")
    p.add_argument("--candidates", default="0.25,0.30,0.35,0.40,0.45,0.50",
                   help="comma-separated thresholds (default 0.25 to 0.50 by 0.05)")
    p.add_argument("--deciding", help="comma-separated splits whose mean F1 decides (default: biome_val,oncloudn_val; "
                                      "for a sensor-independent bundle biome_val_7band,oncloudn_val_rgbn)")
    p.add_argument("--current", type=float, help="the threshold to keep unless beaten (default: the bundle's)")
    p.add_argument("--margin", type=float, default=0.001,
                   help="how much higher another threshold's mean F1 must be to replace the current one")
    p.add_argument("--threads", type=int, default=1)
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
    p.add_argument("--train-only", action="store_true", help="train and predict the folds, do not score (one fold "
                                                             "at a time, before the others exist)")
    p.add_argument("--per-sensor", action="store_true", help="one threshold per sensor (chosen inside the folds)")
    p.add_argument("--teacher", choices=("auto", "4band"), help="also score ukis-csmask 1.0.0 on the same scenes "
                   "(training/teacher.py; auto: its 6-band model where the scene has SWIR, else 4-band; 4band: its "
                   "4-band model everywhere)")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--json", help="also save the report as JSON here")
    p.add_argument("--write", metavar="BUNDLE", help="the bundle trained on every scene with this config: set its "
                                                     "fine.threshold to the folds' choice, keep the scores in its "
                                                     "manifest")
    p.set_defaults(func=_cmd_cv)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""Evaluate a bundle on the validation splits through onnxruntime, and the threshold baseline.

- ``evaluate_fine``: the fine model alone over whole images (padded to a multiple of 16),
  thresholded at the manifest's ``fine.threshold``. Scores are micro-averaged over all
  valid pixels of a split with ``cloud_mask_plugin.core.metrics.Confusion``.
- ``evaluate_coarse``: the coarse model's cell classes against grid labels derived from
  the masks (coarse accuracy) and the normalised adjacency score S_dn of the
  overcast/cloudless pair, for the prediction and for the ground truth.
- ``evaluate_threshold``: the ``blue > 0.25`` reflectance rule on the same pixels, a
  check that the readers are right and a bar the model must clear.
- ``evaluate_cascade``: the full cascade through the engine (``cloud_mask_plugin.core.
  cascade.segment_array``): coarse cells settled where the coarse model is confident,
  the fine model with its halo elsewhere.
- ``threshold_sweep`` and ``choose_threshold``: the cascade's scores at several values of
  ``fine.threshold`` from one run's probabilities, and the validation-chosen threshold.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np
import torch

from cloud_mask_plugin.core.bundle import Bundle, load_bundle
from cloud_mask_plugin.core.metrics import Confusion

from .data import Scene, read_source
from .grid import block_average, grid_labels, pad_to_multiple
from .losses import grid_adjacency_score
from .paths import resolve_repo_path

# The validation splits named in the manifest's metrics. On Cloud N chips 1-3 are
# validation only: they never appear in a training config.
DEFAULT_SPLITS = (
    {"name": "biome_val", "kind": "biome", "path": "biome_l8/val"},
    {"name": "oncloudn_val", "kind": "oncloudn", "path": "oncloudn_s2", "chips": ["chip_1", "chip_2", "chip_3"]},
)


# The sensor of each kind of split, whose band descriptors a sensor-independent bundle is fed.
SPLIT_SENSORS = {"biome": "landsat89", "oncloudn": "sentinel2"}


def load_splits(data_root: str, bands: Sequence[str], splits: Sequence[dict] = DEFAULT_SPLITS) -> Dict[str, List[Scene]]:
    return {s["name"]: read_source(s, data_root, bands) for s in splits}


def split_bands(bundle: Bundle) -> List[str]:
    """The bands every split is read with: a fixed bundle's, or a sensor-independent
    bundle's required bands (blue, green, red, nir, which every split has), so the rows of
    the results table compare the same input."""
    return list(bundle.required_bands if bundle.sensor_independent else bundle.band_names)


def split_descriptors(bundle: Bundle, split: str, splits_spec: Sequence[dict] = DEFAULT_SPLITS):
    """The band descriptors [C, 2] to feed with ``split`` (None for a fixed-band bundle)."""
    if not bundle.sensor_independent:
        return None
    from .si_train import sensor_descriptors

    kind = next(s["kind"] for s in splits_spec if s["name"] == split)
    return sensor_descriptors(SPLIT_SENSORS[kind], split_bands(bundle))


def _feeds(bundle: Bundle, role, x: np.ndarray, descriptors) -> dict:
    feeds = {role.input_name: x}
    if descriptors is not None:
        feeds[bundle.descriptor_input] = descriptors
    return feeds


def _session(path: str):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def predict_fine(session, bundle: Bundle, scene: Scene, descriptors=None) -> np.ndarray:
    """Cloud probability [H, W] of the whole scene from the fine model; nodata fed as 0."""
    image, valid, _ = pad_to_multiple(scene.image, scene.valid, scene.label, bundle.fine.multiple)
    x = np.where(valid[None], image, 0.0).astype(np.float32)[None]
    (prob,) = session.run([bundle.fine.output_name], _feeds(bundle, bundle.fine, x, descriptors))
    h, w = scene.shape
    return prob[0, 0, :h, :w]


def predict_coarse(session, bundle: Bundle, scene: Scene, descriptors=None) -> np.ndarray:
    """Class probabilities [4, rows, cols] per cell; the scene is padded with nodata to whole cells."""
    image, valid, _ = pad_to_multiple(scene.image, scene.valid, scene.label, bundle.cell_size)
    x = block_average(image, valid, bundle.coarse.downsample)[None]
    (prob,) = session.run([bundle.coarse.output_name], _feeds(bundle, bundle.coarse, x, descriptors))
    return prob[0]


def evaluate_fine(bundle_dir: str, splits: Dict[str, List[Scene]], per_scene: bool = False) -> Dict[str, dict]:
    bundle = load_bundle(bundle_dir)
    session = _session(bundle.file_path(bundle.fine.onnx_file(on_cpu=True)))
    results = {}
    for name, scenes in splits.items():
        total = Confusion()
        scenes_out = {}
        descriptors = split_descriptors(bundle, name)
        for scene in scenes:
            predicted = predict_fine(session, bundle, scene, descriptors) >= bundle.fine.threshold
            counts = Confusion.from_masks(predicted, scene.label, scene.valid)
            total = total + counts
            scenes_out[scene.name] = counts.scores()
        results[name] = total.scores()
        if per_scene:
            results[name]["scenes"] = scenes_out
    return results


def evaluate_coarse(bundle_dir: str, splits: Dict[str, List[Scene]], tolerance: float = 0.0) -> Dict[str, dict]:
    bundle = load_bundle(bundle_dir)
    session = _session(bundle.file_path(bundle.coarse.file))
    order = [bundle.coarse.classes.index(c) for c in ("cloudless", "overcast", "partly_cloudy", "nodata")]
    results = {}
    for name, scenes in splits.items():
        correct = cells = 0
        s_pred, s_true = [], []
        descriptors = split_descriptors(bundle, name)
        for scene in scenes:
            _, valid, label = pad_to_multiple(scene.image, scene.valid, scene.label, bundle.cell_size)
            truth = grid_labels(label, valid, bundle.cell_size, tolerance)
            # Class indices in the training order, whatever order the manifest lists.
            predicted = np.argmax(predict_coarse(session, bundle, scene, descriptors)[order], axis=0)
            correct += int((predicted == truth).sum())
            cells += truth.size
            s_pred.append(float(grid_adjacency_score(torch.from_numpy(predicted)[None], "overcast", "cloudless")))
            s_true.append(float(grid_adjacency_score(torch.from_numpy(truth)[None], "overcast", "cloudless")))
        results[name] = {"cell_accuracy": correct / cells if cells else 1.0, "cells": cells,
                         "s_dn_overcast_cloudless": float(np.mean(s_pred)),
                         "s_dn_overcast_cloudless_truth": float(np.mean(s_true))}
    return results


def evaluate_threshold(splits: Dict[str, List[Scene]], bands: Sequence[str], band: str = "blue",
                       threshold: float = 0.25) -> Dict[str, dict]:
    index = list(bands).index(band)
    results = {}
    for name, scenes in splits.items():
        total = Confusion()
        for scene in scenes:
            total = total + Confusion.from_masks(scene.image[index] > threshold, scene.label, scene.valid)
        results[name] = total.scores()
    return results


def cascade_runs(bundle_dir: str, splits: Dict[str, List[Scene]], fine_everywhere: bool = False):
    """``(split name, [(scene, ArrayResult), ...])`` for each split: the full cascade as users
    run it on the CPU, through the engine's ``segment_array``. ``fine_everywhere`` runs the
    fine model on every cell (the paper's patch baseline)."""
    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.cascade import CascadeModels, segment_array

    bundle = load_bundle(bundle_dir)
    for name, scenes in splits.items():
        models = CascadeModels(bundle, resolve_device("cpu"), split_descriptors(bundle, name))
        yield name, [(scene, segment_array(models, scene.image, scene.valid, fine_everywhere=fine_everywhere))
                     for scene in scenes]


def evaluate_cascade(bundle_dir: str, splits: Dict[str, List[Scene]], fine_everywhere: bool = False
                     ) -> Dict[str, dict]:
    """The cascade's scores per split (coarse model on the downsampled scene, fine model with
    its halo on the cells the coarse model does not settle, blended) and the share of cells
    sent to the fine model."""
    results = {}
    for name, runs in cascade_runs(bundle_dir, splits, fine_everywhere):
        total = Confusion()
        fine_cells = cells = 0
        for scene, result in runs:
            total = total + Confusion.from_masks(result.mask == 1, scene.label, scene.valid)
            fine_cells += result.fine_cells
            cells += int(np.count_nonzero(result.decision.classes != 3))
        results[name] = {**total.scores(), "fine_cell_fraction": fine_cells / cells if cells else 0.0}
    return results


def threshold_sweep(runs: Iterable[Tuple[np.ndarray, np.ndarray, np.ndarray]], thresholds: Sequence[float]
                    ) -> Dict[float, dict]:
    """Scores, micro-averaged over ``(probability, label, valid)`` triples, of the masks
    ``probability >= t`` for each threshold ``t``: what the engine's mask scores with
    ``fine.threshold = t`` (it thresholds the blended probability exactly so), without
    running the models again for each value."""
    totals = {t: Confusion() for t in thresholds}
    for probability, label, valid in runs:
        for t in thresholds:
            totals[t] = totals[t] + Confusion.from_masks(probability >= t, label, valid)
    return {t: c.scores() for t, c in totals.items()}


def choose_threshold(sweeps: Dict[str, Dict[float, dict]], deciding: Sequence[str], current: float,
                     margin: float = 0.001) -> Tuple[float, Dict[float, float]]:
    """The threshold whose mean F1 over the ``deciding`` splits is highest, and that mean
    per threshold. ``current`` (which must be among the swept values) stays unless another
    beats its mean by more than ``margin``: a difference that small is noise, not a reason
    to change every mask the bundle makes."""
    means = {t: float(np.mean([sweeps[split][t]["f1"] for split in deciding])) for t in sweeps[deciding[0]]}
    if current not in means:
        raise ValueError(f"the current threshold {current} is not among the swept values {sorted(means)}")
    best = max(means, key=lambda t: (means[t], -abs(t - current)))
    return (best if means[best] - means[current] > margin else current), means


def sweep_split_runs(split_runs, thresholds: Sequence[float]) -> Dict[str, Dict[float, dict]]:
    """``threshold_sweep`` for each split of ``split_runs``, the ``(split name, [(scene,
    ArrayResult), ...])`` pairs of ``cascade_runs`` (or ``si_train.si_cascade_runs``): the
    cascade's scores per split at each value of ``fine.threshold``, one run per scene."""
    return {name: threshold_sweep([(r.probability, s.label, s.valid) for s, r in runs], thresholds)
            for name, runs in split_runs}


def choose_threshold_report(sweeps: Dict[str, Dict[float, dict]], deciding: Sequence[str], current: float,
                            margin: float = 0.001) -> Tuple[float, str]:
    """``choose_threshold``'s answer and a table of the sweep for the command line."""
    chosen, means = choose_threshold(sweeps, deciding, current, margin)
    names = list(sweeps)
    lines = ["cascade F1 (on the CPU, through the engine) per fine.threshold; mean over " + ", ".join(deciding),
             f"{'threshold':>9s}  " + "  ".join(names) + "    mean"]
    for t in sorted(means):
        lines.append(f"{t:9.2f}  " + "  ".join(f"{sweeps[n][t]['f1']:{len(n)}.4f}" for n in names)
                     + f"  {means[t]:6.4f}")
    if chosen == current:
        lines.append(f"fine.threshold {current:.2f} stays (mean F1 {means[current]:.4f}; no other beats it by "
                     f"more than {margin})")
    else:
        lines.append(f"fine.threshold {chosen:.2f} (mean F1 {means[chosen]:.4f}, against {means[current]:.4f} at "
                     f"the current {current:.2f}); set it as [fine] threshold in the bundle's config, export the "
                     f"checkpoint again with --config, quantize and evaluate --write")
    return chosen, "\n".join(lines)


def add_threshold_arguments(parser, splits: Sequence[str], deciding: Sequence[str]) -> None:
    """The ``threshold`` command's arguments, shared by ``python -m training`` and
    ``python -m training.si_train``."""
    parser.add_argument("bundle")
    parser.add_argument("--candidates", default="0.25,0.30,0.35,0.40,0.45,0.50",
                        help="comma-separated thresholds (default 0.25 to 0.50 by 0.05)")
    parser.add_argument("--deciding", default=",".join(deciding),
                        help=f"splits whose mean F1 decides, of {', '.join(splits)} (default {','.join(deciding)})")
    parser.add_argument("--current", type=float, help="the threshold to keep unless beaten (default: the bundle's)")
    parser.add_argument("--margin", type=float, default=0.001,
                        help="how much higher another threshold's mean F1 must be to replace the current one")
    parser.add_argument("--threads", type=int, default=1)


def run_threshold_command(args, splits: Sequence[str], sweep) -> float:
    """Parse the ``threshold`` command's arguments, call ``sweep(bundle_dir, thresholds)`` for
    the scores per split and threshold, print the table and the choice, return it."""
    from cloud_mask_plugin.core.bundle import BundleError

    torch.set_num_threads(args.threads)
    bundle_dir = resolve_repo_path(args.bundle)
    try:
        current = load_bundle(bundle_dir).fine.threshold if args.current is None else args.current
    except BundleError as e:
        raise SystemExit(str(e))
    thresholds = sorted({round(float(t), 4) for t in args.candidates.split(",")} | {current})
    deciding = args.deciding.split(",")
    unknown = [d for d in deciding if d not in splits]
    if unknown:
        raise SystemExit(f"unknown split(s) {unknown}; the splits are {list(splits)}")
    chosen, report = choose_threshold_report(sweep(bundle_dir, thresholds), deciding, current, args.margin)
    print(report)
    return chosen


def evaluate_bundle(bundle_dir: str, data_root: str, per_scene: bool = False,
                    splits_spec: Sequence[dict] = DEFAULT_SPLITS) -> dict:
    bundle = load_bundle(bundle_dir)
    splits = load_splits(data_root, split_bands(bundle), splits_spec)
    return {
        # The file the plugin runs on the CPU: the int8 copy when the bundle has one.
        "fine_file": bundle.fine.onnx_file(on_cpu=True),
        "fine": evaluate_fine(bundle_dir, splits, per_scene),
        "coarse": evaluate_coarse(bundle_dir, splits),
        "cascade": evaluate_cascade(bundle_dir, splits),
        "threshold_blue_0.25": evaluate_threshold(splits, split_bands(bundle)),
    }


def manifest_metrics(report: dict) -> dict:
    """The manifest's ``metrics``: fine-model pixel scores per split, plus how they were measured."""
    keys = ("accuracy", "precision", "recall", "f1", "iou", "pixels")
    out = {}
    for split, scores in report["fine"].items():
        out[split] = {k: round(scores[k], 4) if isinstance(scores[k], float) else scores[k] for k in keys}
        out[split]["measured_on"] = (f"fine model ({report.get('fine_file', 'fine.onnx')}) over whole images, "
                                     f"onnxruntime on the CPU, nodata excluded, micro-averaged")
        out[split]["coarse_cell_accuracy"] = round(report["coarse"][split]["cell_accuracy"], 4)
        cascade = report["cascade"][split]
        out[split]["cascade"] = {k: round(cascade[k], 4) for k in ("f1", "iou", "precision", "recall", "accuracy",
                                                                     "fine_cell_fraction")}
    return out


def format_report(report: dict) -> str:
    lines = [f"fine model file: {report['fine_file']}"] if "fine_file" in report else []
    for section in ("fine", "cascade", "threshold_blue_0.25"):
        for split, s in report[section].items():
            lines.append(f"{section:20s} {split:14s} F1 {s['f1']:.4f}  IoU {s['iou']:.4f}  "
                         f"precision {s['precision']:.4f}  recall {s['recall']:.4f}  accuracy {s['accuracy']:.4f}"
                         + (f"  fine cells {s['fine_cell_fraction']:.0%}" if "fine_cell_fraction" in s else ""))
            for scene, ss in s.get("scenes", {}).items():
                lines.append(f"{'':20s}   {scene:24s} F1 {ss['f1']:.3f}  precision {ss['precision']:.3f}  "
                             f"recall {ss['recall']:.3f}")
    for split, s in report["coarse"].items():
        lines.append(f"{'coarse':20s} {split:14s} cell accuracy {s['cell_accuracy']:.4f} ({s['cells']} cells)  "
                     f"S_dn overcast/cloudless {s['s_dn_overcast_cloudless']:.4f} "
                     f"(truth {s['s_dn_overcast_cloudless_truth']:.4f})")
    return "\n".join(lines)


def fine_ms_per_patch(bundle_dir: str, repeats: int = 50, batch: int = 1) -> float:
    """Median milliseconds for one fine window (cell + 2 * halo, 160 px) through onnxruntime."""
    import time

    bundle = load_bundle(bundle_dir)
    session = _session(bundle.file_path(bundle.fine.onnx_file(on_cpu=True)))
    w = bundle.fine_window
    bands = split_bands(bundle)
    x = np.random.default_rng(0).random((batch, len(bands), w, w), dtype=np.float32)
    # A sensor-independent bundle is timed with its required bands, as On Cloud N feeds it.
    feed = _feeds(bundle, bundle.fine, x, split_descriptors(bundle, "oncloudn_val"))
    for _ in range(5):
        session.run(None, feed)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        session.run(None, feed)
        times.append((time.perf_counter() - t) * 1000 / batch)
    return float(np.median(times))

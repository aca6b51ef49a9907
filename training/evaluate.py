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

The splits: a fixed-band bundle is scored on ``DEFAULT_SPLITS`` with its bands; a
sensor-independent one on ``SENSOR_SPLITS``, each split fed as the engine feeds a raster
of that sensor (its bands among the bundle's, in the bundle's order, with that sensor's
band descriptors). ``DEFAULT_SPLITS`` with a sensor-independent bundle's required bands
compare every kind of bundle on the same input (the results table). A library: the
command line is ``training/__main__.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from cloud_mask_plugin.core.bundle import Bundle, load_bundle
from cloud_mask_plugin.core.metrics import Confusion

from .data import read_source
from .scenes import Scene, sensor_descriptors
from .grid import block_average, grid_labels, pad_to_multiple
from .losses import grid_adjacency_score

RGBN = ("blue", "green", "red", "nir")
LANDSAT_REFLECTIVE = ("blue", "green", "red", "nir", "swir16", "swir22", "cirrus")
_BIOME_VAL = {"kind": "biome", "path": "biome_l8/val"}
_ONCLOUDN_VAL = {"kind": "oncloudn", "path": "oncloudn_s2", "chips": ["chip_1", "chip_2", "chip_3"]}

# The validation splits named in the manifest's metrics. On Cloud N chips 1-3 are
# validation only: they never appear in a training config. ``decides``: the splits whose
# mean F1 chooses the fine threshold (``threshold.choose_threshold``).
DEFAULT_SPLITS = (
    {"name": "biome_val", **_BIOME_VAL, "decides": True},
    {"name": "oncloudn_val", **_ONCLOUDN_VAL, "decides": True},
)
SENSOR_SPLITS = (
    {"name": "biome_val_7band", **_BIOME_VAL, "sensor": "landsat89", "bands": LANDSAT_REFLECTIVE, "decides": True},
    {"name": "biome_val_rgbn", **_BIOME_VAL, "sensor": "landsat89", "bands": RGBN},
    # The same Landsat pixels described as CBERS-4A WFI bands (485/70, 555/70, 660/60, 830/120 nm):
    # how much the answer moves when another RGBN sensor's descriptors come with the data.
    {"name": "biome_val_rgbn_cbers_descriptors", **_BIOME_VAL, "sensor": "cbers4a_wfi", "bands": RGBN},
    {"name": "oncloudn_val_rgbn", **_ONCLOUDN_VAL, "sensor": "sentinel2", "bands": RGBN, "decides": True},
)
# The sensor of each kind of split, whose band descriptors a sensor-independent bundle is fed.
SPLIT_SENSORS = {"biome": "landsat89", "oncloudn": "sentinel2"}


@dataclass
class Split:
    scenes: List[Scene]
    bands: List[str]                    # the scenes' channels
    descriptors: Optional[np.ndarray]   # [C, 2] um of those bands, for sensor-independent bundles


def split_bands(bundle: Bundle) -> List[str]:
    """The bands a split without bands of its own is read with: a fixed bundle's, or a
    sensor-independent bundle's required bands (blue, green, red, nir, which every split has)."""
    return list(bundle.required_bands if bundle.sensor_independent else bundle.band_names)


def bundle_splits(bundle: Bundle) -> Sequence[dict]:
    return SENSOR_SPLITS if bundle.sensor_independent else DEFAULT_SPLITS


def load_splits(data_root: str, bands: Sequence[str], specs: Sequence[dict] = DEFAULT_SPLITS,
                descriptors: bool = False) -> Dict[str, Split]:
    """Each split read with its own ``bands`` or else ``bands``; with ``descriptors``, their
    descriptors as the split's sensor has them."""
    out = {}
    for spec in specs:
        names = list(spec.get("bands", bands))
        sensor = spec.get("sensor") or SPLIT_SENSORS[spec["kind"]]
        out[spec["name"]] = Split(read_source(spec, data_root, names), names,
                                  sensor_descriptors(sensor, names) if descriptors else None)
    return out


def load_bundle_splits(data_root: str, bundle: Bundle, specs: Optional[Sequence[dict]] = None) -> Dict[str, Split]:
    """The splits ``bundle`` is scored on (``specs``, by default ``bundle_splits``)."""
    return load_splits(data_root, split_bands(bundle), specs or bundle_splits(bundle), bundle.sensor_independent)


def fed_bands(bundle: Bundle, split: Split):
    """What the engine feeds the bundle of a split: the indices of the split's bands that the
    bundle lists, in the bundle's order, and their descriptors (None for fixed bands)."""
    missing = [b for b in bundle.required_bands if b not in split.bands]
    if missing:
        raise ValueError(f"the split lacks the bundle's required bands {missing}")
    fed = [split.bands.index(b) for b in bundle.band_names if b in split.bands]
    return fed, (None if split.descriptors is None else split.descriptors[fed])


def _image(scene: Scene, fed: List[int]) -> np.ndarray:
    return scene.image if fed == list(range(scene.image.shape[0])) else scene.image[fed]


def _feeds(bundle: Bundle, role, x: np.ndarray, descriptors) -> dict:
    feeds = {role.input_name: x}
    if descriptors is not None:
        feeds[bundle.descriptor_input] = descriptors
    return feeds


def session(path: str):
    """An onnxruntime CPU session with torch's thread count."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def predict_fine(fine, bundle: Bundle, image: np.ndarray, valid: np.ndarray, descriptors=None) -> np.ndarray:
    """Cloud probability [H, W] of a whole image from the fine model session; nodata fed as 0."""
    padded, padded_valid, _ = pad_to_multiple(image, valid, valid, bundle.fine.multiple)
    x = np.where(padded_valid[None], padded, 0.0).astype(np.float32)[None]
    (prob,) = fine.run([bundle.fine.output_name], _feeds(bundle, bundle.fine, x, descriptors))
    h, w = valid.shape
    return prob[0, 0, :h, :w]


def predict_coarse(coarse, bundle: Bundle, image: np.ndarray, valid: np.ndarray, descriptors=None) -> np.ndarray:
    """Class probabilities [4, rows, cols] per cell; the image is padded with nodata to whole cells."""
    padded, padded_valid, _ = pad_to_multiple(image, valid, valid, bundle.cell_size)
    x = block_average(padded, padded_valid, bundle.coarse.downsample)[None]
    (prob,) = coarse.run([bundle.coarse.output_name], _feeds(bundle, bundle.coarse, x, descriptors))
    return prob[0]


def evaluate_fine(bundle_dir: str, splits: Dict[str, Split], per_scene: bool = False) -> Dict[str, dict]:
    bundle = load_bundle(bundle_dir)
    fine = session(bundle.file_path(bundle.fine.onnx_file(on_cpu=True)))
    results = {}
    for name, split in splits.items():
        total = Confusion()
        scenes_out = {}
        fed, descriptors = fed_bands(bundle, split)
        for scene in split.scenes:
            prob = predict_fine(fine, bundle, _image(scene, fed), scene.valid, descriptors)
            counts = Confusion.from_masks(prob >= bundle.fine.threshold, scene.label, scene.valid)
            total = total + counts
            scenes_out[scene.name] = counts.scores()
        results[name] = total.scores()
        if per_scene:
            results[name]["scenes"] = scenes_out
    return results


def evaluate_coarse(bundle_dir: str, splits: Dict[str, Split], tolerance: float = 0.0) -> Dict[str, dict]:
    bundle = load_bundle(bundle_dir)
    coarse = session(bundle.file_path(bundle.coarse.file))
    order = [bundle.coarse.classes.index(c) for c in ("cloudless", "overcast", "partly_cloudy", "nodata")]
    results = {}
    for name, split in splits.items():
        correct = cells = 0
        s_pred, s_true = [], []
        fed, descriptors = fed_bands(bundle, split)
        for scene in split.scenes:
            _, valid, label = pad_to_multiple(scene.image, scene.valid, scene.label, bundle.cell_size)
            truth = grid_labels(label, valid, bundle.cell_size, tolerance)
            # Class indices in the training order, whatever order the manifest lists.
            prob = predict_coarse(coarse, bundle, _image(scene, fed), scene.valid, descriptors)
            predicted = np.argmax(prob[order], axis=0)
            correct += int((predicted == truth).sum())
            cells += truth.size
            s_pred.append(float(grid_adjacency_score(torch.from_numpy(predicted)[None], "overcast", "cloudless")))
            s_true.append(float(grid_adjacency_score(torch.from_numpy(truth)[None], "overcast", "cloudless")))
        results[name] = {"cell_accuracy": correct / cells if cells else 1.0, "cells": cells,
                         "s_dn_overcast_cloudless": float(np.mean(s_pred)),
                         "s_dn_overcast_cloudless_truth": float(np.mean(s_true))}
    return results


def evaluate_threshold(splits: Dict[str, Split], band: str = "blue", threshold: float = 0.25) -> Dict[str, dict]:
    results = {}
    for name, split in splits.items():
        index = split.bands.index(band)
        total = Confusion()
        for scene in split.scenes:
            total = total + Confusion.from_masks(scene.image[index] > threshold, scene.label, scene.valid)
        results[name] = total.scores()
    return results


def cascade_runs(bundle_dir: str, splits: Dict[str, Split], fine_everywhere: bool = False):
    """``(split name, [(scene, ArrayResult), ...])`` for each split: the full cascade as users
    run it on the CPU (so the int8 fine model when the bundle has one), through the engine's
    ``segment_array``. ``fine_everywhere`` runs the fine model on every cell (the patch
    baseline of Luotamo et al.)."""
    from cloud_mask_plugin.core.backend import resolve_device
    from cloud_mask_plugin.core.cascade import CascadeModels, segment_array

    bundle = load_bundle(bundle_dir)
    for name, split in splits.items():
        fed, descriptors = fed_bands(bundle, split)
        models = CascadeModels(bundle, resolve_device("cpu"), descriptors)
        yield name, [(scene, segment_array(models, _image(scene, fed), scene.valid, fine_everywhere=fine_everywhere))
                     for scene in split.scenes]


def evaluate_cascade(bundle_dir: str, splits: Dict[str, Split], fine_everywhere: bool = False) -> Dict[str, dict]:
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


def evaluate_bundle(bundle_dir: str, data_root: str, per_scene: bool = False,
                    specs: Optional[Sequence[dict]] = None) -> dict:
    bundle = load_bundle(bundle_dir)
    splits = load_bundle_splits(data_root, bundle, specs)
    return {
        # The file the plugin runs on the CPU: the int8 copy when the bundle has one.
        "fine_file": bundle.fine.onnx_file(on_cpu=True),
        "sensor_independent": bundle.sensor_independent,
        "fine": evaluate_fine(bundle_dir, splits, per_scene),
        "coarse": evaluate_coarse(bundle_dir, splits),
        "cascade": evaluate_cascade(bundle_dir, splits),
        "threshold_blue_0.25": evaluate_threshold(splits),
    }


def manifest_metrics(report: dict) -> dict:
    """The manifest's ``metrics``: fine-model pixel scores per split, plus how they were measured."""
    keys = ("accuracy", "precision", "recall", "f1", "iou", "pixels")
    how = (f"fine model ({report.get('fine_file', 'fine.onnx')}) over whole images, onnxruntime on the CPU, "
           f"nodata excluded, micro-averaged")
    if report.get("sensor_independent"):
        how += "; bands and descriptors as the engine feeds that sensor"
    out = {}
    for split, scores in report["fine"].items():
        out[split] = {k: round(scores[k], 4) if isinstance(scores[k], float) else scores[k] for k in keys}
        out[split]["measured_on"] = how
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
    fine = session(bundle.file_path(bundle.fine.onnx_file(on_cpu=True)))
    w = bundle.fine_window
    bands = split_bands(bundle)
    x = np.random.default_rng(0).random((batch, len(bands), w, w), dtype=np.float32)
    # A sensor-independent bundle is timed with its required bands, as On Cloud N feeds it.
    descriptors = sensor_descriptors("sentinel2", bands) if bundle.sensor_independent else None
    feed = _feeds(bundle, bundle.fine, x, descriptors)
    for _ in range(5):
        fine.run(None, feed)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fine.run(None, feed)
        times.append((time.perf_counter() - t) * 1000 / batch)
    return float(np.median(times))

"""Scores of a cross-validation run (``training.cv``): out-of-fold predictions only.

- The threshold is chosen inside the folds: the scenes of fold f are thresholded at the value
  that maximises micro F1 over the labelled scenes of the *other* folds (whose predictions
  come from models that never saw them either), so no scene's own labels pick its threshold.
  ``per_sensor`` chooses one value per sensor the same way (calibration per sensor).
- Labelled scenes: F1, precision, recall and IoU per scene, per land cover, per sensor and
  micro-averaged (every valid pixel of a group counted once).
- Cloud-free scenes: the false-positive rate (share of valid pixels called cloud).
- The coarse model: its cell classes against the truth (cloudless <= 10 % cloud, overcast
  >= 90 %), and the overcast calls on cells that are not overcast.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence

import numpy as np

from cloud_mask_plugin.core.metrics import Confusion

CANDIDATES = tuple(round(t, 2) for t in np.arange(0.20, 0.86, 0.05))
COARSE_CLASSES = ("cloudless", "overcast", "partly cloudy", "nodata")


def _ref(record: dict, sid: str) -> dict:
    return record["scenes"][sid] if "scenes" in record else vars(record["refs"][sid])


def load_predictions(oof_dir: str, record: dict) -> Dict[str, dict]:
    """Scene id -> its stored prediction, with the scene's fold and catalogue entry."""
    from .cv import safe_name

    out = {}
    scored = {sid: f for sid, f in record["folds"].items() if not _ref(record, sid).get("teacher")}
    for sid, fold in scored.items():
        path = os.path.join(oof_dir, safe_name(sid) + ".npz")
        if os.path.exists(path):
            with np.load(path) as z:
                out[sid] = {k: z[k] for k in z.files}
            out[sid]["fold"] = fold
            out[sid]["ref"] = _ref(record, sid)
    missing = sorted(set(scored) - set(out))
    if missing:
        raise FileNotFoundError(f"no out-of-fold prediction in {oof_dir} for {len(missing)} scenes, e.g. {missing[0]}"
                                " (run the folds first)")
    return out


def _confusion(pred: dict, threshold: float) -> Confusion:
    return Confusion.from_masks(pred["probability"] >= round(threshold * 100), pred["label"], pred["valid"])


def best_threshold(preds: Sequence[dict], candidates: Sequence[float] = CANDIDATES) -> float:
    """The candidate with the highest micro F1 over ``preds`` (the lowest on a tie)."""
    if not preds:
        raise ValueError("no labelled scene to choose a threshold on")
    best, best_f1 = candidates[0], -1.0
    for t in candidates:
        total = Confusion()
        for p in preds:
            total = total + _confusion(p, t)
        f1 = total.scores()["f1"]
        if f1 > best_f1 + 1e-12:
            best, best_f1 = t, f1
    return best


def nested_thresholds(preds: Dict[str, dict], per_sensor: bool = False) -> Dict[str, float]:
    """Scene id -> the threshold it is scored at, chosen on the labelled scenes of the other
    folds (of the same sensor when ``per_sensor``)."""
    out = {}
    for sid, p in preds.items():
        pool = [q for q in preds.values() if q["fold"] != p["fold"] and q["ref"]["labelled"]
                and (not per_sensor or q["ref"]["sensor"] == p["ref"]["sensor"])]
        out[sid] = best_threshold(pool)
    return out


def score(preds: Dict[str, dict], thresholds: Dict[str, float], teacher: Optional[Dict[str, np.ndarray]] = None
          ) -> dict:
    """Per-scene rows, group totals (land cover, sensor) and the clear scenes' false positives;
    with ``teacher`` (scene id -> ukis-csmask's cloud mask) its scores on the same pixels too."""
    rows, groups, teacher_groups = [], {}, {}
    teacher = teacher or {}
    for sid in sorted(preds):
        p, ref = preds[sid], preds[sid]["ref"]
        c = _confusion(p, thresholds[sid])
        dense = _confusion({**p, "probability": p["dense_probability"]}, thresholds[sid]).scores()
        row = {"dense_f1": dense["f1"], "id": sid, "fold": p["fold"], "sensor": ref["sensor"], "land_cover": ref["land_cover"],
               "labelled": ref["labelled"], "cloud_fraction": ref["cloud_fraction"], "threshold": thresholds[sid],
               **c.scores(), "cloud_called": (c.tp + c.fp) / max(1, c.total)}
        theirs = Confusion.from_masks(teacher[sid], p["label"], p["valid"]) if sid in teacher else None
        if theirs is not None:
            row.update(ukis_f1=theirs.scores()["f1"], ukis_called=(theirs.tp + theirs.fp) / max(1, theirs.total))
        rows.append(row)
        if ref["labelled"]:
            for key in (f"sensor {ref['sensor']}", f"{ref['sensor']} {ref['land_cover']}", "all labelled"):
                groups[key] = groups.get(key, Confusion()) + c
                if theirs is not None:
                    teacher_groups[key] = teacher_groups.get(key, Confusion()) + theirs
    clear = [r for r in rows if not r["labelled"] or r["cloud_fraction"] == 0.0]
    return {"scenes": rows, "groups": {k: v.scores() for k, v in sorted(groups.items())},
            "teacher_groups": {k: v.scores() for k, v in sorted(teacher_groups.items())},
            "clear_false_positive": {r["id"]: r["cloud_called"] for r in clear}}


def coarse_confusion(preds: Dict[str, dict]) -> dict:
    """Counts of (truth class, predicted class) over the cells of every scene, the cells the
    coarse model *settled* (no fine model) against a truth that disagrees (an overcast cell
    under 90 % cloud wipes out clear ground; a cloudless one over 10 % cloud misses it), and
    the cells sent to the fine model against the cells the truth has partly cloudy."""
    matrix = np.zeros((4, 4), np.int64)
    wrong_overcast = wrong_cloudless = fine = partly = 0
    for p in preds.values():
        truth, coarse = p["coarse_truth"], p["coarse"]
        np.add.at(matrix, (truth.ravel(), coarse.ravel()), 1)
        settled = p["settled"] & (truth != 3)
        wrong_overcast += int(np.count_nonzero(settled & (coarse == 1) & (truth != 1)))
        wrong_cloudless += int(np.count_nonzero(settled & (coarse == 0) & (truth != 0)))
        fine += int(np.count_nonzero(~p["settled"] & (truth != 3)))
        partly += int(np.count_nonzero(truth == 2))
    return {"matrix": matrix.tolist(), "classes": list(COARSE_CLASSES), "settled_overcast_wrong": wrong_overcast,
            "settled_cloudless_wrong": wrong_cloudless, "fine_cells": fine, "truth_partly_cells": partly}


def reliability(preds: Dict[str, dict], bins: int = 10) -> Dict[str, List[dict]]:
    """Per sensor, the reliability diagram of the out-of-fold cloud probability of the fine
    model (the dense run): for each probability bin, its pixels and the share of them that
    is cloud. A calibrated model's share equals the bin's probability."""
    out = {}
    for sensor in sorted({p["ref"]["sensor"] for p in preds.values() if p["ref"]["labelled"]}):
        counts, clouds = np.zeros(bins, np.int64), np.zeros(bins, np.int64)
        for p in preds.values():
            if p["ref"]["labelled"] and p["ref"]["sensor"] == sensor:
                v = p["valid"]
                b = np.minimum(p["dense_probability"][v].astype(np.int64) * bins // 100, bins - 1)
                counts += np.bincount(b, minlength=bins)
                clouds += np.bincount(b, weights=p["label"][v], minlength=bins).astype(np.int64)
        out[sensor] = [{"bin": f"{i / bins:.1f}-{(i + 1) / bins:.1f}", "pixels": int(n),
                        "cloud_share": float(c) / n if n else None} for i, (n, c) in enumerate(zip(counts, clouds))]
    return out


def cv_report(oof_dir: str, record: dict, per_sensor: bool = False,
              teacher: Optional[Dict[str, np.ndarray]] = None) -> dict:
    preds = load_predictions(oof_dir, record)
    thresholds = nested_thresholds(preds, per_sensor)
    report = score(preds, thresholds, teacher)
    report["coarse"] = coarse_confusion(preds)
    report["reliability"] = reliability(preds)
    report["per_sensor_thresholds"] = per_sensor
    labelled = [p for p in preds.values() if p["ref"]["labelled"]]
    if per_sensor:
        report["final_threshold"] = {s: best_threshold([p for p in labelled if p["ref"]["sensor"] == s])
                                     for s in sorted({p["ref"]["sensor"] for p in labelled})}
    else:
        report["final_threshold"] = best_threshold(labelled)
    return report


def format_cv_report(report: dict, min_rows: Optional[List[str]] = None) -> str:
    theirs = report.get("teacher_groups") or {}
    ukis_head, ukis_rule = (" ukis-csmask F1 |", " --- |") if theirs else ("", "")
    lines = ["| group | F1 |" + ukis_head + " precision | recall | IoU | pixels |",
             "| --- | --- |" + ukis_rule + " --- | --- | --- | --- |"]
    for name, s in report["groups"].items():
        ukis = f" {theirs[name]['f1']:.3f} |" if name in theirs else ("  |" if theirs else "")
        lines.append(f"| {name} | {s['f1']:.3f} |{ukis} {s['precision']:.3f} | {s['recall']:.3f} | {s['iou']:.3f} "
                     f"| {s['pixels']} |")
    ukis_head, ukis_rule = (" ukis F1 | ukis called |", " --- | --- |") if theirs else ("", "")
    lines += ["", "| scene | fold | threshold | cloud | F1 | dense F1 | precision | recall | IoU | called cloud |"
              + ukis_head, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |" + ukis_rule]
    for r in report["scenes"]:
        cloud = f"{r['cloud_fraction']:.2f}" if r["labelled"] else "clear"
        ukis = f" {r['ukis_f1']:.3f} | {100 * r['ukis_called']:.2f} % |" if "ukis_f1" in r else ""
        lines.append(f"| {r['id'].split(':', 1)[1]} | {r['fold']} | {r['threshold']:.2f} | {cloud} | {r['f1']:.3f} "
                     f"| {r['dense_f1']:.3f} "
                     f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['iou']:.3f} | {100 * r['cloud_called']:.2f} % |"
                     + ukis)
    m = report["coarse"]
    lines += ["", "| coarse truth \\ predicted | " + " | ".join(m["classes"]) + " |", "| --- " * 5 + "|"]
    for name, row in zip(m["classes"], m["matrix"]):
        lines.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
    for sensor, rows in report["reliability"].items():
        lines += ["", f"| {sensor}: fine-model probability | pixels | share that is cloud |", "| --- | --- | --- |"]
        lines += [f"| {r['bin']} | {r['pixels']} | " + ("-" if r["cloud_share"] is None else f"{r['cloud_share']:.3f}")
                  + " |" for r in rows]
    lines.append(f"\ncells settled overcast under 90 % cloud: {m['settled_overcast_wrong']}; settled cloudless over "
                 f"10 % cloud: {m['settled_cloudless_wrong']}; cells to the fine model {m['fine_cells']} where the "
                 f"truth has {m['truth_partly_cells']} partly cloudy; final threshold (all out-of-fold predictions): "
                 f"{report['final_threshold']}")
    return "\n".join(lines)




def manifest_summary(report: dict, config_file: str, record: dict) -> dict:
    """What a bundle's manifest keeps of a cross-validation (``cross_validation``): the
    micro-averaged groups, the clear scenes' false-positive rates, the coarse model's errors
    and the rule the threshold came from."""
    def rounded(scores):
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}

    return {
        "config": config_file, "folds_file": record.get("file", "training/cv_folds.json"), "k": record["k"],
        "scenes": len(record["folds"]),
        "how": "k-fold by scene: every scene scored by a model trained without it (clear ground under synthetic "
               "clouds included); the engine's cascade on the CPU; each fold thresholded at the best micro F1 of "
               "the other folds' labelled scenes; micro-averaged over valid pixels",
        "groups": {k: rounded(v) for k, v in report["groups"].items()},
        "clear_false_positive_percent": {k.split(":", 1)[1]: round(100 * v, 3)
                                         for k, v in report["clear_false_positive"].items()},
        "worst_cloudy_scene_f1": round(min(r["f1"] for r in report["scenes"] if r["labelled"]
                                           and r["cloud_fraction"] > 0), 4),
        "coarse": {k: v for k, v in report["coarse"].items() if k != "classes"},
        "threshold": report["final_threshold"],
        **({"ukis_csmask_same_scenes": {
            "what": "ukis-csmask 1.0.0 (its 6-band model where the scene has SWIR, else 4-band; its own decision) "
                    "on the same scenes and pixels",
            "groups": {k: rounded(v) for k, v in report["teacher_groups"].items()},
            "clear_false_positive_percent": {r["id"].split(":", 1)[1]: round(100 * r["ukis_called"], 3)
                                             for r in report["scenes"] if "ukis_called" in r
                                             and r["id"] in report["clear_false_positive"]}}}
           if report.get("teacher_groups") else {}),
    }


def format_manifest_summary(summary: dict) -> str:
    lines = [f"cross-validation ({summary['k']} folds by scene over {summary['scenes']} real scenes, "
             f"{summary['config']}):"]
    for name, s in summary["groups"].items():
        lines.append(f"  {name:32s} F1 {s['f1']:.4f}  IoU {s['iou']:.4f}  precision {s['precision']:.4f}  "
                     f"recall {s['recall']:.4f}")
    worst = max(summary["clear_false_positive_percent"].items(), key=lambda kv: kv[1])
    lines.append(f"  worst cloudy scene F1 {summary['worst_cloudy_scene_f1']:.3f}; most cloud called on a clear "
                 f"scene {worst[1]:.2f} % ({worst[0]}); coarse cells settled overcast under 90 % cloud: "
                 f"{summary['coarse']['settled_overcast_wrong']}")
    return "\n".join(lines)

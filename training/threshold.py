"""The fine threshold chosen on the validation splits, by a rule fixed in advance.

The cascade runs once per scene; ``threshold_sweep`` then scores the masks its blended
probability gives at each candidate of ``fine.threshold`` (the engine thresholds exactly
that probability), and ``choose_threshold`` takes the candidate with the highest mean F1
over the deciding splits, keeping the current one unless another beats it by more than a
margin.
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Sequence, Tuple

import numpy as np

from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.metrics import Confusion

from .evaluate import bundle_splits, cascade_runs, load_bundle_splits


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
    ArrayResult), ...])`` pairs of ``evaluate.cascade_runs``: the
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


def sweep_bundle(bundle_dir: str, data_root: str, candidates: Sequence[float], deciding: Optional[Sequence[str]] = None,
                 current: Optional[float] = None, margin: float = 0.001) -> Tuple[float, str]:
    """The threshold chosen for a bundle on its validation splits (``evaluate.bundle_splits``),
    deciding by the splits marked ``decides`` unless ``deciding`` names others; ``current``
    defaults to the bundle's. Returns the choice and the table for the command line."""
    bundle = load_bundle(bundle_dir)
    specs = bundle_splits(bundle)
    names = [s["name"] for s in specs]
    deciding = list(deciding or [s["name"] for s in specs if s.get("decides")])
    unknown = [d for d in deciding if d not in names]
    if unknown:
        raise ValueError(f"unknown split(s) {unknown}; the splits are {names}")
    current = bundle.fine.threshold if current is None else current
    thresholds = sorted({round(float(t), 4) for t in candidates} | {current})
    splits = load_bundle_splits(data_root, bundle, specs)
    return choose_threshold_report(sweep_split_runs(cascade_runs(bundle_dir, splits), thresholds), deciding,
                                   current, margin)

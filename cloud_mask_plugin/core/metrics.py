"""Pixel metrics for binary cloud masks, shared by the engine's report and training.

All metrics come from one confusion count so that sums over many scenes are exact:
add the counts of each scene, then compute the ratios once (micro-averaging).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @classmethod
    def from_masks(cls, predicted, truth, valid=None) -> "Confusion":
        """Counts over pixels where ``valid`` is true (all pixels when None)."""
        p = np.asarray(predicted).astype(bool)
        t = np.asarray(truth).astype(bool)
        if p.shape != t.shape:
            raise ValueError(f"prediction shape {p.shape} differs from label shape {t.shape}")
        if valid is not None:
            v = np.asarray(valid).astype(bool)
            p, t = p[v], t[v]
        tp = int(np.count_nonzero(p & t))
        fp = int(np.count_nonzero(p & ~t))
        fn = int(np.count_nonzero(~p & t))
        tn = int(p.size - tp - fp - fn)
        return cls(tp, fp, fn, tn)

    def __add__(self, other: "Confusion") -> "Confusion":
        return Confusion(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def scores(self) -> dict:
        """accuracy, precision, recall, f1, iou; a ratio with an empty denominator is 1.0
        when nothing was there to find and nothing was found, else 0.0."""

        def ratio(num, den, empty):
            return float(num) / den if den else empty

        nothing_to_find = self.tp + self.fn == 0
        nothing_found = self.tp + self.fp == 0
        both_empty = 1.0 if (nothing_to_find and nothing_found) else 0.0
        return {
            "accuracy": ratio(self.tp + self.tn, self.total, 1.0),
            "precision": ratio(self.tp, self.tp + self.fp, both_empty),
            "recall": ratio(self.tp, self.tp + self.fn, both_empty),
            "f1": ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn, both_empty),
            "iou": ratio(self.tp, self.tp + self.fp + self.fn, both_empty),
            "pixels": self.total,
        }

"""Cloud Adaptive Labeling (CAL) of Gala et al., "Adaptive-Labeling for Enhancing Remote Sensing Cloud
Understanding" (Algorithm 1).

CAL relabels noisy cloud masks by binarising the image with a pixel-intensity threshold
and adjusts that threshold from the training loss: every ``update_every`` iterations the
threshold goes down by ``step`` (not below ``floor``) when the current loss is worse than
the best loss seen so far, and up by ``step`` otherwise. Algorithm 1 in full:

    threshold = 60; step = 2; floor = 45; every = 150; best = inf
    each iteration idx:
        labels = binarize(images, threshold); loss = criterion(model(images), labels)
        best = min(best, loss)
        if (idx + 1) % every == 0:
            if loss > best: threshold = max(floor, threshold - step)
            else:           threshold += step

How the 0-255 intensity threshold maps onto reflectance here: the paper binarises 8-bit
image intensities. Our images are reflectance 0..1, so the intensity of a pixel is the
mean of its visible bands (blue, green, red, whichever the model has) and the threshold
applies as ``threshold / 255`` in reflectance: the start value 60 is reflectance 0.235
(close to the ``blue > 0.25`` rule of thumb), the floor 45 is 0.176.

How the new labels combine with the given ones (``combine``):

- ``"and"`` (default): cloud only where the given mask says cloud and the pixel is
  bright; removes the clear pixels that generous or shifted manual masks include;
- ``"or"``: the given mask plus every bright pixel; adds clouds the mask missed;
- ``"replace"``: the binarised image alone, as written in Algorithm 1.

Nodata pixels stay excluded whatever the mode. Training uses the relabelled masks only
for the sources the config names, since exact labels (synthetic clouds) need no help.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

VISIBLE_BANDS = ("coastal", "blue", "green", "yellow", "red")
COMBINE_MODES = ("and", "or", "replace")


class CloudAdaptiveLabeling:
    def __init__(self, start: float = 60.0, step: float = 2.0, floor: float = 45.0, update_every: int = 150,
                 combine: str = "and"):
        if combine not in COMBINE_MODES:
            raise ValueError(f"CAL combine must be one of {COMBINE_MODES}, got {combine!r}")
        if update_every < 1:
            raise ValueError("CAL update_every must be at least 1")
        self.threshold = float(start)
        self.step = float(step)
        self.floor = float(floor)
        self.update_every = int(update_every)
        self.combine = combine
        self.best_loss = float("inf")
        self.iteration = 0  # idx of Algorithm 1: iterations seen so far

    @property
    def reflectance_threshold(self) -> float:
        return self.threshold / 255.0

    def update(self, loss: float) -> float:
        """Record one iteration's loss (on the current labels); returns the threshold for the next one."""
        loss = float(loss)
        self.best_loss = min(self.best_loss, loss)
        if (self.iteration + 1) % self.update_every == 0:
            if loss > self.best_loss:
                self.threshold = max(self.floor, self.threshold - self.step)
            else:
                self.threshold += self.step
        self.iteration += 1
        return self.threshold

    @staticmethod
    def intensity(image: np.ndarray, bands: Sequence[str]) -> np.ndarray:
        """Mean reflectance of the visible bands of ``image`` [..., C, H, W]."""
        visible = [i for i, b in enumerate(bands) if b in VISIBLE_BANDS]
        if not visible:
            raise ValueError(f"CAL needs at least one visible band, the model has {list(bands)}")
        return image[..., visible, :, :].mean(axis=-3)

    def relabel(self, image: np.ndarray, label: np.ndarray, valid: np.ndarray, bands: Sequence[str]) -> np.ndarray:
        """New cloud labels for ``image`` [..., C, H, W] and its given ``label`` [..., H, W]."""
        bright = self.intensity(image, bands) > self.reflectance_threshold
        if self.combine == "and":
            new = label & bright
        elif self.combine == "or":
            new = label | bright
        else:
            new = bright
        return new & valid

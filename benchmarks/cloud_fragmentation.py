"""How fragmented the benchmark scenes' clouds are next to real, labelled clouds.

The cascade can skip only the cells that are wholly clear or wholly cloudy, so the share of
partly cloudy cells bounds its speed-up over running the fine model everywhere (at best
1 / share). ``cascade_speedup.py`` logs that bound for its scene; this script checks that the
scene is not more fragmented than real clouds, which would make the bound unfairly low.

It counts partly cloudy cells of the default bundle's ground size (128 px at 10 m, 1.28 km)
in windows of the same ground size in three sources:

- the Biome patches of ``../shared/data`` (Landsat 8, 30 m, 256 px = 7.68 km windows, cells
  of 43 px; cloud = thin cloud or cloud, fill excluded), train and val;
- the On Cloud N chips (Sentinel-2, 10 m, 512 px = 5.12 km windows, cells of 128 px);
- the synthetic truth of the 5490 x 5490 benchmark scene (``scenes.cloud_field``, the same
  field ``cascade_speedup.py`` masks), cut into 768 px and 512 px windows.

The labelled data is read by ``training.data``, as the F1 scores read it.

Only windows with 10-90% cover are compared: the share depends mostly on cover, and a wholly
clear or overcast window says nothing about the shape of cloud edges. Shares are pooled over
cells. No model is run.

Last line: ``partly_cloudy_share biome B oncloudn O synthetic S`` (S over the 768 px windows,
the Biome windows' ground size).
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from typing import List

import numpy as np

import common
from common import log

CELL_M = 1280.0
COVER_RANGE = (0.1, 0.9)


@dataclass
class Tally:
    """Partly cloudy cells over all wholly valid cells, in windows of 10-90% cover."""

    windows: int = 0
    cells: int = 0
    partly: int = 0
    covers: List[float] = field(default_factory=list)

    def add(self, cloud: np.ndarray, valid: np.ndarray, cell: int):
        fractions = cell_cloud_fractions(cloud, valid, cell)
        if fractions.size == 0:
            return
        cover = float(cloud[valid].mean())
        if not COVER_RANGE[0] <= cover <= COVER_RANGE[1]:
            return
        self.windows += 1
        self.cells += fractions.size
        self.partly += int(np.count_nonzero((fractions > 0) & (fractions < 1)))
        self.covers.append(cover)

    @property
    def share(self) -> float:
        return self.partly / self.cells if self.cells else float("nan")

    def describe(self, name: str) -> str:
        if not self.windows:
            return f"{name}: no window with {COVER_RANGE[0]:.0%}-{COVER_RANGE[1]:.0%} cover"
        return (f"{name}: {self.windows} windows (mean cover {np.mean(self.covers):.0%}), {self.cells} cells, "
                f"partly cloudy {self.share:.1%}: an ideal coarse model skips at most {1 - self.share:.0%} of them")


def cell_cloud_fractions(cloud: np.ndarray, valid: np.ndarray, cell: int) -> np.ndarray:
    """Cloud fraction of each whole ``cell`` x ``cell`` cell that is wholly valid (edge rows and
    columns that do not fill a cell are left out, as are cells with fill)."""
    h, w = cloud.shape
    h, w = h - h % cell, w - w % cell
    blocks = (h // cell, cell, w // cell, cell)
    fractions = cloud[:h, :w].reshape(blocks).mean(axis=(1, 3), dtype=np.float64)
    whole = valid[:h, :w].reshape(blocks).all(axis=(1, 3))
    return fractions[whole]


def labelled_tally(scenes) -> Tally:
    """Tally of labelled scenes as training's readers give them (the labels the F1 scores use)."""
    tally = Tally()
    for scene in scenes:
        tally.add(scene.label, scene.valid, round(CELL_M / scene.pixel_size_m))
    return tally


def synthetic_tallies(size: int, cover: float, seed: int, windows=(768, 512)) -> dict:
    """Tallies of the benchmark scene's truth (opacity >= CLOUD_OPACITY), window by window;
    the field is sampled one row of windows at a time."""
    import scenes

    clouds = scenes.cloud_field(size, cover, seed)
    cell = round(CELL_M / scenes.PIXEL_M)
    tallies = {}
    for window in windows:
        tally = Tally()
        for y0 in range(0, size - window + 1, window):
            cloudy = clouds.sample(clouds.opacity, y0, y0 + window, size) >= scenes.CLOUD_OPACITY
            for x0 in range(0, size - window + 1, window):
                tally.add(cloudy[:, x0:x0 + window], np.ones((window, window), bool), cell)
        tallies[window] = tally
    return tallies


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=5490, help="synthetic scene size in pixels (default 5490)")
    args = p.parse_args(argv)
    if not os.path.isdir(common.DATA_ROOT):
        raise SystemExit(f"error: no labelled data at {common.DATA_ROOT} (set CLOUDMASK_DATA)")

    from training.data import read_biome, read_oncloudn

    biome = labelled_tally(scene for split in ("train", "val")
                           for scene in read_biome(os.path.join(common.DATA_ROOT, "biome_l8", split), ["blue"]))
    oncloudn = labelled_tally(read_oncloudn(os.path.join(common.DATA_ROOT, "oncloudn_s2"), ["blue"]))
    synthetic = synthetic_tallies(args.size, 0.3, 1)
    log(f"cells of {CELL_M / 1000:.2f} km; windows with {COVER_RANGE[0]:.0%}-{COVER_RANGE[1]:.0%} cloud cover")
    log(biome.describe("Biome (Landsat 8, 30 m), 7.68 km windows"))
    log(oncloudn.describe("On Cloud N (Sentinel-2, 10 m), 5.12 km windows"))
    log(synthetic[768].describe(f"benchmark scene {args.size}², 7.68 km windows"))
    log(synthetic[512].describe(f"benchmark scene {args.size}², 5.12 km windows"))
    print(f"partly_cloudy_share biome {biome.share:.2f} oncloudn {oncloudn.share:.2f} "
          f"synthetic {synthetic[768].share:.2f}")


if __name__ == "__main__":
    main()

"""Clear fraction per area of interest across many scenes: for ``cloud-mask batch --aoi``
(scenes on Dask) and for the Processing algorithm "Clear fraction per area" (scenes one
after the other inside QGIS). Both keep their masks the batch's way (``scenes``: products
and a record per scene), so either reuses the masks the other made.

A scene masked by a batch is measured on its worker right after masking, while its mask is
fresh there; a scene masked by an earlier run is measured here. Measuring reads only the
windows of the mask that the areas cover.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, replace
from typing import Callable, List, Optional, Sequence

from ..core.acquisition import scene_acquisition
from ..core.api import MaskOptions
from ..core.area_table import scene_rows, sorted_rows, unmeasured_rows, write_scene_list, write_table
from ..core.areas import Area, measure_areas
from ..core.band_files import BAND_FILE_EXTENSIONS, is_band_file_set
from ..core.errors import Cancelled, InputError, OutputError
from .scenes import SceneJob, fingerprint, finished_row, plan_jobs, read_json
from .task import run_scene

TABLE_CSV = "aoi_clear_fraction.csv"
TABLE_GPKG = "aoi_clear_fraction.gpkg"
CHART_PNG = "aoi_clear_fraction.png"
PICKED_LIST = "aoi_picked_scenes.txt"
# What the Processing algorithm writes per scene: the mask and its report, nothing else.
MASK_ONLY = {"probability": False, "coarse_grid": False, "polygons": False}
_PRODUCT_NAMES = ("_cloudmask", "_cloudprob", "_coarsegrid", "_masked")
_SCENE_EXTENSIONS = BAND_FILE_EXTENSIONS + (".vrt", ".img")


@dataclass(frozen=True)
class AreaRequest:
    """What a batch measures besides masking: the areas, and the clear share (percent) that
    picks a scene, if any."""

    areas: Sequence[Area]
    min_clear: Optional[float] = None


@dataclass
class AreaOutputs:
    rows: List[dict]
    table_csv: str
    table_gpkg: str
    chart: Optional[str]           # None when it could not be drawn (chart_problem says why)
    chart_problem: str
    picked_list: Optional[str]     # None when no threshold was asked
    picked: List[str]


def mask_then_measure(job: SceneJob, areas: Sequence[Area]) -> dict:
    """The Dask task of a batch with areas: ``task.run_scene``, then the areas' rows of the
    new mask under the row's ``area_rows``."""
    row = run_scene(job)
    if row["status"] == "done":
        row["area_rows"] = measure_scene(job.input, row["mask"], row["model_version"], areas)
    return row


def measure_scene(scene: str, mask: str, model_version: str, areas: Sequence[Area]) -> List[dict]:
    """The table rows of one masked scene; a mask that cannot hold areas (no CRS) gives rows
    without shares and a note why."""
    acquisition = scene_acquisition(scene)
    try:
        shares = measure_areas(mask, list(areas))
    except InputError as exc:
        return unmeasured_rows(scene, acquisition, mask, model_version, [area.id for area in areas], str(exc))
    return scene_rows(scene, acquisition, mask, model_version, shares)


def table_rows(batch_rows: List[dict], areas: Sequence[Area]) -> List[dict]:
    """The rows of every scene that has a mask, measured on its worker or here."""
    rows = []
    for row in batch_rows:
        if row["status"] in ("done", "skipped") and row.get("mask"):
            rows += row.get("area_rows") or measure_scene(row["input"], row["mask"], row["model_version"], areas)
    return sorted_rows(rows, [area.id for area in areas])


def write_batch_outputs(output_dir: str, batch_rows: List[dict], request: AreaRequest) -> AreaOutputs:
    """``aoi_clear_fraction.csv`` / ``.gpkg`` / ``.png`` in ``output_dir``, and
    ``aoi_picked_scenes.txt`` when ``request.min_clear`` is set."""
    from ..core.area_chart import write_chart

    rows = table_rows(batch_rows, request.areas)
    paths = [os.path.join(output_dir, name) for name in (TABLE_CSV, TABLE_GPKG, CHART_PNG, PICKED_LIST)]
    picked_list, picked = None, []
    if request.min_clear is not None:
        picked_list = paths[3]
        picked = write_scene_list(picked_list, rows, request.min_clear)
    write_table(paths[0], rows)
    write_table(paths[1], rows)
    chart, problem = paths[2], ""
    try:
        write_chart(chart, rows, request.min_clear)
    except OutputError as exc:   # no matplotlib: the table is what matters
        chart, problem = None, str(exc)
    return AreaOutputs(rows, paths[0], paths[1], chart, problem, picked_list, picked)


def scenes_in_folder(folder: str) -> List[str]:
    """The scenes of ``folder``: the folder itself when it is one product of band files,
    else its rasters, MTL files and band-file product folders, sorted by name; masks and
    other products of this plugin are left out."""
    if not os.path.isdir(folder):
        raise InputError(f"the scene folder '{folder}' does not exist; check the path")
    entries = sorted(os.path.join(folder, name) for name in os.listdir(folder) if not name.startswith("."))
    rasters = [path for path in entries if os.path.isfile(path) and is_scene_file(path)]
    products = [path for path in entries if os.path.isdir(path) and is_band_file_set(path)]
    if not rasters and not products and is_band_file_set(folder):
        return [folder]
    return rasters + products


def is_scene_file(path: str) -> bool:
    stem, extension = os.path.splitext(os.path.basename(path))
    if path.upper().endswith("_MTL.TXT"):
        return True
    return extension.lower() in _SCENE_EXTENSIONS and not stem.lower().endswith(_PRODUCT_NAMES)


def mask_scenes_here(inputs: List[str], mask_folder: str, options: MaskOptions,
                     progress: Callable[[float, str], None], is_cancelled: Callable[[], bool]) -> List[dict]:
    """Mask ``inputs`` one after the other in this process into ``mask_folder`` (mask and
    report only), reusing each mask an earlier run or batch made with the same model and
    options; the batch's summary rows. Raises ``Cancelled`` when asked to stop."""
    from ..core.bundle import load_bundle

    bundle = load_bundle(options.model)
    model = {"name": bundle.name, "version": bundle.version}
    try:
        os.makedirs(mask_folder, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the masks folder '{mask_folder}': {exc.strerror}") from None
    jobs = plan_jobs(inputs, mask_folder, options, model, MASK_ONLY)
    rows = []
    for i, job in enumerate(jobs):
        if is_cancelled():
            raise Cancelled()
        label = os.path.basename(job.input.rstrip("/\\"))
        row = reusable_row(job, model)
        if row is None:
            def scene_progress(fraction, message, i=i):
                progress((i + fraction) / len(jobs), f"{label}: {message}")

            row = run_scene(job, progress=scene_progress, is_cancelled=is_cancelled)
            if is_cancelled():
                raise Cancelled()
        progress((i + 1) / len(jobs), f"{label}: {row['status']}")
        rows.append(row)
    return rows


def reusable_row(job: SceneJob, model: dict) -> Optional[dict]:
    """``scenes.finished_row`` for a mask made with the same input, model and options by a
    run that wrote any set of optional products (they do not change the mask)."""
    record = read_json(job.record) or {}
    for flags in itertools.product((True, False), repeat=3):
        products = dict(zip(("probability", "coarse_grid", "polygons"), flags))
        if record.get("fingerprint") == fingerprint(job.input, job.options, model, products):
            return finished_row(replace(job, fingerprint=record["fingerprint"]), model)
    return None


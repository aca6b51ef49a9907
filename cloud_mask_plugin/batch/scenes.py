"""Which scenes a batch holds, where each one's products go, and which are done already.

A scene is done when its record (written by ``task.run_scene`` after the engine moved the
products into place) names the same input, model version and options as this batch, its
report names the same model version, and every product is there. Anything else is masked
(again), replacing what is there.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from typing import Dict, Iterable, List, Optional

from ..core.api import MaskOptions, OutputPaths, default_outputs
from ..core.errors import InputError, OutputError

RECORDS_FOLDER = "batch_records"
# The options that change what a scene's products hold; device, threads and batch size only
# change how fast they are made.
RESULT_OPTIONS = ("bands", "sensor", "scale", "offset", "threshold", "min_polygon_area", "polygon_buffer", "cog")


@dataclass(frozen=True)
class SceneJob:
    """One scene of a batch: what a worker needs to mask it and record it."""

    input: str
    outputs: OutputPaths
    options: MaskOptions
    record: str        # this scene's record, written once its products are in place
    fingerprint: str   # input, model version and options that its products must match


def expand_inputs(entries: Iterable[str], list_files: Iterable[str] = ()) -> List[str]:
    """Absolute paths, in the order given, each once: paths as they are, globs expanded in
    sorted order, then the lines of each list file (blank lines and ``#`` comments skipped;
    relative lines are taken from the current folder, as on the command line).

    A path that does not exist stays: its scene fails with the engine's message and the
    rest go on. A glob that matches nothing is a mistake in the command and stops it."""
    found: List[str] = []
    for entry in list(entries) + [line for path in list_files for line in read_list_file(path)]:
        if glob.has_magic(entry):
            matches = sorted(glob.glob(entry))
            if not matches:
                raise InputError(f"'{entry}' matches no file or folder; check the pattern (quote it so the shell "
                                 f"does not expand it first)")
            found += matches
        else:
            found.append(entry)
    unique = dict.fromkeys(os.path.abspath(path.rstrip("/\\") or path) for path in found)
    if not unique:
        raise InputError("no input given; name rasters, band folders or MTL files, or a list of them with --from-list")
    return list(unique)


def read_list_file(path: str) -> List[str]:
    try:
        with open(path, encoding="utf-8") as f:
            lines = [line.strip() for line in f]
    except OSError as exc:
        raise InputError(f"cannot read the input list '{path}': {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"the input list '{path}' is not a UTF-8 text file with one input per line") from None
    return [line for line in lines if line and not line.startswith("#")]


def plan_outputs(inputs: List[str], output_dir: str, probability: bool = True, coarse_grid: bool = True,
                 polygons: bool = True) -> List[OutputPaths]:
    """The products of each input in ``output_dir``, refusing before anything runs when two
    inputs would write the same file (``a/scene.tif`` and ``b/scene.tif`` into one folder)."""
    plans, writer_of = [], {}
    for index, input_path in enumerate(inputs):
        outputs = default_outputs(input_path, output_dir, probability=probability, coarse_grid=coarse_grid,
                                  polygons=polygons)
        for path in outputs.all():
            first = writer_of.setdefault(os.path.abspath(path), index)
            if first != index:
                raise OutputError(
                    f"inputs '{inputs[first]}' and '{input_path}' would both write '{path}'; "
                    f"mask them into different output folders")
        plans.append(outputs)
    return plans


def plan_jobs(inputs: List[str], output_dir: str, options: MaskOptions, model: Dict[str, str],
              products: Dict[str, bool]) -> List[SceneJob]:
    """A job per input; ``model`` is the bundle's name and version, ``products`` which
    optional products are written (the keywords of ``plan_outputs``; all by default)."""
    products = {"probability": True, "coarse_grid": True, "polygons": True, **products}
    output_dir = os.path.abspath(output_dir)
    records = os.path.join(output_dir, RECORDS_FOLDER)
    jobs = []
    for input_path, outputs in zip(inputs, plan_outputs(inputs, output_dir, **products)):
        stem = os.path.basename(outputs.mask)[:-len("_cloudmask.tif")]
        jobs.append(SceneJob(input=input_path, outputs=outputs, options=options,
                             record=os.path.join(records, stem + ".json"),
                             fingerprint=fingerprint(input_path, options, model, products)))
    return jobs


def fingerprint(input_path: str, options: MaskOptions, model: Dict[str, str], products: Dict[str, bool]) -> str:
    settings = {name: value for name, value in asdict(options).items() if name in RESULT_OPTIONS}
    text = json.dumps({"input": input_path, "model": model, "options": settings, "products": products},
                      sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def finished_row(job: SceneJob, model: Dict[str, str]) -> Optional[dict]:
    """The summary row of a scene done already by the same model and options (status
    ``skipped``, cloud cover from its report), or None when it must be masked."""
    record = read_json(job.record)
    if not record or record.get("fingerprint") != job.fingerprint:
        return None
    if not all(os.path.isfile(path) for path in job.outputs.all()):
        return None
    report = read_json(job.outputs.report)
    if not report or (report.get("model") or {}).get("version") != model["version"]:
        return None
    return summary_row(job, "skipped", model, report.get("cloud_cover_percent"), record.get("seconds"),
                       footprint=record.get("footprint"), nodata_percent=report.get("nodata_percent"))


def summary_row(job: SceneJob, status: str, model: Optional[Dict[str, str]] = None,
                cloud_cover_percent: Optional[float] = None, seconds: Optional[float] = None, error: str = "",
                footprint: Optional[str] = None, nodata_percent: Optional[float] = None) -> dict:
    """A scene's row of the summary (``summary.COLUMNS`` and its outline as WKT); the paths
    of its products only when it has them."""
    made = status in ("done", "skipped")
    return {"input": job.input, "status": status, "cloud_cover_percent": cloud_cover_percent,
            "nodata_percent": nodata_percent, "seconds": seconds,
            "model": (model or {}).get("name", ""), "model_version": (model or {}).get("version", ""),
            "mask": job.outputs.mask if made else "", "report": job.outputs.report if made else "", "error": error,
            "footprint": footprint}


def read_json(path: str) -> Optional[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None

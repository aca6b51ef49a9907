"""One batch from start to summary: plan the scenes, skip those done already, run the rest
on Dask with a progress bar, write the summary."""
from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass, replace
from functools import partial
from typing import Dict, List, Optional

from ..core.api import MaskOptions
from ..core.errors import CloudMaskError, OutputError
from .areas import AreaOutputs, AreaRequest, mask_then_measure, write_batch_outputs
from .cluster import SCHEDULER_WITHOUT_PACKAGE, scheduler_lacks_the_package
from .scenes import expand_inputs, finished_row, plan_jobs, summary_row
from .summary import FOOTPRINTS_GPKG, SUMMARY_CSV, write_summary
from .task import failed_row, run_scene


@dataclass
class BatchResult:
    rows: List[dict]
    summary: str
    footprints: str
    areas: Optional[AreaOutputs] = None   # with an AreaRequest: the clear fraction per area

    def count(self, status: str) -> int:
        return sum(row["status"] == status for row in self.rows)


def run_batch(inputs: List[str], output_dir: str, options: Optional[MaskOptions] = None, list_files=(),
              products: Optional[Dict[str, bool]] = None, force: bool = False, scheduler: Optional[str] = None,
              workers: Optional[int] = None, threads_per_scene: Optional[int] = None,
              progress: bool = True, areas: Optional[AreaRequest] = None) -> BatchResult:
    """Mask every input into ``output_dir`` (a folder all workers share) and write
    ``batch_summary.csv`` and ``batch_footprints.gpkg`` there. ``products`` switches the
    optional products (keywords of ``scenes.plan_outputs``); ``force`` masks scenes done
    already. Raises ``CloudMaskError`` for problems with the batch as a whole; a scene's
    own failure is a ``failed`` row. With ``areas`` (``batch.areas``) each masked scene is
    also measured over the areas of interest."""
    from ..core.bundle import load_bundle

    options = options or MaskOptions()
    if options.model:   # workers may start in another folder
        options = replace(options, model=os.path.abspath(options.model))
    bundle = load_bundle(options.model)
    model = {"name": bundle.name, "version": bundle.version}
    output_dir = os.path.abspath(output_dir)
    try:
        os.makedirs(output_dir, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder '{output_dir}': {exc.strerror}") from None
    jobs = plan_jobs(expand_inputs(inputs, list_files), output_dir, options, model, products or {})

    rows: List[Optional[dict]] = [None if force else finished_row(job, model) for job in jobs]
    todo = [i for i, row in enumerate(rows) if row is None]
    task = partial(mask_then_measure, areas=areas.areas) if areas else run_scene
    try:
        if todo:
            run_on_dask(jobs, todo, rows, scheduler, workers, threads_per_scene, progress, task)
    finally:
        # Also after Ctrl-C: scenes whose workers finished them while the cluster was closing
        # count as done; the others say that they did not finish.
        rows = [row or finished_while_stopping(job, model) or not_run_row(job) for job, row in zip(jobs, rows)]
        write_summary(output_dir, rows)
    return BatchResult(rows, os.path.join(output_dir, SUMMARY_CSV), os.path.join(output_dir, FOOTPRINTS_GPKG),
                       write_batch_outputs(output_dir, rows, areas) if areas else None)


def run_on_dask(jobs, todo, rows, scheduler, workers, threads_per_scene, progress, task=run_scene):
    """Fill ``rows[i]`` for each index in ``todo`` as its scene finishes."""
    from .cluster import dask_client, import_distributed

    distributed = import_distributed()
    bar = ProgressBar(len(jobs), len(jobs) - len(todo), progress)
    try:
        with dask_client(scheduler, workers, threads_per_scene) as (client, threads):
            workers_now = len(client.scheduler_info()["workers"])
            bar.write(f"masking {len(todo)} scene(s) on {workers_now} Dask worker(s) at {client.scheduler.address}, "
                      f"{threads} model thread(s) per scene")
            futures = {}
            for i in todo:
                job = replace(jobs[i], options=replace(jobs[i].options, threads=threads))
                stem = os.path.basename(job.record)[:-len(".json")]
                # A key of its own per run: a cluster shared by two batches must not take
                # one's scene for the other's finished result.
                future = client.submit(task, job, key=f"cloud-mask-{stem}-{uuid.uuid4().hex[:8]}")
                futures[future] = i
            for future in distributed.as_completed(futures):
                i = futures.pop(future)
                rows[i] = row_of(future, jobs[i], distributed, client.scheduler.address)
                bar.count(rows[i]["status"])
    finally:
        bar.close()


def row_of(future, job, distributed, scheduler_address: str) -> dict:
    try:
        return future.result()
    except distributed.KilledWorker:
        return failed_row(job, "the worker masking this scene died each time it was tried (out of memory, or "
                               "killed); mask it alone with the 'mask' command, or give the workers more memory")
    except Exception as exc:  # noqa: BLE001 - e.g. an output folder the workers cannot write
        if scheduler_lacks_the_package(exc):   # every scene would fail so: stop the batch
            raise CloudMaskError(SCHEDULER_WITHOUT_PACKAGE.format(address=scheduler_address)) from None
        message = " ".join(str(exc).split()) or repr(exc)
        return failed_row(job, f"{type(exc).__name__}: {message}")


def finished_while_stopping(job, model) -> Optional[dict]:
    row = finished_row(job, model)
    return dict(row, status="done") if row else None


def not_run_row(job) -> dict:
    return summary_row(job, "not run", error="the batch was stopped before this scene finished")


class ProgressBar:
    """Scenes finished of all, with the counts done, failed and skipped and tqdm's estimate
    of the time left. Scenes skipped count as finished from the start."""

    def __init__(self, total: int, skipped: int, enabled: bool):
        self.counts = {"done": 0, "failed": 0, "skipped": skipped}
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                raise CloudMaskError(
                    "the progress bar needs tqdm, which is not installed in this Python; install it with "
                    "\"python -m pip install 'cloud-mask[batch]'\", or use --no-progress") from None

            self.bar = tqdm(total=total, initial=skipped, unit="scene", file=sys.stderr, dynamic_ncols=True,
                            smoothing=0.1)
            self._show()

    def count(self, status: str):
        self.counts[status] = self.counts.get(status, 0) + 1
        if self.bar is not None:
            self._show(refresh=False)
            self.bar.update(1)

    def write(self, line: str):
        """A line on stderr, above the bar when there is one."""
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    def _show(self, refresh=True):
        self.bar.set_postfix_str(", ".join(f"{name} {n}" for name, n in self.counts.items()), refresh=refresh)

    def close(self):
        if self.bar is not None:
            self.bar.close()

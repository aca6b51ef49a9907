"""Scenes per minute of ``cloud-mask batch`` with 1 and 2 worker processes, and the efficiency.

The scenes are benchmark scenes (scenes.py: real Sentinel-2 ground under fractal clouds,
30% cover, a different seed each), masked with every product as ``cloud-mask batch`` writes
them, by the task the command runs (``batch.task.run_scene``) on a local Dask cluster:

- 1 worker, 1 model thread;
- 2 workers, 1 model thread each;
- 1 worker with every core (what masking scene after scene with ``mask`` gets), for reference.

Throughput counts from submitting the scenes to the last one done, with the cluster already
up and its workers' imports done (starting a local cluster takes a few seconds, once per batch).
Each setting runs ``--repeats`` times, interleaved, and the fastest counts (the machine is
shared). The efficiency is the 2-worker rate over twice the 1-worker rate: 1.0 when a second
worker (and core) doubles the scenes per minute. On a loaded machine the second worker waits
for a core, so the CPU seconds each scene cost are printed too (the least of the repeats):
equal for 1 and 2 workers means that running scenes side by side adds no work, and that the
rate would double on two free cores.

Last line: ``batch_efficiency X``.
"""
from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import time

import common
from common import log

SETTINGS = (("1 worker, 1 thread", 1, 1), ("2 workers, 1 thread each", 2, 1))


def import_engine():
    """GDAL and onnxruntime loaded in a worker before the timing starts."""
    importlib.import_module("cloud_mask_plugin.core.pipeline")


def timed_scene(job):
    """The batch's task, with the CPU seconds its worker process spent on it (every thread of
    the process; a worker runs one scene at a time)."""
    from cloud_mask_plugin.batch.task import run_scene

    cpu = time.process_time()
    row = run_scene(job)
    return row, time.process_time() - cpu


def scenes_per_minute(paths, workers: int, threads: int, model: str, device: str):
    """(scenes per minute, CPU seconds per scene)."""
    from cloud_mask_plugin.batch.cluster import dask_client
    from cloud_mask_plugin.batch.scenes import plan_jobs
    from cloud_mask_plugin.core.api import MaskOptions
    from cloud_mask_plugin.core.bundle import load_bundle

    bundle = load_bundle(model)
    out = tempfile.mkdtemp(prefix="cloudmask_batch_", dir=os.path.dirname(paths[0]))
    try:
        options = MaskOptions(model=model, device=device, threads=threads)
        jobs = plan_jobs(paths, out, options, {"name": bundle.name, "version": bundle.version}, {})
        with dask_client(workers=workers, threads_per_scene=threads) as (client, _):
            client.run(import_engine)
            start = time.perf_counter()
            timed = client.gather(client.map(timed_scene, jobs, pure=False))
            seconds = time.perf_counter() - start
        failed = [row for row, _ in timed if row["status"] != "done"]
        if failed:
            raise SystemExit(f"error: {failed[0]['input']}: {failed[0]['error']}")
        return 60.0 * len(paths) / seconds, sum(cpu for _, cpu in timed) / len(paths)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--scenes", type=int, default=8, help="scenes per batch (default 8)")
    p.add_argument("--size", type=int, default=1536, help="scene width and height in pixels (default 1536)")
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args(argv)
    model = common.bundle_path(args.model)
    from scenes import build_scene

    log(common.describe_machine())
    paths = [build_scene(args.size, cover=0.3, seed=100 + i).path for i in range(args.scenes)]
    cores = max(1, os.cpu_count() or 1)
    settings = SETTINGS + ((f"1 worker, {cores} threads (reference)", 1, cores),)
    best, cpu = {}, {}
    for repeat in range(args.repeats):
        for label, workers, threads in (settings if repeat % 2 == 0 else settings[::-1]):
            rate, cpu_seconds = scenes_per_minute(paths, workers, threads, model, args.device)
            log(f"  {label}: {rate:.1f} scenes/min, {cpu_seconds:.2f} CPU s per scene")
            best[label] = max(best.get(label, 0.0), rate)
            cpu[label] = min(cpu.get(label, float("inf")), cpu_seconds)
    log(common.describe_machine())
    print(f"{args.scenes} scenes of {args.size} x {args.size} px, every product, best of {args.repeats}:")
    for label, _, _ in settings:
        print(f"  {label:32s} {best[label]:6.1f} scenes/min  {cpu[label]:5.2f} CPU s per scene")
    one, two = SETTINGS[0][0], SETTINGS[1][0]
    # On a loaded machine the second worker waits for a core: the CPU seconds per scene show
    # whether running two scenes side by side costs more work, whatever the load.
    print(f"CPU per scene, 1 worker over 2: {cpu[one] / cpu[two]:.2f}")
    print(f"2 workers over 1: {best[two] / best[one]:.2f}x")
    print(f"batch_efficiency {best[two] / (2 * best[one]):.2f}")


if __name__ == "__main__":
    main()

"""The Dask client a batch runs on, and the CPU threads each scene may use.

By default a local cluster of worker processes, one scene at a time each, as many as the
machine has cores (``--workers`` picks another number); the cores are split between them so
that the models of scenes side by side do not fight over the same cores. A scene runs in a
process of its own rather than a thread: the engine holds the GIL between model calls
(reading, blending, writing), so only processes scale.

With a scheduler address the batch runs on that cluster (``dask scheduler`` with ``dask
worker`` processes, dask-jobqueue on HPC, Dask on Kubernetes); each scene then takes the
cores of its machine divided by the Dask threads on that machine, measured on the workers
connected when the batch starts, unless ``--threads-per-scene`` says otherwise.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections import defaultdict
from typing import Optional, Tuple

from ..core.errors import CloudMaskError

# How long to wait for an existing cluster's scheduler to answer.
CONNECT_TIMEOUT = "30s"
# Dask's scheduler unpickles every task, and so imports the module of its function: a
# scheduler started from a Python without this package refuses each task with this.
DESERIALIZATION_FAILURE = "Error during deserialization of the task graph"
SCHEDULER_WITHOUT_PACKAGE = (
    "the Dask scheduler at {address} cannot load the batch's tasks ('" + DESERIALIZATION_FAILURE + "'): the "
    "scheduler, not only the workers, needs this package; install cloud-mask (the same version as here, e.g. "
    "\"python -m pip install 'cloud-mask[batch]'\") in the Python that runs 'dask scheduler', restart it and "
    "run the batch again")


def import_distributed():
    try:
        import distributed
    except ImportError:
        raise CloudMaskError(
            "'batch' runs on Dask distributed, which is not installed in this Python; install it with "
            "\"python -m pip install 'cloud-mask[batch]'\" (or 'dask[distributed]' and 'tqdm')") from None
    return distributed


def scheduler_lacks_the_package(exc: BaseException) -> bool:
    return DESERIALIZATION_FAILURE in str(exc)


def local_split(cores: int, workers: Optional[int] = None) -> Tuple[int, int]:
    """(worker processes, model threads per scene) for a machine with ``cores`` cores."""
    workers = workers or cores
    return workers, max(1, cores // workers)


@contextlib.contextmanager
def dask_client(scheduler: Optional[str] = None, workers: Optional[int] = None,
                threads_per_scene: Optional[int] = None):
    """(client, model threads per scene); a local cluster's processes end with the block."""
    distributed = import_distributed()
    if scheduler:
        client, share = connect(distributed, scheduler, threads_per_scene)
        with client:
            yield client, share
        return
    from .worker_setup import LeaveInterruptsToTheBatch, ignore_interrupts

    count, share = local_split(max(1, os.cpu_count() or 1), workers)
    # The workers start with Ctrl-C ignored (they inherit it), and the plugin keeps it so in
    # workers restarted later. No web dashboard (it needs bokeh) and no log lines from the
    # workers, whose restarts after a lost worker are part of normal running here.
    previous = ignore_interrupts()
    try:
        cluster = distributed.LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.ERROR)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    with cluster, distributed.Client(cluster) as client:
        client.register_plugin(LeaveInterruptsToTheBatch())
        yield client, threads_per_scene or share


def connect(distributed, address: str, threads_per_scene: Optional[int]):
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise CloudMaskError(f"cannot reach the Dask scheduler at '{address}' ({type(exc).__name__}: "
                             f"{' '.join(str(exc).split())[:200]}); is 'dask scheduler' running there?") from None
    if threads_per_scene:
        return client, threads_per_scene
    if not client.scheduler_info()["workers"]:
        print(f"waiting for a worker to join the scheduler at {address}...", file=sys.stderr, flush=True)
        client.wait_for_workers(1)
    return client, remote_share(client)


def remote_share(client) -> int:
    """Cores per Dask thread on the most crowded machine of the cluster."""
    cores = client.run(os.cpu_count)
    threads_on_host, cores_on_host = defaultdict(int), {}
    for address, info in client.scheduler_info()["workers"].items():
        threads_on_host[info["host"]] += info["nthreads"]
        cores_on_host[info["host"]] = cores.get(address) or 1
    return max(1, min(cores_on_host[host] // threads_on_host[host] for host in threads_on_host))

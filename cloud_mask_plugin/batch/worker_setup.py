"""Set-up of every worker process of a local cluster, restarted ones included (a Dask worker
plugin, so this module imports Dask and is imported only once Dask is known to be there)."""
import signal

from distributed import WorkerPlugin


class LeaveInterruptsToTheBatch(WorkerPlugin):
    """Ctrl-C in a terminal reaches every process of its group, the local workers too; the
    batch stops them itself (and writes its summary), so they ignore it instead of each
    dying with a traceback in the middle of a scene."""

    name = "cloud-mask-leave-interrupts-to-the-batch"

    def setup(self, worker):
        ignore_interrupts()


def ignore_interrupts():
    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:   # not the main thread of its process: it gets no signals anyway
        return None

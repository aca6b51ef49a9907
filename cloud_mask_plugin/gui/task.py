"""The background run: one QgsTask per layer around the engine's ``mask_file``.

``run()`` happens in a worker thread and touches nothing of the GUI or the project: it
gets a prepared ``MaskJob`` (dataset name, options, output paths) and only calls the
engine. The engine checks ``isCanceled()`` at every progress step (each strip of the
scene, each batch of fine windows), so a cancel stops the run within about a second, and
it removes its partial outputs itself. ``finished()`` runs on the main thread and hands
the outcome to the callback, which adds the layers and tells the user.
"""
import traceback
from typing import Callable, Optional

from qgis.core import QgsTask

from ..core.api import MaskResult, mask_file
from ..core.errors import Cancelled, CloudMaskError
from ..i18n import engine_text, tr
from .jobs import MaskJob

OUTCOME_DONE = "done"
OUTCOME_CANCELLED = "cancelled"
OUTCOME_FAILED = "failed"


class CloudMaskTask(QgsTask):
    def __init__(self, job: MaskJob, on_finished: Callable[["CloudMaskTask"], None]):
        super().__init__(tr("Mask clouds: {layer}").format(layer=job.layer_name), QgsTask.CanCancel)
        self.job = job
        self._on_finished = on_finished
        self.result: Optional[MaskResult] = None
        self.error: Optional[str] = None          # one-line message for the user
        self.error_details: Optional[str] = None  # the engine's full message, or a traceback
        self.cancelled = False
        self.stage = ""                            # the engine's last progress message

    def run(self) -> bool:  # worker thread
        try:
            self.result = mask_file(self.job.input_path, self.job.outputs, self.job.options,
                                    progress=self._progress, is_cancelled=self.isCanceled)
            return True
        except Cancelled:
            self.cancelled = True
        except CloudMaskError as exc:
            self.error = engine_text(exc)
            self.error_details = str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug in the engine; the user gets the traceback in the log
            self.error = f"{type(exc).__name__}: {exc}"
            self.error_details = traceback.format_exc()
        return False

    def _progress(self, fraction: float, message: str) -> None:  # worker thread
        self.stage = message
        # setProgress emits progressChanged, which Qt queues to the main thread.
        self.setProgress(100.0 * fraction)

    @property
    def outcome(self) -> str:
        if self.result is not None:
            return OUTCOME_DONE
        # A task cancelled while still queued never ran, so only isCanceled() knows.
        if self.cancelled or (self.error is None and self.isCanceled()):
            return OUTCOME_CANCELLED
        return OUTCOME_FAILED

    def finished(self, result: bool) -> None:  # main thread
        callback, self._on_finished = self._on_finished, None
        if callback is not None:
            callback(self)

    def detach(self) -> None:
        """Forget the callback (the plugin is being unloaded): the run may still end later."""
        self._on_finished = None

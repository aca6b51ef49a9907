"""The queue of runs and what happens when one ends.

Runs go to QGIS's task manager one at a time: the engine already uses every core for one
scene (onnxruntime's thread pool), so two scenes at once would only compete for them and
hold more memory, while occupying a second thread of the pool QGIS also renders with. The
runs waiting their turn are listed in the panel and can be cancelled there; the running
one also shows (and can be cancelled) in QGIS's task manager in the status bar.
"""
import itertools
from collections import deque
from typing import Deque, List, Optional

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..i18n import StageText, engine_text, tr
from .jobs import MaskJob, remove_empty_folder
from .messages import log, show_error, show_info, show_success
from .results import add_results, threshold_text
from .task import OUTCOME_CANCELLED, OUTCOME_DONE, CloudMaskTask

STATE_WAITING = "waiting"
STATE_RUNNING = "running"


class Run:
    """One queued or running job, as the panel shows it."""

    _ids = itertools.count(1)

    def __init__(self, job: MaskJob):
        self.id = next(self._ids)
        self.job = job
        self.task: Optional[CloudMaskTask] = None
        self.state = STATE_WAITING
        self.outcome: Optional[str] = None
        self.stages = StageText()
        self.stage = ""   # the stage shown, in the user's language


class MaskRunner(QObject):
    run_added = pyqtSignal(object)             # Run
    run_started = pyqtSignal(object)           # Run
    run_progress = pyqtSignal(object, float, str)  # Run, percent, stage text
    run_finished = pyqtSignal(object, str, str)  # Run, outcome, message for the user

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self._waiting: Deque[Run] = deque()
        self._current: Optional[Run] = None
        self._closed = False

    # -- queue ---------------------------------------------------------------------------
    def submit(self, job: MaskJob) -> Run:
        run = Run(job)
        self._waiting.append(run)
        log(tr("Queued '{layer}': {input} -> {folder}").format(
            layer=job.layer_name, input=job.input_path, folder=job.output_dir))
        self.run_added.emit(run)
        self._start_next()
        return run

    def runs(self) -> List[Run]:
        return ([self._current] if self._current else []) + list(self._waiting)

    def is_busy(self) -> bool:
        return self._current is not None or bool(self._waiting)

    def cancel(self, run: Run) -> None:
        if run in self._waiting:
            self._waiting.remove(run)
            self._end(run, OUTCOME_CANCELLED, tr("Cancelled '{layer}' before it started.").format(
                layer=run.job.layer_name))
            remove_empty_folder(run.job)
        elif run is self._current and run.task is not None:
            run.task.cancel()

    def cancel_all(self) -> None:
        for run in list(self._waiting):
            self.cancel(run)
        if self._current is not None:
            self.cancel(self._current)

    def shutdown(self) -> None:
        """Plugin unload: cancel everything and stop reacting to tasks that end later."""
        self._closed = True
        self._waiting.clear()
        if self._current is not None and self._current.task is not None:
            self._current.task.detach()
            self._current.task.cancel()
        self._current = None

    def _start_next(self) -> None:
        if self._current is not None or not self._waiting or self._closed:
            return
        run = self._waiting.popleft()
        task = CloudMaskTask(run.job, self._task_finished)
        task.progressChanged.connect(lambda percent, r=run: self._task_progress(r, percent))
        layer = QgsProject.instance().mapLayer(run.job.layer_id)
        if layer is not None:
            # Removing the input layer from the project cancels its run.
            task.setDependentLayers([layer])
        run.task = task
        run.state = STATE_RUNNING
        self._current = run
        QgsApplication.taskManager().addTask(task)
        self.run_started.emit(run)

    def _task_progress(self, run: Run, percent: float) -> None:
        if run.task is not None:
            run.stage = run.stages.advance(run.task.stage) or run.stage
            self.run_progress.emit(run, percent, run.stage)

    # -- outcome (main thread) -----------------------------------------------------------
    def _task_finished(self, task: CloudMaskTask) -> None:
        run = self._current
        if run is None or run.task is not task:
            return
        job = task.job
        outcome = task.outcome
        if outcome == OUTCOME_DONE:
            message = self._report_success(job, task)
        elif outcome == OUTCOME_CANCELLED:
            message = tr("Cancelled '{layer}'; no files were written.").format(layer=job.layer_name)
            show_info(self.iface, message)
            remove_empty_folder(job)
        else:
            message = tr("Masking '{layer}' failed: {error}").format(layer=job.layer_name, error=task.error)
            details = tr("Input: {input}\nModel: {model}\nDevice: {device}").format(
                input=job.input_path, model=job.options.model or tr("default"), device=job.options.device)
            if task.error_details:
                details += "\n" + task.error_details
            show_error(self.iface, message, details)
            remove_empty_folder(job)
        self._current = None
        # Keep the Python task alive until here: the task manager deletes the C++ object
        # after finished() returns.
        run.task = None
        self._end(run, outcome, message)
        self._start_next()

    def _report_success(self, job: MaskJob, task: CloudMaskTask) -> str:
        report = task.result.report
        model = report.get("model", {})
        try:
            add_results(job, task.result)
        except Exception as exc:  # noqa: BLE001 - the files exist; say where they are
            show_error(self.iface, tr("The results of '{layer}' were written to {folder} but could not be added "
                                      "to the project: {error}").format(layer=job.layer_name, folder=job.output_dir,
                                                                        error=exc))
        message = tr("'{layer}': {percent:.1f} % cloud cover (model {model} {version}, threshold {threshold}).").format(
            layer=job.layer_name, percent=float(report.get("cloud_cover_percent", 0.0)),
            model=model.get("name", "?"), version=model.get("version", "?"), threshold=threshold_text(report))
        for warning in report.get("warnings", []):
            log(engine_text(warning))
        log(tr("Report of '{layer}': {path}").format(layer=job.layer_name, path=job.outputs.report))
        show_success(self.iface, message)
        return message

    def _end(self, run: Run, outcome: str, message: str) -> None:
        run.state = outcome
        run.outcome = outcome
        self.run_finished.emit(run, outcome, message)

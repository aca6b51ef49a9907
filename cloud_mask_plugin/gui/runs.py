"""The foot of the panel: the *Mask clouds* button with each run's stage, progress and
Cancel right under it.

It sits below the panel's scrolling settings, never inside them, so pressing the button
shows the run at once whatever the panel's height and scroll position.
"""
from typing import Callable, Dict, List, Optional

from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import (QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QToolButton,
                                 QVBoxLayout, QWidget)

from ..i18n import tr
from .band_mapping import ERROR_STYLE
from .widgets import wrapped
from .runner import STATE_RUNNING, STATE_WAITING, MaskRunner, Run
from .task import OUTCOME_CANCELLED, OUTCOME_DONE

RUNS_MAX_HEIGHT = 320   # pixels (about six runs); more scroll within this, the newest on top
# The settings above scroll and take every pixel offered, so the runs are given a height of
# their own: all of them up to this, and never fewer pixels than this while there are more.
RUNS_MIN_HEIGHT = 180


class RunRow(QFrame):
    """One run: layer name and stage, progress bar and a cancel button."""

    def __init__(self, run: Run, on_cancel: Callable[[Run], None], parent=None):
        super().__init__(parent)
        self.run = run
        self.label = QLabel(self._title(tr("waiting for the previous run")))
        self.label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.cancel_button = QToolButton()
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setToolTip(wrapped(tr("Stop this run; it leaves no files behind.")))
        self.cancel_button.clicked.connect(lambda _checked=False: on_cancel(self.run))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.label)
        layout.addLayout(row)

    def _title(self, stage: str) -> str:
        return tr("{layer}: {stage}").format(layer=self.run.job.layer_name, stage=stage)

    def started(self) -> None:
        self.label.setText(self._title(tr("starting")))

    def progressed(self, percent: float, stage: str) -> None:
        self.progress.setValue(int(percent))
        if stage:
            self.label.setText(self._title(stage))

    def ended(self, outcome: str, message: str) -> None:
        self.label.setText(message)
        self.progress.setValue(100 if outcome == OUTCOME_DONE else self.progress.value())
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if outcome not in (OUTCOME_DONE, OUTCOME_CANCELLED):
            self.label.setStyleSheet(ERROR_STYLE)


class RunsPanel(QWidget):
    def __init__(self, runner: MaskRunner, on_mask: Callable[[], None], parent=None):
        super().__init__(parent)
        self.runner = runner
        self._rows: Dict[int, RunRow] = {}
        self._errors: List[QLabel] = []
        self.mask_button = QPushButton(tr("Mask clouds"))
        self.mask_button.setObjectName("mask_button")
        self.mask_button.setToolTip(wrapped(tr("Mask the ticked layers, one after the other, in the background.")))
        self.mask_button.clicked.connect(lambda _checked=False: on_mask())
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setVisible(False)
        rows = QWidget()
        self.rows_layout = QVBoxLayout(rows)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.addStretch(1)
        self.rows_area = QScrollArea()
        self.rows_area.setObjectName("runs_area")
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setFrameShape(QFrame.NoFrame)
        self.rows_area.setWidget(rows)
        self.rows_area.setMaximumHeight(RUNS_MAX_HEIGHT)
        self.rows_area.setVisible(False)
        self.clear_button = QPushButton(tr("Clear finished"))
        self.clear_button.setVisible(False)
        self.clear_button.clicked.connect(self.clear_finished)
        layout = QVBoxLayout(self)
        layout.addWidget(self.mask_button)
        layout.addWidget(self.status_label)
        layout.addWidget(self.rows_area)
        clear_row = QHBoxLayout()
        clear_row.addStretch(1)
        clear_row.addWidget(self.clear_button)
        layout.addLayout(clear_row)
        runner.run_added.connect(self._added)
        runner.run_started.connect(lambda run: self._row_call(run, "started"))
        runner.run_progress.connect(lambda run, percent, stage: self._row_call(run, "progressed", percent, stage))
        runner.run_finished.connect(self._finished)

    def say(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def row(self, run: Run) -> Optional[RunRow]:
        return self._rows.get(run.id)

    def add_error(self, text: str) -> QLabel:
        """A layer that could not even be queued (from the layer's context menu): its reason
        is listed with the runs, where the message bar's one line may have cut it."""
        label = QLabel(text)
        label.setObjectName("run_error")
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        self._errors.append(label)
        self._show_newest(label)
        self.clear_button.setVisible(True)
        return label

    def errors(self) -> List[str]:
        return [label.text() for label in self._errors]

    def _added(self, run: Run) -> None:
        row = RunRow(run, self.runner.cancel)
        self._rows[run.id] = row
        self._show_newest(row)

    def _show_newest(self, widget: QWidget) -> None:
        # Newest first, right under the button, and scrolled into view once laid out.
        self.rows_layout.insertWidget(0, widget)
        self.rows_area.setVisible(True)
        QTimer.singleShot(0, self._scroll_to_newest)

    def _scroll_to_newest(self) -> None:
        self._fit_height()
        self.rows_area.verticalScrollBar().setValue(0)

    def _fit_height(self) -> None:
        rows_height = self.rows_area.widget().sizeHint().height()
        self.rows_area.setMinimumHeight(min(rows_height, RUNS_MIN_HEIGHT))

    def _row_call(self, run: Run, method: str, *args) -> None:
        row = self._rows.get(run.id)
        if row is not None:
            getattr(row, method)(*args)

    def _finished(self, run: Run, outcome: str, message: str) -> None:
        self._row_call(run, "ended", outcome, message)
        self.clear_button.setVisible(True)

    def clear_finished(self) -> None:
        for run_id, row in list(self._rows.items()):
            if row.run.state not in (STATE_WAITING, STATE_RUNNING):
                self.rows_layout.removeWidget(row)
                row.deleteLater()
                del self._rows[run_id]
        for label in self._errors:
            self.rows_layout.removeWidget(label)
            label.deleteLater()
        self._errors = []
        self._fit_height()
        self.rows_area.setVisible(bool(self._rows))
        self.clear_button.setVisible(False)

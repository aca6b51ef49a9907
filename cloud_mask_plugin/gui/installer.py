"""Install onnxruntime from inside QGIS: a background task running pip, and the panel's
banner that offers it when onnxruntime is missing.

pip runs as a separate process (``packages.pip_command``: ``--target`` the profile's
package folder), so QGIS stays responsive and a failed install changes nothing in QGIS's
own Python. Its output goes to the log panel; the banner shows progress and one line.
"""
import subprocess
from typing import Callable, List, Optional

from qgis.core import QgsApplication, QgsTask
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QVBoxLayout

from ..i18n import tr
from ..packages import (CPU_PACKAGE, GPU_PACKAGE, onnxruntime_available, package_folder, pip_command,
                        suggested_package, use_package_folder)
from .messages import log

# pip's own words, in the order an install goes through them, and how far along each is.
PIP_STEPS = (("Collecting", 10), ("Downloading", 30), ("Installing collected packages", 80),
             ("Successfully installed", 100))


class InstallTask(QgsTask):
    """``pip install --target folder requirement`` in the background; ``extra`` pip options
    (e.g. ``--no-index --find-links``) for offline installs."""

    def __init__(self, requirement: str, folder: str, on_finished: Callable[["InstallTask"], None],
                 extra: Optional[List[str]] = None):
        super().__init__(tr("Installing {package}").format(package=requirement), QgsTask.CanCancel)
        self.requirement = requirement
        self.folder = folder
        self.extra = list(extra or [])
        self.output: List[str] = []
        self.succeeded = False
        self._on_finished = on_finished

    def run(self) -> bool:  # worker thread
        try:
            command = pip_command(self.requirement, self.folder, self.extra)
            # No console window pops up on Windows.
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                       stdin=subprocess.DEVNULL,
                                       creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except (OSError, FileNotFoundError) as exc:
            self.output.append(str(exc))
            return False
        for line in process.stdout:
            self.output.append(line.rstrip())
            for word, percent in PIP_STEPS:
                if line.startswith(word):
                    self.setProgress(max(self.progress(), percent))
            if self.isCanceled():
                process.terminate()
                break
        process.wait()
        self.succeeded = process.returncode == 0 and not self.isCanceled()
        return self.succeeded

    def finished(self, result: bool) -> None:  # main thread
        if self.succeeded:
            use_package_folder(self.folder)
        callback, self._on_finished = self._on_finished, None
        if callback is not None:
            callback(self)


class InstallBanner(QFrame):
    """Shown at the top of the panel while onnxruntime is missing: what is wrong, a button
    that installs it, then the install's progress and outcome."""

    installed = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("install_banner")
        self.setFrameShape(QFrame.StyledPanel)
        self.task: Optional[InstallTask] = None
        self.package = suggested_package()
        self.label = QLabel()
        self.label.setObjectName("install_label")
        self.label.setWordWrap(True)
        self.button = QPushButton(tr("Install {package}").format(package=self.package))
        self.button.setObjectName("install_button")
        self.button.setToolTip(tr("Downloads {package} from the Python Package Index into the QGIS profile "
                                  "(QGIS's own Python is not changed).").format(package=self.package))
        self.button.clicked.connect(self.ask_and_install)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        """Visible only while onnxruntime cannot be imported."""
        self.setVisible(not onnxruntime_available())
        gpu = self.package == GPU_PACKAGE
        self.label.setText(tr("The models run on onnxruntime, which is not installed in QGIS yet.") + " " +
                           (tr("An NVIDIA GPU was found: {package} runs on it (and on the CPU).") if gpu else
                            tr("{package} runs the models on the CPU.")).format(package=self.package))

    def ask_and_install(self) -> None:
        size = tr("about 200 MB") if self.package == GPU_PACKAGE else tr("about 20 MB")
        answer = QMessageBox.question(
            self, tr("Install {package}").format(package=self.package),
            tr("Download and install {package} ({size}) from the Python Package Index into {folder}?")
            .format(package=self.package, size=size, folder=package_folder()))
        if answer == QMessageBox.Yes:
            self.install(self.package)

    def install(self, requirement: str = CPU_PACKAGE, folder: Optional[str] = None,
                extra: Optional[List[str]] = None) -> InstallTask:
        folder = folder or package_folder()
        log(tr("Installing {package} into {folder}").format(package=requirement, folder=folder))
        self.task = InstallTask(requirement, folder, self._finished, extra)
        self.task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.button.setEnabled(False)
        self.label.setText(tr("Installing {package}…").format(package=requirement))
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _finished(self, task: InstallTask) -> None:
        log("\n".join(task.output))
        self.progress.setVisible(False)
        self.button.setEnabled(True)
        if task.succeeded:
            self.label.setText(tr("{package} is installed; the panel is ready.").format(package=task.requirement))
            self.installed.emit()
        else:
            self.label.setText(tr("Installing {package} failed; the log panel (Cloud Mask tab) says why. The README "
                                  "gives a command for each platform.").format(package=task.requirement))
        self.task = None


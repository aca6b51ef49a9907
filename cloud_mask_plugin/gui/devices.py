"""The devices the panel offers and what it says about the one a run would use, in the
user's language; the list and the choice are the engine's (``core.backend``)."""
from typing import Dict, Optional

from ..core.backend import DEVICES, resolve_device
from ..core.bundle import BundleError, load_bundle
from ..core.errors import ONNXRUNTIME_MISSING, CloudMaskError
from ..i18n import tr
from .messages import log


def device_labels() -> Dict[str, str]:
    """A label for each of the engine's devices (``core.backend.DEVICES``)."""
    labels = {"auto": tr("Automatic"), "cpu": tr("CPU"), "cuda": tr("GPU (CUDA)")}
    return {device: labels.get(device, device) for device in DEVICES}


def device_text(requested: str, model: Optional[str] = None) -> str:
    """Which device a run would use, in the user's language (``backend.resolve_device``)."""
    try:
        bundle = load_bundle(model)
    except BundleError:
        bundle = None
    try:
        choice = resolve_device(requested, bundle)
    except CloudMaskError as exc:
        if exc.code == ONNXRUNTIME_MISSING:
            # Said inside the panel, whose banner above offers the installation.
            return tr("onnxruntime is not installed in QGIS yet; install it with the button at the top of this "
                      "panel.")
        log(str(exc))
        return tr("No GPU that the models can use was found; install onnxruntime-gpu matching your CUDA, or "
                  "choose Automatic or CPU.")
    if choice.kind == "cuda":
        return tr("Runs on the GPU (CUDA, through torch).") if choice.runtime == "torch" else \
            tr("Runs on the GPU (CUDA).")
    if choice.requested == "cpu":
        return tr("Runs on the CPU.")
    return tr("Runs on the CPU: no GPU that onnxruntime can use was found.")

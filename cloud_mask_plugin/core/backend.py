"""Inference backends: the one seam between the engine and a runtime.

onnxruntime is the only runtime the plugin needs; it runs on CPU everywhere and uses its
CUDA provider when the installed onnxruntime has one (the onnxruntime-gpu package) and a
GPU answers. Everything else in the engine sees only ``ModelSession.run``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from .errors import ModelError


@dataclass(frozen=True)
class DeviceChoice:
    kind: str                 # "cuda" or "cpu"
    providers: List[str]
    description: str          # shown to the user and written to the report


def _onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise ModelError(
            "onnxruntime is not installed in this Python; install it with "
            "'python -m pip install onnxruntime' (in QGIS: the OSGeo4W shell or QGIS's Python)"
        ) from None
    return onnxruntime


def resolve_device(requested: str = "auto") -> DeviceChoice:
    requested = (requested or "auto").lower()
    if requested not in ("auto", "cpu", "cuda", "gpu"):
        raise ModelError(f"unknown device '{requested}'; use auto, cpu or cuda")
    if requested == "cpu":
        return DeviceChoice("cpu", ["CPUExecutionProvider"], "CPU: chosen by the user")
    ort = _onnxruntime()
    available = ort.get_available_providers()
    if "CUDAExecutionProvider" in available:
        return DeviceChoice("cuda", ["CUDAExecutionProvider", "CPUExecutionProvider"], "GPU: CUDA via onnxruntime")
    if requested in ("cuda", "gpu"):
        raise ModelError(
            "a GPU was asked for, but this onnxruntime has no CUDA provider; install "
            "onnxruntime-gpu matching your CUDA, or choose device 'auto' or 'cpu'"
        )
    return DeviceChoice("cpu", ["CPUExecutionProvider"], "CPU: no CUDA provider found in onnxruntime")


class ModelSession:
    """One ONNX model on one device, called with NCHW float32 arrays."""

    def __init__(self, path: str, device: DeviceChoice, input_name: str, output_name: str, role: str,
                 descriptor_input: Optional[str] = None):
        ort = _onnxruntime()
        self.path = path
        self.role = role
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Threads: all cores for one big operator at a time; the engine itself is serial.
        options.intra_op_num_threads = max(1, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(path, sess_options=options, providers=device.providers)
        except Exception as exc:  # onnxruntime raises its own exception types per failure
            raise ModelError(
                f"the {role} model '{path}' cannot be loaded ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200]}); the file may be truncated or not an ONNX model: "
                f"re-copy or re-export the bundle"
            ) from None
        inputs = {i.name: i for i in self.session.get_inputs()}
        outputs = {o.name for o in self.session.get_outputs()}
        expected_inputs = {input_name} | ({descriptor_input} if descriptor_input else set())
        if set(inputs) != expected_inputs or output_name not in outputs:
            raise ModelError(
                f"the {role} model '{path}' has inputs {sorted(inputs)} and outputs {sorted(outputs)}, "
                f"but its manifest names inputs {sorted(expected_inputs)} and output '{output_name}'; "
                f"re-export the bundle"
            )
        self.input_name = input_name
        self.descriptor_input = descriptor_input
        self.output_name = output_name
        shape = inputs[input_name].shape
        self.channels = shape[1] if len(shape) == 4 and isinstance(shape[1], int) else None

    def run(self, batch: np.ndarray, descriptors: Optional[np.ndarray] = None) -> np.ndarray:
        """``batch`` [N, C, H, W] reflectance; ``descriptors`` [C, 2] for sensor-independent models."""
        if self.channels is not None and batch.shape[1] != self.channels:
            raise ModelError(
                f"the {self.role} model '{self.path}' takes {self.channels} bands but its manifest "
                f"lists {batch.shape[1]}; the manifest does not belong to this model"
            )
        feeds = {self.input_name: np.ascontiguousarray(batch, dtype=np.float32)}
        if self.descriptor_input:
            feeds[self.descriptor_input] = np.ascontiguousarray(descriptors, dtype=np.float32)
        try:
            (out,) = self.session.run([self.output_name], feeds)
        except Exception as exc:
            raise ModelError(
                f"the {self.role} model '{self.path}' failed on input of shape {tuple(batch.shape)}: "
                f"{str(exc).splitlines()[0][:200]}"
            ) from None
        return out

"""Inference backends: the one seam between the engine and a runtime.

onnxruntime is the runtime the plugin needs; it runs on CPU everywhere and uses its CUDA
provider when the installed onnxruntime has one (the onnxruntime-gpu package) and a GPU
answers. Where onnxruntime has no CUDA but torch does, and the bundle carries TorchScript
copies of its models (manifest ``coarse.torchscript`` / ``fine.torchscript``), the models
run on the GPU through torch instead. Everything else in the engine sees only
``open_session(...).run``.

Device choice (``resolve_device``): ``cpu`` always means onnxruntime on the CPU; ``auto``
takes the first GPU route that works and otherwise the CPU, saying why in the
description; ``cuda`` (or ``gpu``) takes a GPU route or fails with what to install.
A CUDA provider that onnxruntime lists but cannot start (no driver, wrong CUDA) is caught
when the sessions are created: ``auto`` then falls back to the CPU.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, replace
from typing import List, Optional

import numpy as np

from .errors import ONNXRUNTIME_MISSING, ModelError

# The devices a user can ask for (front ends offer these; "gpu" is also read as "cuda").
DEVICES = ("auto", "cpu", "cuda")
CPU_PROVIDERS = ["CPUExecutionProvider"]
CUDA_PROVIDERS = ["CUDAExecutionProvider", "CPUExecutionProvider"]


@dataclass(frozen=True)
class DeviceChoice:
    kind: str                 # "cuda" or "cpu"
    providers: List[str]      # onnxruntime execution providers, in order of preference
    description: str          # shown to the user and written to the report
    runtime: str = "onnxruntime"   # "onnxruntime" or "torch"
    requested: str = "auto"        # what the user asked for: auto, cpu or cuda
    threads: Optional[int] = None  # CPU threads the models may use; None = all cores


def _onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise ModelError(
            "onnxruntime is not installed in this Python; install it with "
            "'python -m pip install onnxruntime' (in QGIS: the OSGeo4W shell or QGIS's Python)",
            code=ONNXRUNTIME_MISSING) from None
    return onnxruntime


def _torch_cuda_available() -> bool:
    """True when torch is installed and sees a CUDA GPU. torch is imported only when it is
    there at all, so CPU-only installations never pay for the import."""
    if importlib.util.find_spec("torch") is None:
        return False
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:  # a broken torch install must not stop a CPU run
        return False


def bundle_has_torchscript(bundle) -> bool:
    if bundle is None:
        return False
    files = [bundle.coarse.torchscript, bundle.fine.torchscript]
    return all(f and os.path.isfile(bundle.file_path(f)) for f in files)


def resolve_device(requested: str = "auto", bundle=None) -> DeviceChoice:
    """Where the models will run. ``bundle`` (when known) tells whether the torch route is
    open: it needs the bundle's TorchScript files."""
    requested = (requested or "auto").lower()
    if requested not in DEVICES + ("gpu",):
        raise ModelError(f"unknown device '{requested}'; use {', '.join(DEVICES)}")
    if requested == "gpu":
        requested = "cuda"
    if requested == "cpu":
        return DeviceChoice("cpu", CPU_PROVIDERS, "CPU: chosen by the user", requested=requested)
    ort = _onnxruntime()
    if "CUDAExecutionProvider" in ort.get_available_providers():
        return DeviceChoice("cuda", CUDA_PROVIDERS, "GPU: CUDA via onnxruntime", requested=requested)
    # Importing torch takes seconds: only look for it when the bundle could use it.
    torch_usable = bundle is None or bundle_has_torchscript(bundle)
    if torch_usable and _torch_cuda_available():
        return DeviceChoice("cuda", [], "GPU: CUDA via torch", runtime="torch",
                            requested=requested)
    if requested == "cuda":
        if not torch_usable and _torch_cuda_available():
            raise ModelError(
                f"a GPU was asked for; torch sees one, but the model bundle '{bundle.label}' has no TorchScript "
                f"copies of its models (coarse.torchscript / fine.torchscript) and this onnxruntime has no CUDA "
                f"provider; install onnxruntime-gpu matching your CUDA, or choose device 'auto' or 'cpu'"
            )
        raise ModelError(
            "a GPU was asked for, but this onnxruntime has no CUDA provider; install "
            "onnxruntime-gpu matching your CUDA, or choose device 'auto' or 'cpu'"
        )
    if not torch_usable:
        return DeviceChoice("cpu", CPU_PROVIDERS, "CPU: no CUDA provider found in onnxruntime (and the model "
                            "bundle has no TorchScript copies for torch's GPU)")
    return DeviceChoice("cpu", CPU_PROVIDERS, "CPU: no CUDA provider found in onnxruntime")


# Fine windows per model call. On the CPU a 160 px window is already enough work for one
# call: batches of 2 to 16 were 10-20% slower per window than single windows (measured on
# a 2-core EPYC; likely the larger working set) and batch 16 holds 240 MB of activations
# against 14 MB. A GPU needs batches to be busy.
CPU_BATCH = 1
GPU_BATCH = 32


def default_batch_size(device: DeviceChoice) -> int:
    return GPU_BATCH if device.kind == "cuda" else CPU_BATCH


def cpu_fallback(device: DeviceChoice, reason: str) -> DeviceChoice:
    """The CPU choice that replaces a GPU route that failed to start under ``auto``."""
    return replace(device, kind="cpu", providers=CPU_PROVIDERS, runtime="onnxruntime",
                   description=f"CPU: {reason}")


def session_options(ort, threads: Optional[int] = None):
    """onnxruntime settings for the engine's call pattern: model calls with reading,
    blending and writing in Python between them.

    - ``threads`` for the operators of one call (intra-op), all cores by default;
      graph-level parallelism (inter-op) buys nothing for these chain-shaped CNNs.
    - No spinning: by default onnxruntime's idle worker threads spin for a while after
      each call, which burns the cores the main thread needs for GDAL reads, numpy
      blending and compression between calls (and QGIS's own threads). On a loaded
      2-core machine this cut CPU time per fine window by a quarter.
    - The memory arena stays on: turning it off made each fine call half again slower,
      since every activation then goes through malloc and fresh page faults.
    """
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or max(1, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


# Fine windows run this many at a time on the CPU, each call on its own thread (up to this
# many; more cores than workers go to each call's operators). Small convolutions of one
# 160 px window split poorly across cores: on 2 cores, two windows side by side on one
# thread each were 10% faster than one window on two threads, with identical results.
MAX_FINE_WORKERS = 8


def fine_parallelism(device: DeviceChoice):
    """(windows in flight, onnxruntime threads per call) for the fine model."""
    cores = max(1, device.threads or os.cpu_count() or 1)
    if device.kind == "cuda":
        return 1, None
    workers = min(cores, MAX_FINE_WORKERS)
    return workers, max(1, cores // workers)


def open_session(bundle, spec, device: DeviceChoice, role: str, descriptor_input: Optional[str] = None,
                 arena: bool = True, threads: Optional[int] = None):
    """The session for one of the bundle's models (``spec`` is its CoarseSpec or FineSpec).
    ``arena`` False makes onnxruntime return each call's CPU memory at once; ``threads``
    sets the threads of one call (by default the device's, else all cores)."""
    if device.runtime == "torch":
        return TorchSession(bundle.file_path(spec.torchscript), device, role, descriptor_input)
    path = bundle.file_path(spec.onnx_file(on_cpu=device.kind == "cpu"))
    return ModelSession(path, device, spec.input_name, spec.output_name, role, descriptor_input,
                        arena=arena, threads=threads or device.threads)


class ModelSession:
    """One ONNX model on one device, called with NCHW float32 arrays."""

    def __init__(self, path: str, device: DeviceChoice, input_name: str, output_name: str, role: str,
                 descriptor_input: Optional[str] = None, arena: bool = True, threads: Optional[int] = None):
        ort = _onnxruntime()
        self.path = path
        self.role = role
        options = session_options(ort, threads)
        options.enable_cpu_mem_arena = arena
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
        # onnxruntime falls back to the CPU, with only a log line, when its CUDA provider
        # cannot start; say so instead of reporting a GPU that is not used.
        self.on_gpu = self.session.get_providers()[0] == "CUDAExecutionProvider"
        if device.kind == "cuda" and not self.on_gpu:
            raise GpuUnavailable(
                f"onnxruntime's CUDA provider did not start for the {role} model (is the NVIDIA driver and "
                f"the CUDA/cuDNN version onnxruntime-gpu needs installed?)"
            )
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


class GpuUnavailable(ModelError):
    """A GPU route was chosen but does not work on this machine."""


class TorchSession:
    """A torch model on a torch device, with ``ModelSession``'s interface: a ``.pt2`` file
    (``torch.export.save``) or a TorchScript file (``torch.jit.save``, any other name).

    Used only for the GPU route when onnxruntime has no CUDA provider. Inputs and outputs
    stay float32 NCHW numpy arrays, so the engine cannot tell the runtimes apart.
    """

    def __init__(self, path: str, device: DeviceChoice, role: str, descriptor_input: Optional[str] = None,
                 torch_device: Optional[str] = None):
        import torch

        self.torch = torch
        self.path = path
        self.role = role
        self.descriptor_input = descriptor_input
        self.device = torch.device(torch_device or ("cuda" if device.kind == "cuda" else "cpu"))
        try:
            if path.endswith(".pt2"):
                # torch.export's format (torch.export.save of the traced model).
                self.module = torch.export.load(path).module().to(self.device)
            else:
                import warnings

                with warnings.catch_warnings():
                    # TorchScript is deprecated in recent torch but still loads and runs.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    self.module = torch.jit.load(path, map_location=self.device).eval()
        except Exception as exc:
            raise ModelError(
                f"the {role} torch model '{path}' cannot be loaded ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200] if str(exc) else ''}); re-copy or re-export the bundle"
            ) from None
        self.channels = None
        self.on_gpu = self.device.type == "cuda"

    def run(self, batch: np.ndarray, descriptors: Optional[np.ndarray] = None) -> np.ndarray:
        torch = self.torch
        x = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)).to(self.device)
        args = [x]
        if self.descriptor_input:
            args.append(torch.from_numpy(np.ascontiguousarray(descriptors, dtype=np.float32)).to(self.device))
        try:
            with torch.inference_mode():
                out = self.module(*args)
        except Exception as exc:
            raise ModelError(
                f"the {self.role} torch model '{self.path}' failed on input of shape {tuple(batch.shape)}: "
                f"{str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
            ) from None
        return out.float().cpu().numpy()

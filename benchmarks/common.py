"""What every benchmark script shares: the repository on ``sys.path``, the model bundle,
the machine description and a few measuring helpers."""
from __future__ import annotations

import argparse
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if REPO not in sys.path:
    sys.path.insert(0, REPO)

DATA_ROOT = os.environ.get("CLOUDMASK_DATA", os.path.join(os.path.dirname(REPO), "shared", "data"))


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--model", help="model bundle folder (default: the bundled default model)")
    p.add_argument("--device", default="cpu", help="auto, cpu or cuda (default: cpu, the figures the issue asks for)")
    return p


def bundle_path(requested: str = None) -> str:
    """The bundle to benchmark; the default one must exist (the toy bundle says nothing about speed)."""
    from cloud_mask_plugin.core.bundle import DEFAULT_BUNDLE_DIR

    path = requested or DEFAULT_BUNDLE_DIR
    if not os.path.isfile(os.path.join(path, "manifest.json")):
        sys.exit(f"error: no model bundle at {path} (manifest.json missing); train and export the default "
                 f"bundle first, or pass --model BUNDLE")
    return path


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def describe_machine() -> str:
    return f"machine: {os.cpu_count()} logical CPUs, {cpu_model()}, load average {load_average()}"


def log(message: str):
    print(message, file=sys.stderr, flush=True)


# Runs a module as ``python -m`` would and, at exit, writes the process's peak resident set
# size (VmHWM) to the file named by CLOUDMASK_PEAK_FILE. VmHWM belongs to the process's own
# memory map, which exec starts afresh; ru_maxrss (getrusage, wait4) would not do: Linux
# carries it across exec, so a child forked from a large parent reports at least the
# parent's size.
_PEAK_WRAPPER = """
import os, runpy, sys
module = sys.argv[1]
sys.argv = [module] + sys.argv[2:]
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status:
        peak_kb = [line.split()[1] for line in status if line.startswith("VmHWM:")][0]
    with open(os.environ["CLOUDMASK_PEAK_FILE"], "w") as out:
        out.write(peak_kb)
"""


def run_module_peak_rss(module: str, args, cwd: str = REPO):
    """Run ``python -m module args`` in a fresh process; return (peak RSS in MB, exit code, stderr)."""
    import subprocess
    import tempfile

    fd, peak_file = tempfile.mkstemp(prefix="cloudmask_peak_")
    os.close(fd)
    try:
        env = dict(os.environ, CLOUDMASK_PEAK_FILE=peak_file,
                   PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
        done = subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, module, *args], cwd=cwd, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        with open(peak_file) as f:
            text = f.read().strip()
        return (int(text) / 1024.0 if text else float("nan")), done.returncode, done.stderr
    finally:
        os.remove(peak_file)

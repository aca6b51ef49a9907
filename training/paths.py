"""Where things are: the repository root and the shared data folder.

Nothing here names a machine path: the data folder is ``../shared/data`` next to the
repository root unless the ``CLOUD_MASK_DATA`` environment variable or a ``--data-root``
argument says otherwise.
"""
from __future__ import annotations

import os
import subprocess
from typing import Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_ENV_VAR = "CLOUD_MASK_DATA"


def default_data_root() -> str:
    return os.environ.get(DATA_ENV_VAR) or os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data"))


def resolve_data_root(data_root: Optional[str] = None) -> str:
    return os.path.abspath(data_root or default_data_root())


def resolve_repo_path(path: str) -> str:
    """A path from a config or the command line: absolute, or relative to the repository root."""
    return path if os.path.isabs(path) else os.path.join(REPO_ROOT, path)


def git_commit() -> Optional[str]:
    """The commit the code was trained from, or None outside a git checkout or before the first commit."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    if out.returncode != 0 or not commit:
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", "training"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
    ).stdout.strip()
    return commit + ("-dirty" if dirty else "")

"""Hand memory that the process has freed back to the operating system between stages.

glibc's allocator keeps freed heap memory for reuse. After a stage that allocates and
frees many large temporaries (the coarse model's activations, the fine pass's windows),
that memory stays in the process's resident set while the next stage allocates its own,
so the peak grows with the scene even when the live data does not. ``malloc_trim``
returns the free pages; inside QGIS that is memory the rest of the session gets back.
Elsewhere (macOS, Windows, musl) this does nothing: their allocators return memory
differently, and nothing depends on it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

_malloc_trim = None
if sys.platform.startswith("linux"):
    try:
        _malloc_trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        _malloc_trim.argtypes = [ctypes.c_size_t]
        _malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):
        _malloc_trim = None


def release_free_memory() -> bool:
    """Return freed heap memory to the OS; True when the C library could be asked."""
    if _malloc_trim is None:
        return False
    _malloc_trim(0)
    return True

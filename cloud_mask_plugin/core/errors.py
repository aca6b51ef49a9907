"""Errors the engine raises on purpose. Each message is one line a user can act on:
which file or band, what is wrong, what to do. Callers (CLI, Processing, GUI) show the
message as it is and never a traceback."""


class CloudMaskError(Exception):
    """Base of every error meant for the user."""


class InputError(CloudMaskError):
    """The input raster cannot be masked as it is (missing, unreadable, unmappable bands...)."""


class BandMappingError(InputError):
    """The raster's bands cannot be matched to the model's inputs; front ends can point the
    user at their band-mapping control (CLI --bands, Processing BANDS, the panel's table)."""


class OutputError(CloudMaskError):
    """An output cannot be written (exists, folder not writable, same as the input, disk full...)."""


class ModelError(CloudMaskError):
    """The model bundle cannot be used (missing, corrupt, incompatible)."""


class Cancelled(CloudMaskError):
    """The user cancelled the run; no output was left behind."""

    def __init__(self, message: str = "cancelled by the user; no output was written"):
        super().__init__(message)

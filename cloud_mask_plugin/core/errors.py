"""Errors the engine raises on purpose, and the messages it hands to people.

Each message is one line a user can act on: which file or band, what is wrong, what to
do. Callers (CLI, Processing, GUI) show the message as it is and never a traceback.

A message may also carry a ``code`` and the ``values`` it was made from, so a front end
can say the same thing in the user's language (the GUI keeps a translated template per
code) instead of showing the English sentence. The English text stays the message, so
logs, reports and the command line read as before.
"""
from typing import Any, Dict, Optional

# Codes of the messages a front end may translate; each lists the values it carries.
BANDS_MISSING = "bands_missing"            # raster, model, missing (list), band_count, offered (text)
BAND_LIST_TOO_LONG = "band_list_too_long"  # raster, listed, band_count
PRESET_BAND_COUNT = "preset_band_count"    # raster, band_count, sensor, preset_count
ASSUMED_REFLECTANCE = "assumed_reflectance_x10000"   # raster
BAND_FILE_SCALING = "band_file_scaling"    # raster, sensor
ONNXRUNTIME_MISSING = "onnxruntime_missing"
TOO_FEW_BANDS = "too_few_bands"            # raster, band_count, needed (list), needed_count


class EngineMessage(str):
    """A warning: its English text as a plain ``str`` (JSON reports and the command line
    see only that), with the ``code`` and ``values`` for a translation."""

    code: Optional[str]
    values: Dict[str, Any]

    def __new__(cls, text: str, code: Optional[str] = None, **values):
        message = super().__new__(cls, text)
        message.code = code
        message.values = values
        return message


class CloudMaskError(Exception):
    """Base of every error meant for the user."""

    def __init__(self, message: str = "", code: Optional[str] = None, **values):
        super().__init__(message)
        self.code = code
        self.values = values


class InputError(CloudMaskError):
    """The input raster cannot be masked as it is (missing, unreadable, unmappable bands...)."""


class BandMappingError(InputError):
    """The raster's bands cannot be matched to the model's inputs; front ends can point the
    user at their band-mapping control (CLI --bands, Processing BANDS, the panel's table)."""


class TooFewBands(InputError):
    """The raster has fewer bands than the model needs: naming its bands cannot help, so
    this is no BandMappingError and front ends must not point at their band-mapping control."""

    def __init__(self, raster: str, band_count: int, needed):
        needed = list(needed)
        super().__init__(too_few_bands_text(raster, band_count, needed), code=TOO_FEW_BANDS, raster=raster,
                         band_count=band_count, needed=needed, needed_count=len(needed))


def too_few_bands_text(raster: str, band_count: int, needed) -> str:
    """The one wording of this refusal, for the engine's message and the panel's tooltip."""
    return (f"'{raster}' has {band_count} band(s); the model needs at least {len(needed)}: {', '.join(needed)}. "
            f"Stack the band files into one raster (Raster > Miscellaneous > Build Virtual Raster, each file in a "
            f"separate band), or give the folder of band files to the command line or Processing.")


class OutputError(CloudMaskError):
    """An output cannot be written (exists, folder not writable, same as the input, disk full...)."""


class ModelError(CloudMaskError):
    """The model bundle cannot be used (missing, corrupt, incompatible)."""


class Cancelled(CloudMaskError):
    """The user cancelled the run; no output was left behind."""

    def __init__(self, message: str = "cancelled by the user; no output was written"):
        super().__init__(message)

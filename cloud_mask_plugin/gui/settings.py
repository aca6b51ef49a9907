"""What the panel remembers.

Choices that hold for every layer (model, device, threshold, outputs, where to save)
live in QgsSettings under "cloud_mask/", so they survive a restart of QGIS. Choices that
belong to one raster (which band is which, the sensor, the scaling) are stored on the
layer as custom properties: they travel with the project file and do not leak to another
raster that happens to have the same number of bands.
"""
import json
from dataclasses import dataclass, field
from typing import List, Optional

from qgis.core import QgsSettings

from ..core.backend import DEVICES

PREFIX = "cloud_mask/"
OUTPUT_TEMPORARY = "temporary"
OUTPUT_FOLDER = "folder"


@dataclass
class GuiSettings:
    model: str = ""                     # "" = the bundled default model, else a bundle folder
    user_models: List[str] = field(default_factory=list)   # bundle folders the user added
    device: str = "auto"
    threshold: float = 0.0              # 0 = the model's own threshold
    write_probability: bool = True
    write_polygons: bool = True
    write_coarse_grid: bool = False
    write_masked_image: bool = False
    output_mode: str = OUTPUT_TEMPORARY
    output_folder: str = ""
    overwrite: bool = False

    @classmethod
    def load(cls) -> "GuiSettings":
        s = QgsSettings()
        defaults = cls()

        def value(key, default, kind):
            raw = s.value(PREFIX + key, default)
            try:
                return kind(raw) if kind is not bool else _to_bool(raw)
            except (TypeError, ValueError):
                return default

        try:
            user_models = [str(p) for p in json.loads(s.value(PREFIX + "user_models", "[]") or "[]") if p]
        except (TypeError, ValueError):
            user_models = []
        device = value("device", defaults.device, str)
        mode = value("output_mode", defaults.output_mode, str)
        return cls(
            model=value("model", defaults.model, str),
            user_models=user_models,
            device=device if device in DEVICES else defaults.device,
            threshold=min(max(value("threshold", defaults.threshold, float), 0.0), 0.99),
            write_probability=value("outputs/probability", defaults.write_probability, bool),
            write_polygons=value("outputs/polygons", defaults.write_polygons, bool),
            write_coarse_grid=value("outputs/coarse_grid", defaults.write_coarse_grid, bool),
            write_masked_image=value("outputs/masked_image", defaults.write_masked_image, bool),
            output_mode=mode if mode in (OUTPUT_TEMPORARY, OUTPUT_FOLDER) else defaults.output_mode,
            output_folder=value("output_folder", defaults.output_folder, str),
            overwrite=value("overwrite", defaults.overwrite, bool),
        )

    def save(self) -> None:
        s = QgsSettings()
        s.setValue(PREFIX + "model", self.model)
        s.setValue(PREFIX + "user_models", json.dumps(self.user_models))
        s.setValue(PREFIX + "device", self.device)
        s.setValue(PREFIX + "threshold", float(self.threshold))
        s.setValue(PREFIX + "outputs/probability", bool(self.write_probability))
        s.setValue(PREFIX + "outputs/polygons", bool(self.write_polygons))
        s.setValue(PREFIX + "outputs/coarse_grid", bool(self.write_coarse_grid))
        s.setValue(PREFIX + "outputs/masked_image", bool(self.write_masked_image))
        s.setValue(PREFIX + "output_mode", self.output_mode)
        s.setValue(PREFIX + "output_folder", self.output_folder)
        s.setValue(PREFIX + "overwrite", bool(self.overwrite))


def _to_bool(raw) -> bool:
    # QSettings in INI files gives back "true"/"false" strings for booleans.
    if isinstance(raw, str):
        return raw.strip().lower() in ("true", "1", "yes")
    return bool(raw)


@dataclass
class BandChoice:
    """The user's answer to "which band is which" for one raster; None = detect."""

    sensor: Optional[str] = None
    # One common name per raster band (None for a band the model does not use).
    bands: Optional[List[Optional[str]]] = None
    scale: Optional[float] = None
    offset: Optional[float] = None

    @property
    def is_automatic(self) -> bool:
        return self.sensor is None and self.bands is None and self.scale is None and self.offset is None


_LAYER_KEY = "cloud_mask/band_choice"


def read_band_choice(layer) -> BandChoice:
    raw = layer.customProperty(_LAYER_KEY, "")
    if not raw:
        return BandChoice()
    try:
        data = json.loads(raw)
        bands = data.get("bands")
        return BandChoice(
            sensor=data.get("sensor") or None,
            bands=[b or None for b in bands] if isinstance(bands, list) else None,
            scale=None if data.get("scale") is None else float(data["scale"]),
            offset=None if data.get("offset") is None else float(data["offset"]),
        )
    except (TypeError, ValueError, AttributeError):
        # A property written by a newer or broken version: detect again rather than fail.
        return BandChoice()


def write_band_choice(layer, choice: BandChoice) -> None:
    if choice.is_automatic:
        layer.removeCustomProperty(_LAYER_KEY)
        return
    layer.setCustomProperty(_LAYER_KEY, json.dumps(
        {"sensor": choice.sensor, "bands": choice.bands, "scale": choice.scale, "offset": choice.offset}))

"""Model bundles: a folder with ``manifest.json``, ``coarse.onnx`` and ``fine.onnx``.

The manifest says everything the engine needs, so nothing about a model is guessed:

- ``inputs.bands``: the model's input channels in order, each a common name with its
  centre wavelength and width (see ``bands.py``). Inputs are reflectance (0..1, float32);
  any normalisation is inside the ONNX graph and recorded under ``inputs.normalization``.
  ``inputs.sensor_independent`` true means the models take any subset of the listed
  bands (at least ``inputs.required_bands``), with a second ONNX input named
  ``inputs.descriptor_input`` (default ``band_descriptors``) of shape [C, 2]: each fed
  band's centre wavelength and width in micrometres, as the raster's sensor has them.
- ``coarse``: the coarse classifier. Its input is the scene downsampled ``downsample``
  times; its output has one cell per ``cell_size`` full-resolution pixels
  (``cell_size == downsample * stride``) and one probability per class in ``classes``.
- ``fine``: the segmenter run on partly cloudy cells, on windows of
  ``cell_size + 2 * halo`` pixels, giving a cloud probability per pixel; ``threshold``
  turns it into a mask. ``multiple`` is what the window's size must be a multiple of,
  ``cpu_file`` an optional copy for onnxruntime on the CPU (int8). ``inference_scale``
  only informs: a graph that computes at a lower resolution does so inside itself
  (its ``multiple`` grows with it), so the engine feeds every model the same way.
- ``metrics``: what the model scored on validation data when it was exported.

``format_version`` guards against bundles written by a newer product: a bundle whose
format this code does not know is refused with a message saying to update the plugin.

The manifest is both read (``load_bundle``) and written here (``new_manifest``,
``write_manifest``, ``update_manifest``, which training's export and quantisation use), so
its format lives in one file.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

from .bands import Band, COMMON_BANDS
from .errors import ModelError

BUNDLE_FORMAT = "cloud-mask-bundle"
BUNDLE_FORMAT_VERSION = 1
COARSE_CLASSES = ("cloudless", "overcast", "partly_cloudy", "nodata")
DEFAULT_BUNDLE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "default")


class BundleError(ModelError):
    """A model bundle that cannot be used; the message says which file and why."""


@dataclass
class CoarseSpec:
    file: str
    downsample: int
    stride: int
    classes: List[str]
    input_name: str = "image"
    output_name: str = "class_prob"
    # A cell is settled by the coarse model only when its top class has at least this
    # probability; less sure cells go to the fine model. 1.0 sends every cell there.
    min_confidence: float = 0.5
    # Optional TorchScript copy of the same model, for GPUs reached through torch when
    # onnxruntime has no CUDA provider (see backend.py).
    torchscript: Optional[str] = None
    # Cells on each side of a cell that the model's answer depends on (its receptive
    # field); measured by the engine when absent (cascade.CascadeModels.coarse_context_cells).
    context_cells: Optional[int] = None

    def onnx_file(self, on_cpu: bool) -> str:
        """The ONNX file onnxruntime runs (the same on the CPU and on a GPU)."""
        return self.file

    @property
    def cell_size(self) -> int:
        return self.downsample * self.stride


@dataclass
class FineSpec:
    file: str
    halo: int
    threshold: float = 0.5
    input_name: str = "image"
    output_name: str = "cloud_prob"
    # The fine model's spatial size must be a multiple of this (its total stride).
    multiple: int = 16
    torchscript: Optional[str] = None   # as CoarseSpec.torchscript
    # An int8 copy of ``file`` for onnxruntime on the CPU (``python -m training quantize``):
    # about 1.5x faster there at the same scores. GPUs run ``file``.
    cpu_file: Optional[str] = None

    def window_ok(self, cell_size: int) -> bool:
        return (cell_size + 2 * self.halo) % self.multiple == 0

    def onnx_file(self, on_cpu: bool) -> str:
        """The ONNX file onnxruntime runs on the CPU (``on_cpu``) or on a GPU."""
        return self.cpu_file if on_cpu and self.cpu_file else self.file


@dataclass
class Bundle:
    path: str
    name: str
    version: str
    bands: List[Band]
    coarse: CoarseSpec
    fine: FineSpec
    sensor_independent: bool = False
    # Bands a raster must offer; a sensor-independent model uses the other listed bands
    # when present. For a fixed model every listed band is required.
    required_bands: List[str] = field(default_factory=list)
    descriptor_input: str = "band_descriptors"
    license: str = ""
    description: str = ""
    metrics: Dict[str, dict] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    # A bundle of band paths (see ``load_bundle``): every path, richest first, this one
    # (the path that needs fewest bands) among them; empty for a bundle of one path.
    paths: List["Bundle"] = field(default_factory=list)
    # The name of this path in its bundle of band paths ("" for a bundle of one path).
    path_name: str = ""

    @property
    def band_names(self) -> List[str]:
        return [b.name for b in self.bands]

    @property
    def cell_size(self) -> int:
        return self.coarse.cell_size

    @property
    def fine_window(self) -> int:
        return self.cell_size + 2 * self.fine.halo

    def file_path(self, name: str) -> str:
        return os.path.join(self.path, name)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def _require(manifest: dict, key: str, where: str):
    if key not in manifest:
        raise BundleError(f"{where}: the manifest has no '{key}'; re-export the bundle with training/ ")
    return manifest[key]


def load_bundle(path: Optional[str] = None) -> Bundle:
    """Read and check a bundle folder (the bundled default when ``path`` is None).

    A bundle may hold band paths, as ukis-csmask does: its manifest lists, under
    ``band_paths``, sub-folders that are bundles of their own (for example blue, green, red,
    nir, swir16, swir22 first, then blue, green, red, nir), richest first. The engine runs
    the first path whose bands the input has (``inputs.plan_raster``). Such a bundle loads as
    its last path, with every path in ``paths``; each path is stamped with the bundle's
    name and version, which is what outputs record.
    """
    path = os.path.abspath(path or DEFAULT_BUNDLE_DIR)
    if os.path.isfile(path) and os.path.basename(path) == "manifest.json":
        path = os.path.dirname(path)
    manifest_path = os.path.join(path, "manifest.json")
    if not os.path.isdir(path):
        raise BundleError(f"model bundle folder '{path}' does not exist; choose a folder holding manifest.json, coarse.onnx and fine.onnx")
    if not os.path.isfile(manifest_path):
        raise BundleError(f"model bundle '{path}' has no manifest.json; choose a folder exported by training/")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as exc:
        raise BundleError(f"model manifest '{manifest_path}' cannot be read: {exc}") from None
    if not isinstance(manifest, dict):
        raise BundleError(f"model manifest '{manifest_path}' is not a JSON object")

    where = manifest_path
    if manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{where} is not a cloud mask model manifest (format is {manifest.get('format')!r}, expected {BUNDLE_FORMAT!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise BundleError(f"{where}: format_version {version!r} is not valid")
    if version > BUNDLE_FORMAT_VERSION:
        raise BundleError(
            f"{where} was written for bundle format {version}, newer than this plugin reads "
            f"({BUNDLE_FORMAT_VERSION}); update the Cloud Mask plugin to use this model"
        )

    if "band_paths" in manifest:
        return _load_band_paths(path, manifest, where)
    inputs = _require(manifest, "inputs", where)
    band_entries = _require(inputs, "bands", where + " inputs")
    if not isinstance(band_entries, list) or not band_entries:
        raise BundleError(f"{where}: inputs.bands must list at least one band")
    bands = []
    for i, entry in enumerate(band_entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        if name not in COMMON_BANDS:
            raise BundleError(f"{where}: input band {i} has name {name!r}, which is not a known band common name")
        wl = float(entry.get("wavelength_nm", COMMON_BANDS[name].wavelength_nm))
        width = float(entry.get("width_nm", COMMON_BANDS[name].width_nm))
        bands.append(Band(name, wl, width))

    c = _require(manifest, "coarse", where)
    f = _require(manifest, "fine", where)
    try:
        coarse = CoarseSpec(
            file=str(c.get("file", "coarse.onnx")),
            downsample=int(_require(c, "downsample", where + " coarse")),
            stride=int(_require(c, "stride", where + " coarse")),
            classes=list(c.get("classes", COARSE_CLASSES)),
            input_name=str(c.get("input_name", "image")),
            output_name=str(c.get("output_name", "class_prob")),
            min_confidence=float(c.get("min_confidence", 0.5)),
            torchscript=str(c["torchscript"]) if c.get("torchscript") else None,
            context_cells=int(c["context_cells"]) if c.get("context_cells") is not None else None,
        )
        fine = FineSpec(
            file=str(f.get("file", "fine.onnx")),
            halo=int(_require(f, "halo", where + " fine")),
            threshold=float(f.get("threshold", 0.5)),
            input_name=str(f.get("input_name", "image")),
            output_name=str(f.get("output_name", "cloud_prob")),
            multiple=int(f.get("multiple", 16)),
            torchscript=str(f["torchscript"]) if f.get("torchscript") else None,
            cpu_file=str(f["cpu_file"]) if f.get("cpu_file") else None,
        )
    except (TypeError, ValueError) as exc:
        raise BundleError(f"{where}: a coarse or fine setting has the wrong type: {exc}") from None
    if sorted(coarse.classes) != sorted(COARSE_CLASSES):
        raise BundleError(f"{where}: coarse.classes must be {list(COARSE_CLASSES)} in some order, got {coarse.classes}")
    if coarse.context_cells is not None and coarse.context_cells < 0:
        raise BundleError(f"{where}: coarse.context_cells must be 0 or more, got {coarse.context_cells}")
    if coarse.downsample < 1 or coarse.stride < 1 or fine.halo < 0:
        raise BundleError(f"{where}: downsample and stride must be at least 1 and halo at least 0")
    if not fine.window_ok(coarse.cell_size):
        raise BundleError(f"{where}: cell size {coarse.cell_size} plus halo {fine.halo} is not a multiple of {fine.multiple}")
    if not 0.0 < fine.threshold < 1.0:
        raise BundleError(f"{where}: fine.threshold must be between 0 and 1, got {fine.threshold}")

    sensor_independent = bool(inputs.get("sensor_independent", False))
    names = [b.name for b in bands]
    required = list(inputs.get("required_bands", names)) if sensor_independent else names
    unknown = [n for n in required if n not in names]
    if unknown or not required:
        raise BundleError(f"{where}: inputs.required_bands {required} must be a non-empty subset of inputs.bands")

    bundle = Bundle(
        path=path,
        name=str(manifest.get("name", os.path.basename(path))),
        version=str(manifest.get("version", "0")),
        bands=bands,
        coarse=coarse,
        fine=fine,
        sensor_independent=sensor_independent,
        required_bands=required,
        descriptor_input=str(inputs.get("descriptor_input", "band_descriptors")),
        license=str(manifest.get("license", "")),
        description=str(manifest.get("description", "")),
        metrics=dict(manifest.get("metrics", {})),
        manifest=manifest,
    )
    for spec in (coarse.file, fine.file):
        full = bundle.file_path(spec)
        if not os.path.isfile(full):
            raise BundleError(f"model bundle '{path}' lacks {spec}; copy the whole bundle folder or re-export it")
    return bundle


def _load_band_paths(path: str, manifest: dict, where: str) -> Bundle:
    names = manifest["band_paths"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise BundleError(f"{where}: band_paths must list the sub-folders of the bundle's band paths")
    paths = []
    for name in names:
        sub = os.path.join(path, name)
        if os.path.isfile(os.path.join(sub, "manifest.json")):
            with open(os.path.join(sub, "manifest.json"), encoding="utf-8") as f:
                nested = "band_paths" in json.load(f)
            if nested:
                raise BundleError(f"{where}: band path '{name}' is itself a bundle of band paths; list its paths here")
        loaded = load_bundle(sub)
        paths.append(dataclasses.replace(loaded, name=str(manifest.get("name", loaded.name)),
                                         version=str(manifest.get("version", loaded.version)), path_name=name))
    widths = [len(p.required_bands) for p in paths]
    if widths != sorted(widths, reverse=True):
        raise BundleError(f"{where}: band_paths must list the richest path first (bands needed: {widths})")
    return dataclasses.replace(paths[-1], paths=paths)


def new_manifest(*, name: str, version: str, license: str, description: str, training_data: List[dict],
                 bands: Sequence[str], normalization: dict, downsample: int, stride: int, min_confidence: float,
                 halo: int, threshold: float, multiple: int, inference_scale: int, training: dict,
                 metrics: Optional[dict] = None) -> dict:
    """The manifest of a fixed-band bundle whose graphs are ``coarse.onnx`` (``image`` ->
    ``class_prob``) and ``fine.onnx`` (``image`` -> ``cloud_prob``); a sensor-independent
    bundle adds its ``inputs`` entries (``sensor_independent``, ``required_bands``,
    ``descriptor_input``) to it."""
    return {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "name": name,
        "version": version,
        "license": license,
        "description": description,
        "training_data": training_data,
        "inputs": {
            "bands": [COMMON_BANDS[b].as_dict() for b in bands],
            "units": "reflectance",
            "dtype": "float32",
            "layout": "NCHW",
            "nodata_fill": 0.0,
            "sensor_independent": False,
            "normalization": normalization,
        },
        "coarse": {"file": "coarse.onnx", "downsample": downsample, "stride": stride, "classes": list(COARSE_CLASSES),
                   "input_name": "image", "output_name": "class_prob", "min_confidence": min_confidence},
        "fine": {"file": "fine.onnx", "halo": halo, "threshold": threshold, "input_name": "image",
                 "output_name": "cloud_prob", "multiple": multiple, "inference_scale": inference_scale},
        "metrics": metrics or {},
        "created": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "training": training,
    }


def write_manifest(folder: str, manifest: dict) -> None:
    with open(os.path.join(folder, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def update_manifest(folder: str, change: Callable[[dict], None]) -> None:
    """Read the bundle's manifest, let ``change`` edit it in place, write it back."""
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    change(manifest)
    write_manifest(folder, manifest)

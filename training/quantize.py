"""An int8 copy of a bundle's fine model for onnxruntime on the CPU.

Static quantisation with onnxruntime (QDQ format, int8 weights per output channel, uint8
activations), calibrated on windows of the training data of the bundle's config, never on
the validation splits (for a sensor-independent bundle, fine training samples as training
draws them: every source's band set, band dropout, synthetic clouds). On the CPU the copy is about 1.5x faster per window (convolutions
run in int8) and scores the same on the validation splits (see training/README.md); the
manifest names it as ``fine.cpu_file`` and the plugin runs it whenever it runs on the CPU.
GPUs keep the float model.
"""
from __future__ import annotations

import os
import tempfile
from typing import List, Optional, Tuple

import numpy as np

from cloud_mask_plugin.core.bundle import load_bundle, update_manifest

from .config import TrainConfig
from .data import read_source

CPU_FILE = "fine_int8.onnx"
DEFAULT_WINDOWS = 96


def calibration_windows(cfg: TrainConfig, data_root: str, window: int, count: int = DEFAULT_WINDOWS,
                        seed: int = 0) -> List[np.ndarray]:
    """``count`` windows [1, C, window, window] of the config's training scenes (labelled
    and clear), taken in turn from each scene large enough, at seeded random places."""
    scenes = [scene for entry in cfg.train_sources + cfg.clear_sources
              for scene in read_source(entry, data_root, cfg.bands, streamed=True)
              if min(scene.shape) >= window]
    if not scenes:
        raise ValueError(f"no training scene of the config is at least {window} px on each side")
    rng = np.random.default_rng(seed)
    windows = []
    for i in range(count):
        scene = scenes[i % len(scenes)]
        h, w = scene.shape
        y, x = int(rng.integers(0, h - window + 1)), int(rng.integers(0, w - window + 1))
        windows.append(np.ascontiguousarray(scene.window(y, x, window, window).image[None], dtype=np.float32))
    return windows


def calibration_feeds(cfg: TrainConfig, data_root: str, window: int, count: int = DEFAULT_WINDOWS
                      ) -> Tuple[List[np.ndarray], Optional[List[np.ndarray]]]:
    """Calibration windows for a bundle trained with ``cfg`` and, for a sensor-independent
    one, each window's band descriptors: ``count`` fine training samples (windows [1, C,
    patch, patch]) drawn as training draws them."""
    if not cfg.sensor_independent:
        return calibration_windows(cfg, data_root, window, count, cfg.seed), None
    from .samplers import FineSampler, load_sources

    rng = np.random.default_rng(cfg.seed)
    sampler = FineSampler(cfg, load_sources(cfg.train_sources, data_root, cfg),
                          load_sources(cfg.clear_sources, data_root, cfg), rng)
    windows, descriptors = [], []
    for _ in range(count):
        image, desc, valid, _, _ = sampler.sample()
        windows.append(np.ascontiguousarray(np.where(valid[None], image, 0.0)[None], dtype=np.float32))
        descriptors.append(desc)
    return windows, descriptors


def descriptor_path(model_path: str, descriptor_input: str) -> List[str]:
    """The nodes that depend on the band descriptors, down to the convolutions they feed.
    They stay float: their values differ per band set, so a range calibrated on a mix of
    band sets would fit none of them well. In an ``ExtraBands`` model that is the MLP and
    one 1 x 1 convolution (no cost next to the image path); in a ``BandSetEmbedding`` model
    also its per-band maps."""
    import onnx

    graph = onnx.load(model_path).graph
    reached, names = {descriptor_input}, []
    for node in graph.node:  # ONNX lists nodes in topological order
        if any(name in reached for name in node.input):
            names.append(node.name)
            if node.op_type != "Conv":
                reached.update(node.output)
    return names


def quantize_fine(bundle_dir: str, windows: List[np.ndarray],
                  descriptors: Optional[List[np.ndarray]] = None) -> str:
    """Write the int8 copy of the bundle's fine model beside it and name it in the manifest.
    A sensor-independent bundle needs each window's band ``descriptors`` [C, 2] too."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    bundle = load_bundle(bundle_dir)
    if bundle.sensor_independent and (descriptors is None or len(descriptors) != len(windows)):
        raise ValueError(f"'{bundle_dir}' is a sensor-independent bundle: its fine model takes band "
                         f"descriptors, so each calibration window needs its own")
    feeds = [{bundle.fine.input_name: window} for window in windows]
    if bundle.sensor_independent:
        for feed, desc in zip(feeds, descriptors):
            feed[bundle.descriptor_input] = np.ascontiguousarray(desc, dtype=np.float32)

    class Windows(CalibrationDataReader):
        def __init__(self):
            self._next = iter(feeds)

        def get_next(self):
            return next(self._next, None)

    target = bundle.file_path(CPU_FILE)
    with tempfile.TemporaryDirectory() as scratch:
        # Folds and fuses the graph first, as onnxruntime advises before quantising; the
        # symbolic shape pass is skipped because the spatial size is left free.
        prepared = os.path.join(scratch, "prepared.onnx")
        quant_pre_process(bundle.file_path(bundle.fine.file), prepared, skip_symbolic_shape=True)
        excluded = descriptor_path(prepared, bundle.descriptor_input) if bundle.sensor_independent else []
        quantize_static(prepared, target, Windows(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        nodes_to_exclude=excluded)

    def name_the_copy(manifest):
        manifest["fine"]["cpu_file"] = CPU_FILE
        manifest["fine"]["cpu_file_quantization"] = (
            f"onnxruntime static int8 (QDQ, per-channel int8 weights, uint8 activations), calibrated on "
            f"{len(windows)} windows of the training data")

    update_manifest(bundle_dir, name_the_copy)
    return target

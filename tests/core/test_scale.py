"""Streaming at scale: what must hold whatever the scene's size, and the device choice.

Behaviour only, never timings: the benchmarks in ``benchmarks/`` measure speed.
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from osgeo import gdal

from cloud_mask_plugin.core import backend
from cloud_mask_plugin.core.api import MaskOptions, OutputPaths, mask_file
from cloud_mask_plugin.core.backend import resolve_device
from cloud_mask_plugin.core.bundle import load_bundle
from cloud_mask_plugin.core.cascade import CascadeModels, segment_array
from cloud_mask_plugin.core.errors import ModelError

from conftest import REPO, write_raster
from toy_bundle import make_toy_bundle

WIDE_KERNEL = 15  # receptive field of the wide fine model: 7 pixels each side, more than halo + 1


def _wide_context_fine_model(path, channels, seed=0):
    """A fine model whose answer depends on neighbours up to 7 px away (a 15 x 15 convolution
    with uneven weights), so any difference in the context a window sees shows in its output."""
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0.0, 1.0, size=(1, channels, WIDE_KERNEL, WIDE_KERNEL)).astype(np.float32)
    weight *= 40.0 / weight.sum()
    bias = np.array([-40.0 * 0.3], dtype=np.float32)
    pad = WIDE_KERNEL // 2
    graph = helper.make_graph(
        [helper.make_node("Conv", ["image", "w", "b"], ["logit"], pads=[pad] * 4),
         helper.make_node("Sigmoid", ["logit"], ["cloud_prob"])],
        "wide_fine",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", channels, "h", "w"])],
        [helper.make_tensor_value_info("cloud_prob", TensorProto.FLOAT, ["n", 1, "h", "w"])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


@pytest.fixture(scope="module")
def wide_bundle(tmp_path_factory):
    folder = make_toy_bundle(tmp_path_factory.mktemp("wide"), downsample=2, stride=4, halo=4)
    _wide_context_fine_model(os.path.join(folder, "fine.onnx"), 4)
    return folder


@pytest.mark.parametrize("batch_size", [1, 3, 16])
@pytest.mark.parametrize("height,width", [(42, 57), (9, 30), (17, 9)])
def test_streaming_equals_in_memory_with_wide_context_at_every_edge(tmp_path, wide_bundle, batch_size, height,
                                                                    width):
    """Fine windows read in pieces (one per batch, or one per cell) must see exactly the
    mirrored context the in-memory cascade gives them, also where the last cell of a row or
    column holds only a pixel or two and the mirror reaches further than the window."""
    rng = np.random.default_rng(height * 100 + width)
    scene = rng.uniform(0.0, 0.6, size=(4, height, width)).astype(np.float32)
    path = write_raster(tmp_path / "scene.tif", scene)
    outputs = OutputPaths(mask=str(tmp_path / "m.tif"), probability=str(tmp_path / "p.tif"))
    mask_file(path, outputs, MaskOptions(model=wide_bundle, batch_size=batch_size))

    models = CascadeModels(load_bundle(wide_bundle), resolve_device("cpu"))
    expected = segment_array(models, scene, np.ones(scene.shape[1:], bool))
    assert expected.fine_cells > 0
    np.testing.assert_array_equal(gdal.Open(outputs.mask).ReadAsArray(), expected.mask)
    np.testing.assert_array_equal(gdal.Open(outputs.probability).ReadAsArray(),
                                  np.rint(expected.probability * 100).astype(np.uint8))

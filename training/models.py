"""The two networks of the cascade, with the input normalisation inside each model.

Both take reflectance (0..1) in the bundle's band order, NCHW, and start with a fixed
per-band standardisation, so the exported ONNX graph needs no preprocessing beyond the
reflectance scaling the engine already does.

- ``CoarseNet``: a small fully convolutional classifier encoder truncated at its
  bottleneck (total stride 16) plus a 1x1 convolution to the four coarse classes; it
  returns logits, the export adds the softmax.
- ``FineNet``: a small U-Net (total stride 16) with a cheap decoder; it returns one
  logit per pixel, the export adds the sigmoid. It runs on every partly cloudy cell of
  every scene, so its cost per pixel is what users feel on a laptop: the full-resolution
  layers are kept narrow and the decoder uses one convolution per level.
- ``AtLowerResolution``: wraps a model so it computes at 1/k of its input's resolution
  (the bundle's ``fine.inference_scale``): the input is block-averaged over valid pixels,
  the logits are upsampled bilinearly back to the input's size.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

class Normalize(nn.Module):
    """(x - mean) / std per band; constants, not trained."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]):
        super().__init__()
        if len(mean) != len(std):
            raise ValueError("mean and std must have one value per band")
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


def standardize(normalize: Normalize, x, input_offset=None):
    """The model's standardised input, plus ``input_offset`` [N, bands, H, W] when given
    (``sensor_independent.ExtraBands`` derives it from further bands).
    Added before the first convolution, it leaves that convolution's weights constant,
    so onnxruntime still fuses and pre-packs it."""
    z = normalize(x)
    return z if input_offset is None else z + input_offset


def conv_bn_relu(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class Encoder(nn.Module):
    """A stem at input resolution, then one stride-2 stage per further width (two 3x3 convs each)."""

    def __init__(self, in_channels: int, widths: Sequence[int]):
        super().__init__()
        if len(widths) != 5:
            raise ValueError("the encoder needs five widths: input resolution and four stride-2 stages (stride 16)")
        self.stem = conv_bn_relu(in_channels, widths[0])
        self.stages = nn.ModuleList(
            nn.Sequential(conv_bn_relu(widths[i - 1], widths[i], stride=2), conv_bn_relu(widths[i], widths[i]))
            for i in range(1, len(widths))
        )

    def forward(self, x):
        features = [self.stem(x)]
        for stage in self.stages:
            features.append(stage(features[-1]))
        return features  # strides 1, 2, 4, 8, 16


class CoarseNet(nn.Module):
    """Classifier encoder truncated at the bottleneck + 1x1 conv: one class per 16x16 input block."""

    def __init__(self, in_channels: int, mean, std, widths: Sequence[int] = (16, 24, 32, 48, 64),
                 context_layers: int = 2, num_classes: int = 4):
        super().__init__()
        self.normalize = Normalize(mean, std)
        self.encoder = Encoder(in_channels, widths)
        # Dilated convolutions at the bottleneck widen the view to neighbouring cells
        # without further downsampling: a cell's class depends on the cloud around it.
        self.context = nn.Sequential(*[conv_bn_relu(widths[-1], widths[-1], dilation=2) for _ in range(context_layers)])
        self.classify = nn.Conv2d(widths[-1], num_classes, 1)

    def forward(self, x, input_offset=None):
        bottleneck = self.encoder(standardize(self.normalize, x, input_offset))[-1]
        return self.classify(self.context(bottleneck))


class FineNet(nn.Module):
    """A compact U-Net: encoder widths per level, one 3x3 conv per decoder level."""

    def __init__(self, in_channels: int, mean, std, widths: Sequence[int] = (16, 24, 32, 48, 64),
                 decoder_widths: Sequence[int] = (8, 16, 24, 32)):
        super().__init__()
        if len(decoder_widths) != len(widths) - 1:
            raise ValueError("one decoder width per encoder level above the bottleneck")
        self.normalize = Normalize(mean, std)
        self.encoder = Encoder(in_channels, widths)
        # decode[i] fuses the upsampled deeper features with the encoder features of level i.
        deeper = [decoder_widths[i + 1] if i + 1 < len(decoder_widths) else widths[-1]
                  for i in range(len(decoder_widths))]
        self.decode = nn.ModuleList(
            conv_bn_relu(deeper[i] + widths[i], decoder_widths[i]) for i in range(len(decoder_widths))
        )
        self.head = nn.Conv2d(decoder_widths[0], 1, 1)

    def forward(self, x, input_offset=None):
        features = self.encoder(standardize(self.normalize, x, input_offset))
        y = features[-1]
        for level in reversed(range(len(self.decode))):
            y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
            y = self.decode[level](torch.cat([y, features[level]], dim=1))
        return self.head(y)


class AtLowerResolution(nn.Module):
    """``model`` applied to the input block-averaged by ``factor``, logits upsampled back.

    A pixel is nodata when every band is 0 (the engine feeds nodata so); blocks average
    their valid pixels only, so a scene edge does not darken the blocks it cuts. The
    engine's windows start at multiples of the cell size, so the blocks of neighbouring
    windows line up and their crops join without seams.
    """

    def __init__(self, model: nn.Module, factor: int):
        super().__init__()
        if factor < 2:
            raise ValueError("AtLowerResolution needs a factor of 2 or more")
        self.model, self.factor = model, factor

    def forward(self, x, *rest):
        # ``rest``: further inputs passed through unchanged (a sensor-independent model's
        # band descriptors).
        valid = (x.abs().sum(dim=1, keepdim=True) > 0).to(x.dtype)
        block_sum = F.avg_pool2d(x * valid, self.factor)
        block_valid = F.avg_pool2d(valid, self.factor)
        small = block_sum / torch.clamp(block_valid, min=1e-6)
        logits = self.model(small, *rest)
        return F.interpolate(logits, scale_factor=float(self.factor), mode="bilinear", align_corners=False)

"""Sensor-independent coarse and fine models (Francis, "Sensor-Independent Deep Learning for Cloud Masking"):
any set of bands, in any order.

A raster's bands arrive as ``image`` [N, C, H, W] reflectance plus ``band_descriptors``
[C, 2]: each band's centre wavelength and width in micrometres, as the engine feeds
sensor-independent bundles (``cloud_mask_plugin/core/bundle.py``). ``C`` is whatever the
raster has among the bundle's bands.

``BandSetEmbedding`` turns that into a fixed number of feature maps:

1. a small MLP maps each band's descriptor (log wavelength, log width and sines/cosines
   of the log wavelength, so nearby bands can still get different weights) to a scale
   and an offset for each of ``features`` channels;
2. every band's pixels become ``features`` maps ``relu(x * scale + offset)``, followed by
   one 1x1 layer shared by all bands (a ``Conv3d`` with kernel 1 over [N, F, C, H, W], so
   the band axis stays a dynamic dimension in ONNX);
3. the per-band maps are pooled over the band axis, mean and max, giving 2 x
   ``features`` channels whatever ``C`` is and whatever order the bands come in.

The pooled maps then go through the same trunks as the fixed-band models
(``models.CoarseNet`` / ``models.FineNet``), so the cascade geometry is unchanged. The
paper's permutational convolution is O(C^2); this per-band embedding is O(C) and also
invariant to band order by construction.

``ExtraBands`` is the other way to the same interface: a trained fixed-band model keeps
its own bands (blue, green, red, nir, always fed first), and any further bands a raster has
(SWIR, cirrus, red edge...) are added to its own bands' standardised values through a 1 x 1
convolution whose weights for each band a small MLP derives from that band's descriptor
(``BandWeightedSum``); summing over the bands keeps it invariant to their order and count.
The MLP's last layer starts at zero: with no further band, or before training, the model is
the fixed-band one exactly, and only the MLP trains. Unlike ``BandSetEmbedding`` it makes no
per-band feature maps, so it adds little to the base model's time (training/README.md).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn as nn

from .models import CoarseNet, FineNet

# Log-wavelength frequencies of the descriptor's Fourier features: over the optical range
# (0.4 to 2.5 um, log span about 1.8) the highest gives about ten periods, enough to tell
# red-edge bands 40 nm apart.
DESCRIPTOR_FREQUENCIES = (1.0, 2.0, 4.0, 8.0, 16.0)
# Reflectance is centred and scaled once for all bands before the learned per-band affine,
# so the descriptor MLP starts near a sensible normalisation.
REFLECTANCE_CENTRE, REFLECTANCE_SCALE = 0.2, 0.2


def descriptor_features(descriptors: torch.Tensor) -> torch.Tensor:
    """[C, 2] (wavelength, width in um) -> [C, 2 + 2 * len(DESCRIPTOR_FREQUENCIES)]."""
    log_wl = torch.log(descriptors[:, 0:1].clamp(min=1e-3))
    log_width = torch.log(descriptors[:, 1:2].clamp(min=1e-4))
    parts = [log_wl, log_width / 4.0]
    for f in DESCRIPTOR_FREQUENCIES:
        parts += [torch.sin(f * math.pi * log_wl), torch.cos(f * math.pi * log_wl)]
    return torch.cat(parts, dim=1)


def _descriptor_mlp(hidden: int, outputs: int) -> nn.Sequential:
    """A band's descriptor features -> ``outputs`` parameters for that band."""
    return nn.Sequential(
        nn.Linear(2 + 2 * len(DESCRIPTOR_FREQUENCIES), hidden), nn.ReLU(inplace=True),
        nn.Linear(hidden, hidden), nn.ReLU(inplace=True),
        nn.Linear(hidden, outputs),
    )


class BandSetEmbedding(nn.Module):
    """image [N, C, H, W] + descriptors [C, 2] -> [N, 2 * features, H, W], invariant to band order."""

    def __init__(self, features: int = 16, hidden: int = 32):
        super().__init__()
        self.features = features
        self.descriptor_mlp = _descriptor_mlp(hidden, 2 * features)
        self.mix = nn.Conv3d(features, features, 1)
        self.out_channels = 2 * features

    def forward(self, image: torch.Tensor, descriptors: torch.Tensor) -> torch.Tensor:
        params = self.descriptor_mlp(descriptor_features(descriptors))  # [C, 2F]
        scale = params[:, : self.features].t()[None, :, :, None, None]  # [1, F, C, 1, 1]
        offset = params[:, self.features:].t()[None, :, :, None, None]
        x = ((image - REFLECTANCE_CENTRE) / REFLECTANCE_SCALE)[:, None]  # [N, 1, C, H, W]
        per_band = torch.relu(x * scale + offset)
        per_band = torch.relu(self.mix(per_band))  # [N, F, C, H, W]
        return torch.cat([per_band.mean(dim=2), per_band.amax(dim=2)], dim=1)


def _identity_stats(channels: int):
    return [0.0] * channels, [1.0] * channels


class SIFineNet(nn.Module):
    """Band-set embedding + the fixed-band U-Net trunk; one logit per pixel."""

    def __init__(self, features: int = 16, widths: Sequence[int] = (16, 24, 32, 48, 64),
                 decoder_widths: Sequence[int] = (8, 16, 24, 32)):
        super().__init__()
        self.embed = BandSetEmbedding(features)
        # The embedding already normalises, so the trunk's own standardisation is the identity.
        self.trunk = FineNet(self.embed.out_channels, *_identity_stats(self.embed.out_channels),
                             widths, decoder_widths)

    def forward(self, image, band_descriptors):
        return self.trunk(self.embed(image, band_descriptors))


class SICoarseNet(nn.Module):
    """Band-set embedding + the fixed-band coarse trunk; class logits per 16 x 16 input block."""

    def __init__(self, features: int = 16, widths: Sequence[int] = (16, 24, 32, 48, 64),
                 context_layers: int = 2):
        super().__init__()
        self.embed = BandSetEmbedding(features)
        self.trunk = CoarseNet(self.embed.out_channels, *_identity_stats(self.embed.out_channels),
                               widths, context_layers)

    def forward(self, image, band_descriptors):
        return self.trunk(self.embed(image, band_descriptors))


class BandWeightedSum(nn.Module):
    """image [N, C, H, W] + descriptors [C, 2] -> [N, out_channels, H, W]: every band's
    normalised reflectance times ``out_channels`` weights, plus as many offsets, that an MLP
    derives from the band's descriptor, summed over the bands.

    The first ``skipped`` bands are left out (``ExtraBands`` puts a placeholder there, so no
    empty tensor reaches onnxruntime). The MLP's last layer starts at zero, so the output
    does too."""

    def __init__(self, out_channels: int, hidden: int = 32, skipped: int = 0):
        super().__init__()
        self.out_channels, self.skipped = out_channels, skipped
        self.descriptor_mlp = _descriptor_mlp(hidden, 2 * out_channels)
        nn.init.zeros_(self.descriptor_mlp[-1].weight)
        nn.init.zeros_(self.descriptor_mlp[-1].bias)

    def forward(self, image: torch.Tensor, descriptors: torch.Tensor) -> torch.Tensor:
        params = self.descriptor_mlp(descriptor_features(descriptors))  # [C, 2 * out]
        # A mask from the descriptors' own length keeps the band count dynamic in ONNX.
        position = torch.cumsum(torch.ones_like(descriptors[:, 0]), dim=0)
        params = params * (position > self.skipped).to(params.dtype)[:, None]
        weight = params[:, : self.out_channels].t()[:, :, None, None]  # [out, C, 1, 1]
        offset = params[:, self.out_channels:].sum(dim=0)
        return nn.functional.conv2d((image - REFLECTANCE_CENTRE) / REFLECTANCE_SCALE, weight, offset)


class ExtraBands(nn.Module):
    """A trained fixed-band ``FineNet`` or ``CoarseNet`` (``base``, taking the first
    ``base_bands`` fed bands in its own order) that also uses any further bands, through a
    ``BandWeightedSum`` added to the base bands' standardised values (the base's
    ``input_offset``): the further bands shift what the base model sees of its own bands,
    pixel by pixel. Only that sum's MLP trains: the base stays frozen, batch norm included,
    so a raster with the base bands alone gets the base model's answer.

    Added before the first convolution rather than after it, the further bands cost maps of
    the base's band count, not of the stem's width, and the stem keeps constant weights
    (onnxruntime fuses and pre-packs it). Bundle 0.3.0 added 16 values per band to the
    stem's maps instead: the same scores, but about 40 MB more peak memory on a 10980 px
    scene and 15-25 % more time per fine window (benchmarks/README.md, training/README.md)."""

    def __init__(self, base: nn.Module, base_bands: int, hidden: int = 32):
        super().__init__()
        self.base_bands = base_bands
        # The further bands come after one placeholder band that the sum skips: a 4-band
        # input costs one band's work, and no empty tensor reaches onnxruntime.
        self.extra = BandWeightedSum(base_bands, hidden, skipped=1)
        self.trunk = base
        for p in self.trunk.parameters():
            p.requires_grad_(False)

    def train(self, mode: bool = True):
        super().train(mode)
        self.trunk.eval()  # frozen batch-norm statistics
        return self

    def embed(self, image, band_descriptors):
        """(the base bands, the further bands' offset to their standardised values)."""
        n = self.base_bands
        extra_image = torch.cat([torch.zeros_like(image[:, :1]), image[:, n:]], dim=1)
        extra_descriptors = torch.cat([torch.ones_like(band_descriptors[:1]), band_descriptors[n:]], dim=0)
        return image[:, :n], self.extra(extra_image, extra_descriptors)

    def forward(self, image, band_descriptors):
        return self.trunk(*self.embed(image, band_descriptors))


def forward_mixed(model, samples) -> torch.Tensor:
    """Run ``model`` on samples with different band sets in one batch: each sample is
    embedded with its own bands, then the trunk (and its batch norm) sees them all at once.

    ``samples``: sequence of (image [C_i, H, W] tensor, descriptors [C_i, 2] tensor)."""
    embedded = [model.embed(img[None], desc) for img, desc in samples]
    if isinstance(embedded[0], tuple):  # ExtraBands: (base bands, their offset)
        return model.trunk(*(torch.cat(parts) for parts in zip(*embedded)))
    return model.trunk(torch.cat(embedded))

"""Sensor-independent coarse and fine models (seed 003): any set of bands, in any order.

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
seed's permutational convolution is O(C^2); this per-band embedding is O(C) and also
invariant to band order by construction.

``ExtraBands`` is the other way to the same interface: a trained fixed-band model keeps
its own bands (blue, green, red, nir, always fed first), and the embedding pools only the
further bands a raster has (SWIR, cirrus, red edge...), whose maps enter the model's
first convolution through new weights that start at zero. With no further band the
pooled maps are zero and the model is the fixed-band one exactly; only the new weights
are trained.
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


class BandSetEmbedding(nn.Module):
    """image [N, C, H, W] + descriptors [C, 2] -> [N, 2 * features, H, W], invariant to band order."""

    def __init__(self, features: int = 16, hidden: int = 32, pooled_from: int = 0):
        super().__init__()
        self.features = features
        # Bands before this index are left out of the pooling (``ExtraBands`` puts a
        # placeholder there); with no band left the pooled maps are zero.
        self.pooled_from = pooled_from
        n_in = 2 + 2 * len(DESCRIPTOR_FREQUENCIES)
        self.descriptor_mlp = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, 2 * features),
        )
        self.mix = nn.Conv3d(features, features, 1)
        self.out_channels = 2 * features

    def forward(self, image: torch.Tensor, descriptors: torch.Tensor) -> torch.Tensor:
        params = self.descriptor_mlp(descriptor_features(descriptors))  # [C, 2F]
        scale = params[:, : self.features].t()[None, :, :, None, None]  # [1, F, C, 1, 1]
        offset = params[:, self.features:].t()[None, :, :, None, None]
        x = ((image - REFLECTANCE_CENTRE) / REFLECTANCE_SCALE)[:, None]  # [N, 1, C, H, W]
        per_band = torch.relu(x * scale + offset)
        per_band = torch.relu(self.mix(per_band))  # [N, F, C, H, W]
        if not self.pooled_from:
            return torch.cat([per_band.mean(dim=2), per_band.amax(dim=2)], dim=1)
        # A mask from the descriptors' own length, so the band count stays dynamic in ONNX
        # (and no empty tensor reaches onnxruntime when only the leading bands come).
        position = torch.cumsum(torch.ones_like(descriptors[:, 0]), dim=0)
        pooled = (position > self.pooled_from).to(image.dtype)
        per_band = per_band * pooled[None, None, :, None, None]
        mean = per_band.sum(dim=2) / pooled.sum().clamp(min=1.0)
        # ReLU outputs are >= 0, so the zeroed bands never raise the maximum.
        return torch.cat([mean, per_band.amax(dim=2)], dim=1)


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


class _SplitStem(nn.Module):
    """The base model's first convolution on its own bands, plus a new 1 x 1 convolution on
    the pooled maps of the further bands, zero at the start."""

    def __init__(self, base_conv: nn.Conv2d, base_channels: int, extra_channels: int):
        super().__init__()
        self.base_conv, self.base_channels = base_conv, base_channels
        # 1 x 1: the further bands add spectral evidence, and a 3 x 3 convolution over the
        # pooled maps would cost six times the base stem's work on every window.
        self.extra_conv = nn.Conv2d(extra_channels, base_conv.out_channels, 1, stride=base_conv.stride, bias=False)
        nn.init.zeros_(self.extra_conv.weight)

    def forward(self, x):
        return self.base_conv(x[:, :self.base_channels]) + self.extra_conv(x[:, self.base_channels:])


class ExtraBands(nn.Module):
    """A trained fixed-band ``FineNet`` or ``CoarseNet`` (``base``, taking the first
    ``base_bands`` fed bands in its own order) that also uses any further bands through a
    band-set embedding. Only the embedding and the new stem weights train: the base stays
    frozen, batch norm included, so a raster with the base bands alone gets the base
    model's answer."""

    def __init__(self, base: nn.Module, base_bands: int, features: int = 12):
        super().__init__()
        self.base_bands = base_bands
        self.normalize = base.normalize
        # The embedding sees the further bands after one all-zero placeholder band that it
        # leaves out of the pooling: a 4-band input costs one band's maps, and no empty
        # tensor reaches onnxruntime.
        self.extra = BandSetEmbedding(features, pooled_from=1)
        base.normalize = nn.Identity()
        base.encoder.stem[0] = _SplitStem(base.encoder.stem[0], base_bands, self.extra.out_channels)
        self.trunk = base
        for p in self.parameters():
            p.requires_grad_(False)
        for p in list(self.extra.parameters()) + list(base.encoder.stem[0].extra_conv.parameters()):
            p.requires_grad_(True)

    def train(self, mode: bool = True):
        super().train(mode)
        self.trunk.eval()  # frozen batch-norm statistics
        return self

    def embed(self, image, band_descriptors):
        n = self.base_bands
        extra_image = torch.cat([torch.zeros_like(image[:, :1]), image[:, n:]], dim=1)
        extra_descriptors = torch.cat([torch.ones_like(band_descriptors[:1]), band_descriptors[n:]], dim=0)
        return torch.cat([self.normalize(image[:, :n]), self.extra(extra_image, extra_descriptors)], dim=1)

    def forward(self, image, band_descriptors):
        return self.trunk(self.embed(image, band_descriptors))


def forward_mixed(model, samples) -> torch.Tensor:
    """Run ``model`` on samples with different band sets in one batch: each sample is
    embedded with its own bands, then the trunk (and its batch norm) sees them all at once.

    ``samples``: sequence of (image [C_i, H, W] tensor, descriptors [C_i, 2] tensor)."""
    embedded = torch.cat([model.embed(img[None], desc) for img, desc in samples])
    return model.trunk(embedded)

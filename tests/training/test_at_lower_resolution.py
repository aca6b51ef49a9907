"""The fine model computing at a lower resolution than its input (fine.inference_scale)."""
import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from training.models import AtLowerResolution, FineNet


class FirstBand(nn.Module):
    """A stand-in model whose 'logit' is its first input band, to see what it was fed."""

    def forward(self, x):
        return x[:, :1]


def test_blocks_average_only_their_valid_pixels():
    x = torch.zeros(1, 2, 4, 4)
    x[0, :, 0:2, 0:2] = torch.tensor([[0.2, 0.4], [0.6, 0.0]])  # one nodata pixel (all bands 0)
    x[0, :, 0:2, 2:4] = 0.5
    x[0, :, 2:4, :] = 0.0                                        # two nodata blocks
    fed = {}

    class Spy(FirstBand):
        def forward(self, small):
            fed["small"] = small.clone()
            return super().forward(small)

    out = AtLowerResolution(Spy(), 2)(x)
    assert out.shape == (1, 1, 4, 4)
    small = fed["small"][0, 0]
    assert small[0, 0].item() == pytest.approx(0.4)   # (0.2 + 0.4 + 0.6) / 3, not / 4
    assert small[0, 1].item() == pytest.approx(0.5)
    assert torch.all(small[1] == 0)                    # nodata blocks stay 0, as the models expect


def test_equals_the_model_on_block_means_upsampled():
    torch.manual_seed(0)
    model = FineNet(4, [0.1] * 4, [0.05] * 4).eval()
    x = torch.rand(2, 4, 160, 160) + 0.01   # every pixel valid
    with torch.no_grad():
        got = AtLowerResolution(model, 2)(x)
        expected = F.interpolate(model(F.avg_pool2d(x, 2)), scale_factor=2.0, mode="bilinear", align_corners=False)
    assert got.shape == (2, 1, 160, 160)
    assert np.allclose(got.numpy(), expected.numpy(), atol=1e-5)


def test_factor_below_two_is_refused():
    with pytest.raises(ValueError):
        AtLowerResolution(FirstBand(), 1)

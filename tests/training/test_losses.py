"""Coarse loss of Luotamo et al.: adjacency score against hand counts, WCE against hand sums."""
import math

import pytest
import torch
import torch.nn.functional as F

from training.losses import (
    A_MAX, ADJACENCY_EPSILON, adjacency_kernels, adjacency_loss, coarse_loss, discrete_adjacency_score,
    grid_adjacency_score, normalized_adjacency_score, relaxed_adjacency_score, weighted_cross_entropy,
)

A, B, C = 0, 1, 2  # two classes of the pair and one outsider


def pair_onehot(grid, a=A, b=B):
    """[1, 2, m, n] one-hot of classes a and b from a nested list grid."""
    g = torch.tensor(grid)
    return torch.stack([(g == a).float(), (g == b).float()])[None]


def test_twelve_distinct_kernels_each_pairing_two_positions():
    k = adjacency_kernels()
    assert k.shape == (12, 2, 2, 2)
    assert torch.all(k.sum(dim=(1, 2, 3)) == 2)
    assert torch.all(k[:, 0].sum(dim=(1, 2)) == 1) and torch.all(k[:, 1].sum(dim=(1, 2)) == 1)
    assert len({tuple(x.flatten().tolist()) for x in k}) == 12
    # never the same position in both channels
    assert torch.all((k[:, 0] * k[:, 1]).sum(dim=(1, 2)) == 0)


@pytest.mark.parametrize("grid, expected", [
    # checkerboard window: a at 2 positions, b at 2 -> 2 x 2 ordered pairs
    ([[A, B], [B, A]], 4),
    # one window of three a and one b -> 3 pairs
    ([[A, A], [A, B]], 3),
    # a block next to a b block: only the middle window mixes, with 2 a and 2 b -> 4
    ([[A, A, B, B], [A, A, B, B]], 4),
    # a lone b in the middle of a 3x3 of a: each of the 4 windows has 3 a and that b -> 12
    ([[A, A, A], [A, B, A], [A, A, A]], 12),
    # the outsider class C separates a from b: windows with a and b: only the first column pair
    ([[A, C, B], [A, C, B]], 0),
    ([[A, A], [A, A]], 0),
])
def test_discrete_adjacency_score_equals_hand_count(grid, expected):
    assert float(discrete_adjacency_score(pair_onehot(grid))[0]) == expected
    # the score counts unordered adjacencies: swapping the pair gives the same number
    assert float(discrete_adjacency_score(pair_onehot(grid, B, A))[0]) == expected


def test_normalized_score_divides_by_grid_size_and_a_max():
    grid = [[A, A, A], [A, B, A], [A, A, A]]
    assert A_MAX == 4
    assert float(normalized_adjacency_score(pair_onehot(grid))[0]) == pytest.approx(12 / (3 * 3 * 4))


def test_relaxed_score_on_exact_one_hot_is_the_count_times_one_minus_epsilon():
    grid = [[A, A, B, B], [A, A, B, B]]
    # each adjacency contributes ReLU(2 - (1 + eps)) = 1 - eps, non-adjacent responses (<= 1) nothing
    assert float(relaxed_adjacency_score(pair_onehot(grid))[0]) == pytest.approx(4 * (1 - ADJACENCY_EPSILON))


def test_grid_adjacency_score_uses_named_classes():
    # cloudless = 0, overcast = 1 in the bundle's class order; partly cloudy = 2 between them
    direct = torch.tensor([[[0, 1], [0, 1]]])
    separated = torch.tensor([[[0, 2, 1], [0, 2, 1]]])
    assert float(grid_adjacency_score(direct, "overcast", "cloudless")[0]) == pytest.approx(4 / (2 * 2 * 4))
    assert float(grid_adjacency_score(separated, "overcast", "cloudless")[0]) == 0.0


def test_weighted_cross_entropy_matches_hand_computation():
    probs = torch.tensor([0.7, 0.1, 0.15, 0.05]).view(1, 4, 1, 1)
    target = torch.tensor([[[0]]])
    alpha = [0.1, 0.2, 0.4, 0.3]
    beta = [1.0, 1.0, 0.5, 2.0]
    # Eq. 2 by hand for one cell of class 0:
    #   class 0 (y=1): alpha_0 * log(0.7)
    #   class k (y=0): alpha_k * beta_k * log(1 - p_k)
    expected = -(0.1 * math.log(0.7) + 0.2 * 1.0 * math.log(0.9) + 0.4 * 0.5 * math.log(0.85)
                 + 0.3 * 2.0 * math.log(0.95))
    got = weighted_cross_entropy(probs, target, alpha, beta)
    assert got.shape == (1,)
    assert float(got[0]) == pytest.approx(expected, rel=1e-5)


def test_weighted_cross_entropy_sums_over_cells():
    probs = torch.tensor([[0.6, 0.2], [0.2, 0.5], [0.1, 0.2], [0.1, 0.1]]).view(1, 4, 1, 2)
    target = torch.tensor([[[0, 1]]])
    alpha, beta = [0.25] * 4, [1.0] * 4
    cell0 = 0.25 * (math.log(0.6) + math.log(0.8) + math.log(0.9) + math.log(0.9))
    cell1 = 0.25 * (math.log(0.8) + math.log(0.5) + math.log(0.8) + math.log(0.9))
    assert float(weighted_cross_entropy(probs, target, alpha, beta)[0]) == pytest.approx(-(cell0 + cell1), rel=1e-5)


def test_adjacency_loss_is_zero_for_the_truth_and_counts_missing_borders():
    truth = torch.tensor([[[0, 2, 1, 1], [0, 2, 1, 1]]])  # cloudless | partly | overcast
    perfect = F.one_hot(truth, 4).permute(0, 3, 1, 2).float()
    assert float(adjacency_loss(perfect, truth)[0]) == pytest.approx(0.0)
    # a prediction without the partly cloudy border: cloudless directly next to overcast
    no_border = F.one_hot(torch.tensor([[[0, 0, 1, 1], [0, 0, 1, 1]]]), 4).permute(0, 3, 1, 2).float()
    s = 1 - ADJACENCY_EPSILON
    # overcast/cloudless: truth 0, prediction 4 adjacencies; overcast/partly: truth 4, prediction 0;
    # cloudless/partly: truth 4, prediction 0
    expected = 0.75 * (4 * s) ** 2 + 0.125 * (4 * s) ** 2 + 0.125 * (4 * s) ** 2
    assert float(adjacency_loss(no_border, truth)[0]) == pytest.approx(expected, rel=1e-5)


def test_coarse_loss_adjacency_term_passes_gradients():
    torch.manual_seed(0)
    truth = torch.tensor([[[0, 2, 1, 1], [0, 2, 1, 1]]])
    # confident logits for a prediction that puts overcast next to cloudless
    logits = (F.one_hot(torch.tensor([[[0, 0, 1, 1], [0, 0, 1, 1]]]), 4).permute(0, 3, 1, 2).float() * 5.0)
    logits.requires_grad_(True)
    parts = coarse_loss(logits, truth, [0.25] * 4, [1.0] * 4, gamma=1.0, temperature=0.1)
    parts["adjacency"].backward()
    assert float(parts["adjacency"].detach()) > 0
    assert logits.grad is not None and float(logits.grad.abs().sum()) > 0
    # with gamma 0 the total is the weighted cross-entropy alone
    parts0 = coarse_loss(logits.detach(), truth, [0.25] * 4, [1.0] * 4, gamma=0.0)
    assert float(parts0["loss"]) == pytest.approx(float(parts0["wce"]))

"""The coarse model's loss (Eq. 1-6) and the adjacency score of Luotamo, Metsämäki and Klami,
"Multi-scale Cloud Detection in Remote Sensing Images using a Dual Convolutional Neural Network".

    L = gamma * L_adj + L_wce                                                     (Eq. 1)
    L_wce = - sum_k alpha_k sum_ij [ y_ijk log p_ijk + beta_k (1 - y_ijk) log(1 - p_ijk) ]  (Eq. 2)
    L_adj = (S'_d(y) - S'_d(p))^2, one term per class pair, weighted               (Eq. 3)

The discrete adjacency score S_d (Eq. 4) counts, for two classes a and b, the places
where a pixel of class a and a pixel of class b sit in the same 2x2 window. It is a
convolution of the two one-hot channels with twelve 2x2 kernels, one per ordered pair of
distinct window positions (a at one, b at the other); a kernel answers 2 exactly where
both of its positions hold their class. S_dn (Eq. 5) divides by the grid size m * n and
by A_max = 4, the most kernels that can fire in one window.

For training the indicator 1[. = 2] becomes ReLU(. - (1 + eps)) (Eq. 6) and the one-hot
of the prediction a continuous relaxation. The supplement's relaxation,
``-(sign(max(x) - x) - 1)``, is exactly one-hot and has zero gradient everywhere, so it
would give the network no signal; here the relaxation is a sharpened softmax,
softmax(logits / temperature), whose values approach {0 + rho, 1 - rho} and still sum to 1
as Eq. 6 asks, and which passes gradients.
"""
from __future__ import annotations

from typing import Dict, Sequence, Tuple

import torch
import torch.nn.functional as F

from cloud_mask_plugin.core.bundle import COARSE_CLASSES

A_MAX = 4
ADJACENCY_EPSILON = 0.001

# The paper's per-pair weights (Section V-D): overcast next to cloudless is the adjacency
# that matters (it means a missed cloud edge); the pairs with partly cloudy weigh less.
DEFAULT_PAIR_WEIGHTS: Tuple[Tuple[str, str, float], ...] = (
    ("overcast", "cloudless", 0.75),
    ("overcast", "partly_cloudy", 0.125),
    ("cloudless", "partly_cloudy", 0.125),
)


def adjacency_kernels(dtype=torch.float32) -> torch.Tensor:
    """The twelve 2x2 kernels over two input channels, shape [12, 2, 2, 2]."""
    positions = [(0, 0), (0, 1), (1, 0), (1, 1)]
    kernels = []
    for first in positions:
        for second in positions:
            if first == second:
                continue
            k = torch.zeros(2, 2, 2, dtype=dtype)
            k[0][first] = 1.0  # class a at the first position
            k[1][second] = 1.0  # class b at the second
            kernels.append(k)
    return torch.stack(kernels)


def _pair_response(pair: torch.Tensor) -> torch.Tensor:
    """Kernel responses [N, 12, m-1, n-1] for a two-channel one-hot (or relaxed) grid [N, 2, m, n]."""
    return F.conv2d(pair, adjacency_kernels(pair.dtype).to(pair.device))


def discrete_adjacency_score(onehot_pair: torch.Tensor) -> torch.Tensor:
    """S_d (Eq. 4) per image: count of kernel responses equal to 2. Input [N, 2, m, n] of 0/1."""
    response = _pair_response(onehot_pair.float())
    return (response > 1.5).sum(dim=(1, 2, 3)).float()


def normalized_adjacency_score(onehot_pair: torch.Tensor) -> torch.Tensor:
    """S_dn (Eq. 5) per image: S_d / (m * n * A_max)."""
    m, n = onehot_pair.shape[-2:]
    return discrete_adjacency_score(onehot_pair) / (m * n * A_MAX)


def relaxed_adjacency_score(pair: torch.Tensor, epsilon: float = ADJACENCY_EPSILON) -> torch.Tensor:
    """S'_d (Eq. 6) per image: sum of ReLU(response - (1 + epsilon))."""
    return F.relu(_pair_response(pair) - (1.0 + epsilon)).sum(dim=(1, 2, 3))


def class_index(name: str) -> int:
    return COARSE_CLASSES.index(name)


def grid_adjacency_score(classes: torch.Tensor, a: str, b: str) -> torch.Tensor:
    """S_dn between classes ``a`` and ``b`` of integer class grids [N, m, n]."""
    onehot = F.one_hot(classes.long(), len(COARSE_CLASSES)).permute(0, 3, 1, 2).float()
    return normalized_adjacency_score(onehot[:, [class_index(a), class_index(b)]])


def weighted_cross_entropy(probs: torch.Tensor, target: torch.Tensor, alpha: Sequence[float],
                           beta: Sequence[float], eps: float = 1e-7) -> torch.Tensor:
    """L_wce (Eq. 2) per image, summed over classes and cells. ``probs`` [N, C, m, n] class
    probabilities, ``target`` [N, m, n] class indices; ``alpha``, ``beta`` one per class."""
    num_classes = probs.shape[1]
    y = F.one_hot(target.long(), num_classes).permute(0, 3, 1, 2).to(probs.dtype)
    a = torch.as_tensor(alpha, dtype=probs.dtype, device=probs.device).view(1, -1, 1, 1)
    b = torch.as_tensor(beta, dtype=probs.dtype, device=probs.device).view(1, -1, 1, 1)
    p = probs.clamp(eps, 1.0 - eps)
    per_cell = y * torch.log(p) + b * (1.0 - y) * torch.log(1.0 - p)
    return -(a * per_cell).sum(dim=(1, 2, 3))


def adjacency_loss(relaxed: torch.Tensor, target: torch.Tensor,
                   pair_weights: Sequence[Tuple[str, str, float]] = DEFAULT_PAIR_WEIGHTS,
                   epsilon: float = ADJACENCY_EPSILON) -> torch.Tensor:
    """L_adj (Eq. 3) per image: sum over class pairs of weight * (S'_d(y) - S'_d(p))^2.

    ``relaxed`` [N, C, m, n] is the relaxed one-hot of the prediction, ``target`` the
    ground truth class indices; the ground truth's score uses its exact one-hot.
    """
    num_classes = relaxed.shape[1]
    y = F.one_hot(target.long(), num_classes).permute(0, 3, 1, 2).to(relaxed.dtype)
    total = torch.zeros(relaxed.shape[0], dtype=relaxed.dtype, device=relaxed.device)
    for a, b, weight in pair_weights:
        idx = [class_index(a), class_index(b)]
        diff = relaxed_adjacency_score(y[:, idx], epsilon) - relaxed_adjacency_score(relaxed[:, idx], epsilon)
        total = total + weight * diff ** 2
    return total


def coarse_loss(logits: torch.Tensor, target: torch.Tensor, alpha: Sequence[float], beta: Sequence[float],
                gamma: float, temperature: float = 0.1,
                pair_weights: Sequence[Tuple[str, str, float]] = DEFAULT_PAIR_WEIGHTS) -> Dict[str, torch.Tensor]:
    """Eq. 1 for a batch: per image gamma * L_adj + L_wce, averaged over the batch and divided
    by the number of cells, so that the learning rate does not depend on the grid size.

    Returns the total and its two parts (same scaling) for logging.
    """
    cells = target.shape[-2] * target.shape[-1]
    probs = torch.softmax(logits, dim=1)
    wce = weighted_cross_entropy(probs, target, alpha, beta).mean() / cells
    if gamma:
        adj = adjacency_loss(torch.softmax(logits / temperature, dim=1), target, pair_weights).mean() / cells
    else:
        adj = torch.zeros((), dtype=logits.dtype)
    return {"loss": gamma * adj + wce, "wce": wce, "adjacency": adj}

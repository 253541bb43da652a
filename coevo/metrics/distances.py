"""Distances between sets of feature vectors: Fréchet distance, KID, and k-NN precision / recall."""

from __future__ import annotations

import numpy as np
import torch


def _as64(features: torch.Tensor | np.ndarray) -> np.ndarray:
    return np.asarray(features.detach().cpu() if isinstance(features, torch.Tensor) else features, dtype=np.float64)


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(real: torch.Tensor | np.ndarray, fake: torch.Tensor | np.ndarray) -> float:
    """||mu_r - mu_f||² + Tr(S_r + S_f - 2 (S_r S_f)^½) between Gaussians fitted to two feature sets (FID)."""
    a, b = _as64(real), _as64(fake)
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrt_psd(cov_a)
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0.0, None)).sum()  # Tr (S_a S_b)^½
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2.0 * cross)


def kernel_inception_distance(real: torch.Tensor | np.ndarray, fake: torch.Tensor | np.ndarray,
                              subsets: int = 10, subset_size: int = 1000) -> float:
    """Unbiased MMD² with the cubic polynomial kernel (Bińkowski et al. 2018), averaged over fixed subsets."""
    a, b = _as64(real), _as64(fake)
    m = min(subset_size, len(a), len(b))
    choice = np.random.RandomState(0)  # fixed subsets: the metric must not depend on, or move, the run's RNG
    total = 0.0
    for _ in range(subsets):
        x, y = a[choice.choice(len(a), m, replace=False)], b[choice.choice(len(b), m, replace=False)]
        k_xx, k_yy, k_xy = ((x @ x.T / a.shape[1] + 1) ** 3, (y @ y.T / a.shape[1] + 1) ** 3,
                            (x @ y.T / a.shape[1] + 1) ** 3)
        off = m * (m - 1)
        total += (k_xx.sum() - np.trace(k_xx)) / off + (k_yy.sum() - np.trace(k_yy)) / off - 2 * k_xy.mean()
    return float(total / subsets)


def _radii(features: torch.Tensor, k: int) -> torch.Tensor:
    """Distance from each vector to its k-th nearest neighbour within the same set."""
    distances = torch.cdist(features, features)
    return distances.kthvalue(k + 1, dim=1).values  # +1: the point itself at distance 0


def _covered(points: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """Which points lie inside at least one centre's k-NN ball."""
    return (torch.cdist(points, centres) <= radii[None, :]).any(dim=1)


def precision_recall(real: torch.Tensor | np.ndarray, fake: torch.Tensor | np.ndarray,
                     k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019): manifolds as unions of k-NN balls.

    Precision: the share of fake samples inside the real manifold; recall: the share of real samples
    inside the fake manifold.
    """
    a, b = torch.from_numpy(_as64(real)), torch.from_numpy(_as64(fake))
    if min(len(a), len(b)) <= k:
        raise ValueError(f"precision/recall with k={k} needs more than {k} samples of each kind")
    precision = _covered(b, a, _radii(a, k)).double().mean().item()
    recall = _covered(a, b, _radii(b, k)).double().mean().item()
    return precision, recall


def density_coverage(real: torch.Tensor | np.ndarray, fake: torch.Tensor | np.ndarray,
                     k: int = 5) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020) over the real samples' k-NN balls B(x_i, r_i), r_i the distance
    from x_i to its k-th nearest other real sample.

    Density: (1 / kM) Σ_j Σ_i 1[y_j ∈ B(x_i, r_i)], how many real balls each fake sample lies in, over k
    (about 1 when fake matches real; above 1 where fakes crowd dense regions). Coverage: the share of real samples
    whose ball holds at least one fake sample. Unlike recall, neither counts balls around outlying fakes.
    """
    a, b = torch.from_numpy(_as64(real)), torch.from_numpy(_as64(fake))
    if len(a) <= k or len(b) == 0:
        raise ValueError(f"density/coverage with k={k} needs more than {k} real samples and a fake one")
    exact = "donot_use_mm_for_euclid_dist"  # exact differences, not |x|² + |y|² - 2xy: no rounding at the balls' edge
    radii = torch.cdist(a, a, compute_mode=exact).kthvalue(k + 1, dim=1).values  # +1: the point itself at 0
    inside = torch.cdist(a, b, compute_mode=exact) < radii[:, None]  # (real, fake); strict, as the prdc package
    return float(inside.sum(0).double().mean() / k), float(inside.any(1).double().mean())


def class_histogram(labels: torch.Tensor, classes: int) -> torch.Tensor:
    """Share of each class among predicted labels."""
    counts = torch.bincount(labels.long().flatten(), minlength=classes)[:classes].double()
    return counts / max(1.0, float(counts.sum()))


def mode_coverage(fake_labels: torch.Tensor, classes: int, min_share: float = 0.1) -> float:
    """Share of classes the generator makes at least ``min_share`` of their fair share (1/classes) of."""
    return float((class_histogram(fake_labels, classes) >= min_share / classes).double().mean())


def total_variation(real_labels: torch.Tensor, fake_labels: torch.Tensor, classes: int) -> float:
    """Total-variation distance ½ Σ|p - q| between the class histograms of real and generated images."""
    return float(0.5 * (class_histogram(real_labels, classes) - class_histogram(fake_labels, classes)).abs().sum())


def critic_accuracy(real_scores: torch.Tensor, fake_scores: torch.Tensor, threshold: float = 0.0) -> float:
    """Balanced accuracy of a critic calling a score above ``threshold`` real: 0.5 = fooled, 1.0 = never fooled.

    Logit and hinge critics use 0; a Wasserstein critic has no fixed zero, so pass e.g. the median score.
    """
    real_ok = (real_scores.detach().float() > threshold).double().mean()
    fake_ok = (fake_scores.detach().float() <= threshold).double().mean()
    return float((real_ok + fake_ok) / 2)

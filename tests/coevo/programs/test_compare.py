"""An evolutionary artist's sample in a comparison: recent images, one per near-copy group when asked."""

from __future__ import annotations

import pytest
import torch

from coevo.programs.compare import RecentImages


def flat(values: list[float]) -> torch.Tensor:
    """One 1×4×4 image per value, every pixel that value."""
    return torch.tensor(values).reshape(-1, 1, 1, 1).expand(-1, 1, 4, 4).clone()


def test_exact_repeats_count_once_and_move_to_the_newest_place() -> None:
    recent = RecentImages(3)
    recent.add(flat([0.0, 0.5, 0.0, 0.9, 0.95]))
    assert recent.images()[:, 0, 0, 0].tolist() == pytest.approx([0.0, 0.9, 0.95])  # 0.5 fell off; 0.0 moved up


def test_near_copies_count_once_the_newest_kept_and_the_rest_pairwise_apart() -> None:
    recent = RecentImages(10, near=0.05)
    recent.add(flat([0.0, 0.5, 0.02, -0.5]))
    recent.add(flat([0.52, 0.9]))
    kept = recent.images()[:, 0, 0, 0].tolist()
    assert kept == pytest.approx([0.02, -0.5, 0.52, 0.9])  # 0.02 replaced 0.0, 0.52 replaced 0.5, order oldest first
    images = recent.images().flatten(1)
    apart = torch.cdist(images, images, p=1) / images.shape[1] + torch.eye(len(images))
    assert bool((apart >= 0.05).all())


def test_near_copies_keep_at_most_n_and_survive_a_checkpoint() -> None:
    recent = RecentImages(3, near=0.05)
    recent.add(flat([0.1 * i for i in range(8)]))
    assert recent.images()[:, 0, 0, 0].tolist() == pytest.approx([0.5, 0.6, 0.7])
    again = RecentImages(3, near=0.05)
    again.load_state_dict(recent.state_dict())
    assert torch.equal(again.images(), recent.images()) and len(again) == 3


def test_a_lineage_of_small_mutations_counts_once_and_an_unrelated_one_again() -> None:
    generator = torch.Generator().manual_seed(0)
    first, second = (torch.rand(1, 1, 8, 8, generator=generator) * 2 - 1 for _ in range(2))
    recent = RecentImages(100, near=0.05)
    for i in range(40):  # each child 0.01 from its parent: the newest stands for the lineage
        recent.add(first + 0.01 * i)
        recent.add(second - 0.01 * i)
    assert len(recent) == 2 and torch.equal(recent.images()[0], (first + 0.39)[0])
    assert len(RecentImages(100)) == 0

"""The fake-image pools (coevo/fakes.py): latest, champions, replay, negatives, and their state."""

import pytest
import torch

from coevo.fakes import FakePool
from coevo.protocols import Proposal


def proposal(value: float, n: int = 4) -> Proposal:
    return Proposal(images=torch.full((n, 1, 2, 2), value))


def test_latest_only_samples_the_current_proposal() -> None:
    pool = FakePool("latest")
    for v in (0.1, 0.2):
        pool.observe(proposal(v))
        pool.crown(proposal(v), torch.arange(4.0))
    assert torch.all(pool.sample(16) == 0.2)
    assert len(pool) == 0


def test_gallery_keeps_every_rounds_champions_forever() -> None:
    pool = FakePool("champions", champions=2)
    for r in range(5):
        p = Proposal(images=torch.arange(4.0).view(4, 1, 1, 1) + 10 * r)
        pool.observe(p)
        pool.crown(p, torch.arange(4.0))
    assert len(pool) == 10
    assert sorted(pool.kept.flatten().tolist()) == sorted([10 * r + k for r in range(5) for k in (2, 3)])
    assert set(pool.sample(500).flatten().tolist()) <= set(pool.kept.flatten().tolist()) | {40.0, 41.0, 42, 43}


def test_replay_is_a_ring_buffer() -> None:
    pool = FakePool("replay", capacity=6)
    for r in range(4):
        p = proposal(float(r), n=4)
        pool.observe(p)
        pool.crown(p, torch.zeros(4))
    assert len(pool) == 6
    assert sorted(pool.kept.flatten().unique().tolist()) == [2.0, 3.0]
    state = pool.state_dict()
    other = FakePool("latest")
    other.load_state_dict(state)
    assert other.policy == "replay" and torch.equal(other.kept, pool.kept)


def test_an_unknown_policy_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="latest, champions, replay"):
        FakePool("everything")


def test_the_old_name_gallery_still_reads_as_champions() -> None:
    """Wave-1 configs and checkpoints say ``gallery``; they keep resuming."""
    assert FakePool("gallery").policy == "champions"
    pool = FakePool("champions")
    pool.load_state_dict({"policy": "gallery", "capacity": 512, "champions": 1, "kept": None, "cursor": 0})
    assert pool.policy == "champions"


def test_negatives_start_as_one_blank_image_and_gain_only_the_crowned() -> None:
    pool = FakePool("negatives", champions=2)
    first = Proposal(images=torch.arange(4.0).view(4, 1, 1, 1) - 1, ids=[0, 1, 2, 3])
    pool.observe(first)
    assert pool.pool().flatten().tolist() == [1.0]  # the blank (white) canvas, not the artist's images
    pool.crown(first, torch.tensor([0.0, 3.0, 1.0, 2.0]))
    assert pool.pool().flatten().tolist() == [1.0, 0.0, 2.0]  # the two best, by score
    second = Proposal(images=torch.arange(4.0).view(4, 1, 1, 1) + 10, ids=[1, 5, 6, 7])
    pool.observe(second)
    pool.crown(second, torch.tensor([9.0, 1.0, 2.0, 0.0]))  # id 1 is kept already: the next best join
    assert pool.pool().flatten().tolist() == [1.0, 0.0, 2.0, 12.0, 11.0]
    assert set(pool.sample(100).flatten().tolist()) <= {1.0, 0.0, 2.0, 12.0, 11.0}

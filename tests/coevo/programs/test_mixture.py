"""The mixture artist: weights respected, latents that keep their member, determinism, a registered artist."""

from __future__ import annotations

import torch

from coevo.programs.mixture import MixtureArtist, normalised, pick
from coevo.rng import Generators, using


def mixture(weights: list[float]) -> MixtureArtist:
    with using(Generators()) as generators:
        generators.seed(0)
        made = MixtureArtist((1, 28, 28), batch=8, member="mlpgan", members=len(weights))
    made.set_weights(weights)
    return made


def test_the_selector_coordinate_draws_each_member_at_its_weight():
    weights = torch.tensor([0.1, 0.0, 0.6, 0.3], dtype=torch.float64)
    chosen = pick(torch.randn(200_000, generator=torch.Generator().manual_seed(0)), weights)
    shares = torch.bincount(chosen, minlength=4).double() / len(chosen)
    assert torch.allclose(shares, weights, atol=0.005)
    assert shares[1] == 0  # a zero weight is never drawn


def test_weights_are_normalised_and_bad_ones_fall_back_to_uniform():
    assert torch.allclose(normalised(torch.tensor([2.0, -1.0, 2.0])), torch.tensor([0.5, 0.0, 0.5]).double())
    assert torch.allclose(normalised(torch.tensor([0.0, float("nan")])), torch.tensor([0.5, 0.5]).double())


def test_each_image_comes_from_the_member_its_latent_picks():
    made = mixture([0.5, 0.5])
    z = torch.randn(16, made.nz, generator=torch.Generator().manual_seed(1))
    images = made.generate(z)
    chosen = pick(z[:, 0], made.weights)
    for k, member in enumerate(made.members):
        rows = chosen == k
        assert rows.any()
        assert torch.equal(images[rows], member.generate(z[rows, 1:]))
    made.set_weights([0.0, 1.0])  # all weight on member 1: every image is its
    assert torch.equal(made.generate(z), made.members[1].generate(z[:, 1:]))


def test_sampling_is_deterministic_in_the_run_generators_and_state_round_trips():
    made = mixture([0.2, 0.8])
    with using(Generators()) as generators:
        generators.seed(5)
        first = made.sample(40)
    with using(Generators()) as generators:
        generators.seed(5)
        again = made.sample(40)
    assert torch.equal(first, again) and first.shape == (40, 1, 28, 28)
    copy = mixture([1.0, 0.0])
    copy.load_state_dict(made.state_dict())
    assert torch.equal(copy.weights, made.weights)
    z = torch.randn(8, made.nz, generator=torch.Generator().manual_seed(2))
    assert torch.equal(copy.generate(z), made.generate(z))


def test_the_mixture_is_a_registered_artist_built_like_any_other():
    from dataclasses import replace

    from coevo.programs.build import build_artist
    from coevo.protocols import LatentGenerator
    from coevo.training.config import RunConfig

    config = replace(RunConfig(), artist="mixture", size=28, pop=8, batch=8,
                     artist_options={"member": "mlpgan", "members": 3})
    with using(Generators()):
        artist = build_artist(config, (1, 28, 28), torch.device("cpu"))
    assert isinstance(artist, MixtureArtist) and isinstance(artist, LatentGenerator)
    assert len(artist.members) == 3 and artist.ask().images.shape == (8, 1, 28, 28)
    assert artist.tell(artist.ask(), torch.zeros(8)) == {}  # fixed: the grid trains its members

"""The evolutionary artist (coevo/evolution/ga.py): improvement, descent, stale proposals, state, non-finite scores."""

import math
import random

import torch

from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players, play_round
from coevo.rng import seed_everything
from tests.toys import BrightnessCritic, ToyGenetics


def make_artist(pop: int = 16) -> EvolutionaryArtist:
    return EvolutionaryArtist(ToyGenetics(), EvolutionConfig(pop=pop, size=8))


def test_evolutionary_artist_improves_against_fixed_critic() -> None:
    seed_everything(1)
    artist, critic = make_artist(), BrightnessCritic()
    fakes, cfg = FakePool("latest"), LoopConfig()
    first = critic.score(artist.ask().images).max().item()
    for _ in range(25):
        played = play_round(Players(artist, critic, None, fakes, cfg))
    scores, metrics = played.scores, played.metrics
    assert metrics["fitness_best"] > first + 0.3
    assert scores.mean().item() > 0.5


def test_children_descend_from_the_judged_generation() -> None:
    seed_everything(2)
    artist = make_artist()
    before = artist.ask()
    artist.tell(before, torch.arange(16, dtype=torch.float32))
    after = artist.ask()
    assert after.ids[0] == before.ids[15]  # the elite is the best, unchanged
    assert after.genomes[0] == before.genomes[15]
    judged = set(before.ids)
    assert all(p in judged for parents in after.parents[1:] for p in parents)
    assert len(set(after.ids[1:]) & judged) == 0


def test_tell_rejects_a_stale_proposal() -> None:
    seed_everything(3)
    artist = make_artist()
    old = artist.ask()
    artist.tell(old, torch.zeros(16))
    try:
        artist.tell(old, torch.zeros(16))
    except RuntimeError as exc:
        assert "ask()" in str(exc)
    else:
        raise AssertionError("a stale proposal was accepted")


def test_state_dict_round_trip_continues_identically() -> None:
    seed_everything(4)
    a = make_artist()
    a.tell(a.ask(), torch.rand(16))
    state, rstate = a.state_dict(), random.getstate()
    b = make_artist()
    b.load_state_dict(state)
    a.tell(a.ask(), torch.linspace(0, 1, 16))
    random.setstate(rstate)
    b.tell(b.ask(), torch.linspace(0, 1, 16))
    assert a.state_dict() == b.state_dict()


def test_non_finite_scores_rank_last() -> None:
    seed_everything(5)
    artist = make_artist(4)
    proposal = artist.ask()
    artist.tell(proposal, torch.tensor([float("nan"), 0.0, float("inf"), 1.0]))
    assert artist.ask().ids[0] == proposal.ids[3]


def test_tournament_draws_as_random_choice() -> None:
    """The tournament writes ``Random.choice`` out: the same winners (the first fittest of each draw, ties
    included) and the generator left in the same state as DEAP's ``max`` over ``choice`` draws."""
    from coevo.evolution.ga import Individual, tournament

    for count in (1, 2, 3, 7, 8, 9, 256, 300):
        people = [Individual(None, i, (), float(i % 5) if i % 3 else -math.inf) for i in range(count)]
        for size in (1, 2, 3, 7):
            ours, theirs = random.Random(count * 10 + size), random.Random(count * 10 + size)
            winners = tournament(ours, people, 9, size)
            expected = [max([theirs.choice(people) for _ in range(size)], key=lambda ind: ind.fitness)
                        for _ in range(9)]
            assert [w.id for w in winners] == [e.id for e in expected]
            assert ours.getstate() == theirs.getstate()

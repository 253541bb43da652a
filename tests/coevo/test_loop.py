"""The co-evolution loop (coevo/loop.py): warm-up, hooks, limits, labels and per-class scores through the seam."""

import pytest
import torch

from coevo.fakes import FakePool
from coevo.loop import Hook, LoopConfig, Players, Progress, Round, Stop, StopGame, coevolve, judge, play_round, warm_up
from coevo.protocols import Proposal
from coevo.rng import seed_everything
from coevo.schedules import EveryRound
from tests.toys import TinyCritic, TinyGenerator


def test_gradient_artist_trains_through_the_same_loop() -> None:
    seed_everything(0)
    shape = (1, 4, 4)
    real = lambda n: torch.full((n, *shape), 0.6) + 0.05 * torch.randn(n, *shape)  # noqa: E731
    artist, critic = TinyGenerator(shape, batch=32, lr=0.02), TinyCritic(shape, lr=0.02)
    players = Players(artist, critic, real, FakePool("latest"), LoopConfig(critic_steps=1, batch=32))
    start = artist.ask().images.mean().item()
    for _ in range(300):
        metrics = play_round(players).metrics
    end = artist.ask().images.detach().mean().item()
    assert abs(start - 0.6) > 0.3
    assert abs(end - 0.6) < 0.15
    assert {"critic_loss", "artist_loss", "score_mean"} <= metrics.keys()


def test_critic_learns_k_times_per_round_and_progress_counts_it() -> None:
    seed_everything(0)
    shape = (1, 4, 4)
    calls = []
    critic = TinyCritic(shape)
    learn = critic.learn
    critic.learn = lambda r, f: calls.append(1) or learn(r, f)
    players = Players(TinyGenerator(shape, batch=8), critic, lambda n: torch.zeros(n, *shape), FakePool(),
                      LoopConfig(critic_steps=3, batch=8))
    progress = coevolve(players, EveryRound(), Stop(rounds=2))
    assert len(calls) == 6
    assert (progress.rounds, progress.images, progress.critic_updates) == (2, 16, 6)


class Rows(Hook):
    def __init__(self) -> None:
        self.started: list[int] = []
        self.rows: list[int] = []

    def on_round_start(self, progress: Progress) -> None:
        self.started.append(progress.rounds)

    def on_round_end(self, played: Round, progress: Progress) -> None:
        assert progress.rounds == played.index + 1
        self.rows.append(played.index)


def tiny_players(warmup: int = 0) -> Players:
    shape = (1, 4, 4)
    return Players(TinyGenerator(shape, batch=8), TinyCritic(shape), lambda n: torch.ones(n, *shape),
                   FakePool("latest"), LoopConfig(batch=8, warmup=warmup))


def test_warm_up_then_hooks_see_every_round_from_the_progress_on() -> None:
    seed_everything(0)
    players = tiny_players(warmup=20)
    before = players.critic.score(torch.ones(1, 1, 4, 4)).item()
    progress = Progress(rounds=5)
    warm_up(players, progress)
    assert players.critic.score(torch.ones(1, 1, 4, 4)).item() > before
    assert progress.critic_updates == 20
    rows = Rows()
    coevolve(players, EveryRound(), Stop(rounds=8), progress, [rows])
    assert rows.rows == rows.started == [5, 6, 7]


@pytest.mark.parametrize(("stop", "rounds"), [(Stop(rounds=3), 3), (Stop(images=20), 3), (Stop(critic_updates=4), 4),
                                              (Stop(rounds=10, images=16), 2)])
def test_the_first_limit_reached_stops(stop: Stop, rounds: int) -> None:
    seed_everything(0)
    assert coevolve(tiny_players(), EveryRound(), stop).rounds == rounds


def test_stop_game_ends_the_game_on_request_counting_whole_rounds_only() -> None:
    class Quits(EveryRound):
        def play(self, players: Players, progress: Progress) -> Round:
            if progress.rounds == 2:
                raise StopGame
            return super().play(players, progress)

    seed_everything(0)
    rows = Rows()
    progress = coevolve(tiny_players(), Quits(), Stop(), hooks=[rows])
    assert progress.rounds == 2 and rows.rows == [0, 1] and rows.started == [0, 1, 2]


def test_a_time_budget_counts_play_but_not_hooks() -> None:
    import time

    class Slow(Hook):
        spent = 0.0

        def on_round_end(self, played: Round, progress: Progress) -> None:
            began = time.perf_counter()
            time.sleep(0.02)
            self.spent += time.perf_counter() - began

    seed_everything(0)
    slow, began = Slow(), time.perf_counter()
    progress = coevolve(tiny_players(), EveryRound(), Stop(rounds=5), hooks=[slow])
    wall = time.perf_counter() - began
    assert 0 < progress.seconds <= wall - slow.spent  # whatever the load: the hooks' own time is left out


class Labelled(TinyCritic):
    """A critic that takes labels: it remembers what it was given."""

    seen: list[str]

    def score_labelled(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.seen.append("score_labelled")
        return self.score(images) + labels.float()

    def learn_labelled(self, real, real_labels, fake, fake_labels):
        self.seen.append("learn_labelled")
        assert len(real_labels) == len(real) and len(fake_labels) == len(fake)
        return self.learn(real, fake)


class Confident:
    classes = 3

    def confidences(self, images: torch.Tensor) -> torch.Tensor:
        return torch.stack([images.mean((1, 2, 3)) * k for k in range(3)], 1)


def test_labels_pass_through_the_seam_to_a_critic_that_takes_them() -> None:
    seed_everything(0)
    shape = (1, 4, 4)
    critic = Labelled(shape)
    critic.seen = []

    class Conditional(TinyGenerator):
        def ask(self) -> Proposal:
            proposal = super().ask()
            proposal.labels = torch.arange(len(proposal)) % 2
            return proposal

    players = Players(Conditional(shape, batch=8), critic, lambda n: torch.ones(n, *shape), FakePool("latest"),
                      LoopConfig(batch=8), real_labelled=lambda n: (torch.ones(n, *shape), torch.zeros(n).long()))
    played = play_round(players)
    assert critic.seen == ["learn_labelled", "score_labelled"]
    assert played.scores.shape == (8,)
    plain = Players(TinyGenerator(shape, batch=8), critic, lambda n: torch.ones(n, *shape), FakePool("latest"),
                    LoopConfig(batch=8))
    critic.seen = []
    play_round(plain)  # an unlabelled artist with a labelled critic plays as before
    assert critic.seen == []


def test_a_per_class_proposal_gets_a_score_per_class() -> None:
    images = torch.rand(5, 1, 4, 4)
    scores = judge(Confident(), Proposal(images, per_class=True))
    assert scores.shape == (5, 3)
    with pytest.raises(TypeError, match="confidences"):
        judge(TinyCritic((1, 4, 4)), Proposal(images, per_class=True))


class Refereed(TinyGenerator):
    """A ``RefereedArtist``: records what the loop hands it instead of ``tell``."""

    def __init__(self, shape: tuple[int, int, int]) -> None:
        super().__init__(shape, batch=4)
        self.handed: list[tuple[object, object]] = []

    def tell_refereed(self, proposal: Proposal, scores: torch.Tensor, critic: object, real: object) -> dict:
        self.handed.append((critic, real))
        return {"refereed": 1.0}


@pytest.mark.parametrize("schedule", ["round", "phases"])
def test_a_refereed_artist_is_handed_the_bare_critic_and_the_real_sampler(schedule: str) -> None:
    from coevo.schedules import Phases

    seed_everything(0)
    shape = (1, 4, 4)
    artist, critic = Refereed(shape), TinyCritic(shape)
    real = lambda n: torch.zeros(n, *shape)  # noqa: E731
    players = Players(artist, critic, real, FakePool("latest"), LoopConfig(batch=4))
    played = (EveryRound() if schedule == "round" else Phases()).play(players, Progress())
    assert artist.handed == [(critic, real)] and played.metrics["refereed"] == 1.0
    plain = Players(TinyGenerator(shape, batch=4), critic, real, FakePool("latest"), LoopConfig(batch=4))
    assert "artist_loss" in play_round(plain).metrics  # an artist without the capability is told as before

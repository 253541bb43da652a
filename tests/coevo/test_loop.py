import torch

from coevo.fakes import FakePool
from coevo.loop import LoopConfig, coevolve, play_round, warm_up
from coevo.rng import seed_everything
from tests.toys import TinyCritic, TinyGenerator


def test_gradient_artist_trains_through_the_same_loop() -> None:
    seed_everything(0)
    shape = (1, 4, 4)
    real = lambda n: torch.full((n, *shape), 0.6) + 0.05 * torch.randn(n, *shape)  # noqa: E731
    artist, critic = TinyGenerator(shape, batch=32, lr=0.02), TinyCritic(shape, lr=0.02)
    fakes, cfg = FakePool("latest"), LoopConfig(critic_steps=1, batch=32)
    start = artist.ask().images.mean().item()
    for _ in range(300):
        _, _, metrics = play_round(artist, critic, real, fakes, cfg)
    end = artist.ask().images.detach().mean().item()
    assert abs(start - 0.6) > 0.3
    assert abs(end - 0.6) < 0.15
    assert {"critic_loss", "artist_loss", "score_mean"} <= metrics.keys()


def test_critic_learns_k_times_per_round() -> None:
    seed_everything(0)
    shape = (1, 4, 4)
    calls = []
    critic = TinyCritic(shape)
    learn = critic.learn
    critic.learn = lambda r, f: calls.append(1) or learn(r, f)
    artist = TinyGenerator(shape, batch=8)
    play_round(artist, critic, lambda n: torch.zeros(n, *shape), FakePool(), LoopConfig(critic_steps=3, batch=8))
    assert len(calls) == 3


def test_warm_up_and_recorder() -> None:
    seed_everything(0)
    shape = (1, 4, 4)
    artist, critic = TinyGenerator(shape, batch=8), TinyCritic(shape)
    real = lambda n: torch.ones(n, *shape)  # noqa: E731
    fakes, cfg = FakePool("latest"), LoopConfig(batch=8, warmup=20)
    before = critic.score(torch.ones(1, *shape)).item()
    warm_up(artist, critic, real, fakes, cfg)
    assert critic.score(torch.ones(1, *shape)).item() > before

    class Rec:
        def __init__(self) -> None:
            self.rows: list[int] = []

        def record(self, index, metrics, proposal, scores):
            self.rows.append(index)

    rec = Rec()
    coevolve(artist, critic, real, fakes, cfg, range(5, 8), rec)
    assert rec.rows == [5, 6, 7]

"""The phases schedule (Machado 2008; Vickers 2017): fool a frozen critic, then retrain it until it is not fooled."""

from __future__ import annotations

import pytest
import torch

from coevo.data.imageset import ImageSet
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players, Stop, coevolve
from coevo.metrics.scoreboard import Scoreboard
from coevo.rng import seed_everything
from coevo.schedules import PhaseRules, Phases
from tests.toys import TinyCritic, ToyGenetics


class Counting(TinyCritic):
    """Counts its updates."""

    updates = 0

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        self.updates += 1
        return super().learn(real, fake)


def players(critic: TinyCritic) -> Players:
    real = ImageSet(torch.full((40, 1, 8, 8), 0.8) + 0.1 * torch.randn(40, 1, 8, 8), None, "bright")
    artist = EvolutionaryArtist(ToyGenetics(), EvolutionConfig(pop=8, size=8))
    return Players(artist, critic, real.sample, FakePool("champions"), LoopConfig(batch=8),
                   Scoreboard(critic, real))


def rows(rules: PhaseRules, rounds: int) -> tuple[list[dict[str, float]], Counting]:
    seed_everything(0)
    critic = Counting((1, 8, 8), lr=0.05)
    played: list[dict[str, float]] = []

    class Keep:
        def on_round_start(self, progress) -> None:
            self.before = critic.updates

        def on_round_end(self, round_, progress) -> None:
            played.append({**round_.metrics, "updates": critic.updates - self.before})

    coevolve(players(critic), Phases(rules), Stop(rounds=rounds), hooks=[Keep()])
    return played, critic


def test_a_phase_that_cannot_fool_stalls_at_the_cap_and_says_so() -> None:
    played, _ = rows(PhaseRules(threshold=1e9, generations=3, critic_steps=10), rounds=7)
    ends = [r for r in played if "generations_to_fool" in r]
    assert [r["phase"] for r in ends] == [0, 1]
    assert all(r["phase_stalled"] == 1 and r["generations_to_fool"] == 3 for r in ends)
    assert [r["updates"] for r in played if "generations_to_fool" not in r] == [0] * 5  # the critic is frozen


def test_the_critic_trains_until_it_is_no_longer_fooled() -> None:
    played, _ = rows(PhaseRules(threshold=-1e9, generations=5, accuracy=0.9, critic_steps=400), rounds=4)
    assert all(r["generations_to_fool"] == 1 and r["phase_stalled"] == 0 for r in played)  # always fooled
    for r in played:
        recovered = r["phase_critic_accuracy"] >= 0.9
        assert r["critic_recovered"] == float(recovered)
        assert r["updates"] == r["critic_steps_to_recover"]
        assert recovered or r["critic_steps_to_recover"] == 400
    assert played[0]["critic_steps_to_recover"] > 0


def test_gp_against_the_cnn_ends_each_phase_fooled_or_stalled(tmp_path) -> None:
    """The done-when of the phases schedule, on the bundled digits at a small size."""
    from coevo.programs.run import start
    from coevo.training.config import RunConfig

    config = RunConfig(schedule="phases", rounds=8, pop=8, size=16, batch=16, warmup=10, phase_generations=3,
                       phase_critic_steps=40, device="cpu", critic_options={"width": 8})
    metrics = start(config, tmp_path / "run").metrics()
    ends = [r for r in metrics if "generations_to_fool" in r]
    assert ends, "no phase ended in 8 generations with a cap of 3"
    for row in ends:
        fooled = row["score_max"] > config.phase_threshold  # scored by the critic frozen for that phase
        assert (fooled and row["phase_stalled"] == 0) or (row["phase_stalled"] == 1
                                                           and row["generations_to_fool"] == 3)


def test_a_critic_with_a_floor_keeps_learning_after_it_recovers_and_still_reports_when_it_did() -> None:
    quick, _ = rows(PhaseRules(threshold=-1e9, generations=5, accuracy=0.9, critic_steps=400), rounds=3)
    floored, _ = rows(PhaseRules(threshold=-1e9, generations=5, accuracy=0.9, critic_steps=400, critic_min=30),
                      rounds=3)
    assert quick[0]["critic_steps_to_recover"] < 30  # it recovers before the floor ...
    assert floored[0]["critic_steps_to_recover"] == quick[0]["critic_steps_to_recover"]  # ... at the same step
    for r in floored:
        assert r["updates"] == r["phase_critic_updates"] == max(30, r["critic_steps_to_recover"])
        assert r["critic_recovered"] == 1
    assert "phase_critic_updates" not in quick[0]  # runs without the floor write what they wrote


def test_a_restarting_search_begins_each_phase_from_a_fresh_random_population() -> None:
    def phase_starts(restart: bool) -> list[tuple[list[int | None], int]]:
        seed_everything(0)
        game = players(TinyCritic((1, 8, 8), lr=0.05))
        seen: list[tuple[list[int | None], int]] = []

        class Watch:
            def on_round_start(self, progress) -> None:
                population = game.artist.population
                if population:  # the first population is drawn at the first ask
                    seen.append(([ind.parents for ind in population], min(ind.id for ind in population)))

            def on_round_end(self, round_, progress) -> None:
                pass

        rules = PhaseRules(threshold=-1e9, generations=5, accuracy=0.9, critic_steps=50, restart=restart)
        coevolve(game, Phases(rules), Stop(rounds=3), hooks=[Watch()])
        return seen

    carried, restarted = phase_starts(False), phase_starts(True)
    assert len(carried) == len(restarted) == 2  # rounds 2 and 3, each a phase (every champion fools)
    assert all(any(parents) for parents, _ in carried)  # bred from the last phase's champions
    assert all(not any(parents) for parents, _ in restarted)  # every phase starts from random genomes, unbred ...
    assert restarted[1][1] > restarted[0][1]  # ... each a new population (new ids)


def test_the_critics_recovery_is_measured_to_the_step(monkeypatch) -> None:
    checks: list[tuple[int, float]] = []
    original = Scoreboard.accuracy

    def recording(self, fakes):
        accuracy = original(self, fakes)
        checks.append((self.critic.updates, accuracy))
        return accuracy

    monkeypatch.setattr(Scoreboard, "accuracy", recording)
    played, _ = rows(PhaseRules(threshold=-1e9, generations=5, accuracy=0.9, critic_steps=400), rounds=3)
    start = 0
    for r in played:
        steps = int(r["critic_steps_to_recover"])
        phase, start = checks[start: start + steps + 1], start + steps + 1
        assert [u for u, _ in phase] == list(range(phase[0][0], phase[0][0] + steps + 1))  # a check every step
        assert all(a < 0.9 for _, a in phase[:-1]) and (phase[-1][1] >= 0.9 or steps == 400)  # stops at the first
    assert start == len(checks)


def test_a_critic_that_remembers_retrains_until_it_rejects_every_earlier_fooling_image() -> None:
    seed_everything(0)
    critic = Recording((1, 8, 8), lr=0.05)
    game = players(critic)
    schedule = Phases(PhaseRules(threshold=-1e9, generations=5, accuracy=0.9, critic_steps=400, remember=True))
    ends: list[dict[str, float]] = []

    class Keep:
        def on_round_start(self, progress) -> None:
            pass

        def on_round_end(self, round_, progress) -> None:
            ends.append(round_.metrics)

    coevolve(game, schedule, Stop(rounds=4), hooks=[Keep()])  # every generation fools: 4 phases of 8 images each
    hall = schedule.hall
    assert hall is not None and len(hall) == 32
    steps = int(ends[-1]["critic_steps_to_recover"])
    assert steps > 0
    first = {image.numpy().tobytes() for image in hall[1:8]}  # phase 0's fooling images but its champion
    last_phase = critic.fakes[-steps:]
    assert any(image.numpy().tobytes() in first for batch in last_phase for image in batch)  # it recalls phase 0
    for part in hall.split(16):
        assert game.measures.accuracy(part) >= 0.9 or steps == 400
    restored = Phases(PhaseRules(remember=True))
    restored.load_state_dict(schedule.state_dict())
    assert torch.equal(restored.hall, hall)


class Recording(Counting):
    """Keeps every fake batch it learned from."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fakes: list[torch.Tensor] = []

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        self.fakes.append(fake.detach().clone())
        return super().learn(real, fake)


def test_a_growing_margin_raises_the_bar_each_phase_and_only_a_champion_above_it_fools() -> None:
    played, _ = rows(PhaseRules(threshold=-3.0, generations=3, critic_steps=5, margin=2.0), rounds=12)
    assert [r["phase_bar"] for r in played] == [-3.0 + 2.0 * r["phase"] for r in played]  # threshold + k * margin
    assert all(r["fooled"] == float(r["score_max"] > r["phase_bar"]) for r in played)
    assert max(r["phase"] for r in played) >= 2



def test_a_relaxing_bar_asks_less_above_the_threshold_while_a_phase_drags_and_only_the_threshold_at_the_cap() -> None:
    played, _ = rows(PhaseRules(threshold=-3.0, generations=4, critic_steps=5, margin=2.0, relax=True), rounds=16)
    for r in played:
        left = (4 - r["phase_generation"]) / 3  # phase_generation counts this generation: 1 to 4
        assert r["phase_bar"] == pytest.approx(-3.0 + 2.0 * r["phase"] * left, abs=1e-5)
        assert r["fooled"] == float(r["score_max"] > r["phase_bar"])
    last = [r for r in played if r["phase_generation"] == 4]
    assert last and all(r["phase_bar"] == -3.0 for r in last)  # at the cap the bar is the threshold alone
    assert any(r["phase_bar"] > -3.0 and r["phase_generation"] < 4 for r in played)
    assert max(r["phase"] for r in played) >= 2

def test_wider_search_grows_the_population_while_a_phase_drags_and_resets_it_when_the_phase_ends() -> None:
    seed_everything(0)
    critic = Counting((1, 8, 8), lr=0.05)
    game = players(critic)
    shown: list[int] = []

    class Keep:
        def on_round_start(self, progress) -> None:
            pass

        def on_round_end(self, round_, progress) -> None:
            shown.append(len(round_.proposal.images))

    rules = PhaseRules(threshold=1e9, generations=4, critic_steps=2, widen=3)
    coevolve(game, Phases(rules), Stop(rounds=8), hooks=[Keep()])  # every phase stalls at 4 generations
    assert [Phases(rules).widening(g) for g in range(4)] == [1, 1, 2, 3]
    assert shown == [8, 8, 16, 24, 8, 8, 16, 24]  # pop 8: 1, 1, 2, 3 times, then back to 1 when the phase ends
    assert game.artist.factor == 1 and "factor" not in game.artist.state_dict()
    game.artist.widen(3)
    state = game.artist.state_dict()
    fresh = EvolutionaryArtist(ToyGenetics(), EvolutionConfig(pop=8, size=8))
    fresh.load_state_dict(state)
    assert fresh.factor == 3


def test_a_bar_set_by_the_data_is_the_phase_critics_quantile_of_held_out_real_scores() -> None:
    seed_everything(0)
    critic = Counting((1, 8, 8), lr=0.05)
    game = players(critic)
    schedule = Phases(PhaseRules(threshold=-5.0, generations=3, critic_steps=5, real_bar=0.75))
    played: list[tuple[float, dict[str, float]]] = []

    class Keep:
        def on_round_start(self, progress) -> None:  # the phase's critic, frozen until the round's end
            self.level = float(torch.quantile(game.measures.real_scores().double(), 0.75))

        def on_round_end(self, round_, progress) -> None:
            played.append((self.level, round_.metrics))

    coevolve(game, schedule, Stop(rounds=12), hooks=[Keep()])
    assert max(r["phase"] for _, r in played) >= 2
    for level, r in played:
        assert r["phase_bar"] == pytest.approx(max(-5.0, level), abs=1e-6)  # the frozen critic's quantile
        assert r["fooled"] == float(r["score_max"] > r["phase_bar"])
    by_phase: dict[float, set[float]] = {}
    for _, r in played:
        by_phase.setdefault(r["phase"], set()).add(r["phase_bar"])
    assert all(len(bars) == 1 for bars in by_phase.values())  # measured once a phase: the critic is frozen
    assert len({next(iter(bars)) for bars in by_phase.values()}) > 1  # and again after each retraining
    restored = Phases(PhaseRules(real_bar=0.75))
    restored.load_state_dict(schedule.state_dict())
    assert restored.level == schedule.level
    assert "level" not in Phases().state_dict()  # without the option, checkpoints are as before


def test_without_held_out_real_images_the_bar_set_by_the_data_is_the_threshold() -> None:
    seed_everything(0)
    critic = Counting((1, 8, 8), lr=0.05)
    game = players(critic)
    game.measures = Scoreboard(critic, None)
    schedule = Phases(PhaseRules(threshold=0.25, generations=2, critic_steps=2, real_bar=0.5))
    coevolve(game, schedule, Stop(rounds=3))
    assert schedule.level is None and schedule.bar() == 0.25

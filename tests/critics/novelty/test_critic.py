"""The novelty critic: the SOM learns, the Wundt curve's shape, runs with no data, resumes."""

import itertools
from pathlib import Path

import torch

from coevo.commands import main as cli
from coevo.protocols import CriticPictures, ExplainedScores, SelfTaughtCritic
from critics.novelty import NoveltyCritic, wundt


def patterns(n: int = 48) -> torch.Tensor:
    """Images of a few kinds: flat, stripes, a disc, at random brightness."""
    torch.manual_seed(0)
    axis = torch.linspace(-1, 1, 16)
    y, x = torch.meshgrid(axis, axis, indexing="ij")
    kinds = [torch.zeros(16, 16), torch.sign(torch.sin(6 * x)), ((x ** 2 + y ** 2) < 0.4).float() * 2 - 1]
    return torch.stack([kinds[i % 3] * 0.8 + (torch.rand(1) - 0.5) * 0.4 for i in range(n)])[:, None]


def test_quantisation_error_falls_as_the_map_trains() -> None:
    torch.manual_seed(1)
    critic = NoveltyCritic(shape=(1, 16, 16), rows=4, cols=4, decay=200)
    assert isinstance(critic, SelfTaughtCritic) and isinstance(critic, ExplainedScores)
    images = patterns()
    errors = [critic.quantisation_error(images)]
    for _ in range(5):
        critic.study(images)
        errors.append(critic.quantisation_error(images))
    assert errors[-1] < 0.5 * errors[0]
    assert all(b <= a + 1e-6 for a, b in itertools.pairwise(errors)), errors


def test_seen_images_are_less_novel_than_new_ones_and_features_work_too() -> None:
    for input_ in ("pixels", "features"):
        torch.manual_seed(2)
        critic = NoveltyCritic(shape=(1, 16, 16), input=input_, rows=3, cols=3)
        familiar = patterns()[::3]  # flat images only
        for _ in range(5):
            critic.study(familiar)
        noise = torch.rand(8, 1, 16, 16) * 2 - 1
        assert critic.novelty(familiar).mean() < critic.novelty(noise).mean(), input_
        assert critic.pictures()["som"].shape[0] == 1


def test_the_wundt_curve_rises_peaks_and_falls_below_zero() -> None:
    n = torch.linspace(0, 1, 1001)
    h = wundt(n)
    peak = int(h.argmax())
    assert 0.15 < float(n[peak]) < 0.3  # between the reward and the punishment midpoints
    assert torch.all(h[1: peak + 1] >= h[:peak]) and torch.all(h[peak + 1:] <= h[peak:-1])  # one hump
    assert abs(float(h[0])) < 0.02 and float(h[-1]) < -0.45  # indifferent to the familiar, averse to chaos
    assert float(h.max()) < 1.0  # the stronger punishment already bites at the peak
    assert float(wundt(torch.tensor(0.2), reward_at=0.5, punish_at=0.8)) < float(wundt(torch.tensor(0.5),
                                                                                      reward_at=0.5, punish_at=0.8))


ARGS = ["--critic", "novelty", "--data", "none", "--size", "16", "--pop", "8", "--seed", "4", "--sheet-every", "2"]


def test_a_novelty_run_with_no_data_from_the_cli_trains_the_map_and_draws_it(tmp_path: Path) -> None:
    assert cli.main(["run", *ARGS, "--rounds", "6", "--out", str(tmp_path / "whole")]) == 0
    lines = (tmp_path / "whole" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 6 and '"som_seen": 48.0' in lines[-1] and "novelty_median" in lines[0]
    assert (tmp_path / "whole" / "critic-som.png").stat().st_size > 0
    assert isinstance(NoveltyCritic(), CriticPictures)
    # stopped after 3 rounds and resumed to 6: the same metrics as the uninterrupted run
    assert cli.main(["run", *ARGS, "--rounds", "3", "--out", str(tmp_path / "part")]) == 0
    assert cli.main(["resume", str(tmp_path / "part"), "--rounds", "6"]) == 0
    assert (tmp_path / "part" / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / "metrics.jsonl").read_bytes()
    assert (tmp_path / "part" / "critic-som.png").read_bytes() == (tmp_path / "whole" / "critic-som.png").read_bytes()

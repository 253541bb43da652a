"""Makes the pictures in docs/critics.md of the novelty, preference and jury critics from real runs (played here unless
already there):

    docs/wundt.png                 the Wundt curve H(N) = R(N) - P(N) with the novelty critic's default constants
    docs/novelty-run.png           a novelty run's novelty over time (median, quartiles, extremes), the SOM's error
    docs/preference-agreement.png  `coevo breed --agreement` on a scripted session (gp, a person who always
                                   picks the brightest of 15 children and restarts every 8th generation)
    docs/jury-phases.png           each jury member's mean score over a phases run, phase ends marked

    PYTHONPATH=. python docs/critics_figures.py [--runs runs/docs]

The runs are `coevo run --critic novelty --data none --rounds 40 --seed 0` and `coevo run --critic jury
--critic-option members=features,cnn --schedule phases --fakes archive --rounds 14 --seed 0` (about 30 minutes
on 2 busy cores: each phase end retrains the critics, and the jury grows).
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
from pathlib import Path

import torch
from matplotlib.figure import Figure

from coevo.commands.main import main as coevo
from coevo.programs.breed import BreedingSession
from coevo.programs.genomes import build_genetics
from coevo.rng import seed_everything
from coevo.toolkits.interactive import SessionRequest
from critics.novelty.critic import wundt

RUNS = {
    "novelty": ["--critic", "novelty", "--data", "none", "--rounds", "40", "--seed", "0"],
    "jury": ["--critic", "jury", "--critic-option", "members=features,cnn", "--schedule", "phases",
             "--fakes", "archive", "--rounds", "14", "--seed", "0"],
}


def metrics(runs: Path, name: str) -> list[dict[str, float]]:
    """The run's metrics rows, playing the run first when its folder has none."""
    folder = runs / name
    if not (folder / "metrics.jsonl").is_file():
        assert coevo(["run", *RUNS[name], "--out", str(folder)]) == 0, name
    lines = (folder / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def save(figure: Figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, metadata={"Software": None})
    print(f"wrote {path}")


def wundt_figure(path: Path) -> None:
    """Reward, punishment and their difference over novelty, with the critic's default constants."""
    defaults = {k: p.default for k, p in inspect.signature(wundt).parameters.items() if k != "novelty"}
    n = torch.linspace(0, 0.6, 601)
    interest = wundt(n, **defaults)
    reward = wundt(n, **{**defaults, "punish_max": 0.0})  # H with no punishment is R
    punishment = reward - interest
    peak = int(interest.argmax())
    figure = Figure(figsize=(6, 3.4), dpi=80)
    axis = figure.subplots()
    axis.plot(n, reward, "--", color="tab:green", label="reward R(N)")
    axis.plot(n, -punishment, "--", color="tab:red", label="- punishment P(N)")
    axis.plot(n, interest, color="k", linewidth=2, label="interest H(N) = R - P")
    axis.axhline(0, color="grey", linewidth=0.6)
    axis.plot([float(n[peak])], [float(interest[peak])], "o", color="k")
    axis.annotate(f"peak {float(interest[peak]):.2f} at N = {float(n[peak]):.2f}",
                  (float(n[peak]), float(interest[peak])), textcoords="offset points", xytext=(8, 6), fontsize=9)
    axis.set_xlabel("novelty N (RMS distance to the best-matching SOM unit)")
    axis.set_ylabel("score")
    reward_text = ", ".join(f"{k} {v:g}" for k, v in defaults.items() if k.startswith("reward"))
    punish_text = ", ".join(f"{k} {v:g}" for k, v in defaults.items() if k.startswith("punish"))
    axis.set_title(f"Wundt curve, the novelty critic's defaults\n{reward_text}\n{punish_text}", fontsize=8)
    axis.legend(fontsize=8, loc="lower left")
    save(figure, path)


def novelty_figure(rows: list[dict[str, float]], path: Path) -> None:
    """Each round's novelty distribution of the shown images, and the map's quantisation error."""
    rounds = [r["round"] for r in rows]
    figure = Figure(figsize=(6, 3.4), dpi=80)
    axis = figure.subplots()
    axis.fill_between(rounds, [r["novelty_min"] for r in rows], [r["novelty_max"] for r in rows],
                      color="tab:blue", alpha=0.12, linewidth=0, label="min - max")
    axis.fill_between(rounds, [r["novelty_q25"] for r in rows], [r["novelty_q75"] for r in rows],
                      color="tab:blue", alpha=0.3, linewidth=0, label="quartiles")
    axis.plot(rounds, [r["novelty_median"] for r in rows], color="tab:blue", label="median novelty")
    axis.plot(rounds, [r["som_quantisation_error"] for r in rows], color="tab:orange",
              label="SOM quantisation error")
    defaults = {k: p.default for k, p in inspect.signature(wundt).parameters.items() if k != "novelty"}
    n = torch.linspace(0, 0.6, 601)
    best = float(n[int(wundt(n, **defaults).argmax())])
    axis.axhline(best, color="k", linestyle=":", linewidth=1, label=f"Wundt peak (N = {best:.2f})")
    axis.set_xlabel("round (GP artist, pop 32, --data none, seed 0)")
    axis.set_ylabel("novelty")
    axis.set_title("coevo run --critic novelty --data none --rounds 40", fontsize=9)
    axis.legend(fontsize=7, ncol=2)
    save(figure, path)


def jury_figure(rows: list[dict[str, float]], path: Path) -> None:
    """Each current member's mean score and each earlier phase's, with the phase ends as vertical lines."""
    rounds = [r["round"] for r in rows]
    members = {k for r in rows for k in r if k.startswith("jury_") and k.count("_") == 1 and k != "jury_size"}
    keys = sorted(members | {k for r in rows for k in r if k.startswith("jury_past_")})
    figure = Figure(figsize=(6, 3.4), dpi=80)
    axis = figure.subplots()
    for key in keys:
        points = [(r["round"], r[key]) for r in rows if key in r]
        style = "-" if not key.startswith("jury_past_") else ":"
        axis.plot(*zip(*points), style, label=key.removeprefix("jury_").replace("past_", "frozen, phases ago: "))
    for r in rows:
        if "generations_to_fool" in r:
            axis.axvline(r["round"], color="grey", linewidth=0.5)
    axis.set_xlim(min(rounds), max(rounds))
    axis.set_xlabel("round (grey lines: a phase ends, the members freeze and fresh ones join)")
    axis.set_ylabel("member's mean score (logit)")
    axis.set_title("coevo run --critic jury --critic-option members=features,cnn --schedule phases", fontsize=8)
    axis.legend(fontsize=7, ncol=2)
    save(figure, path)


class BrightestPerson:
    """A scripted person at the breeding window: chooses the brightest child, restarts every ``restart``-th time."""

    def __init__(self, restart: int = 8) -> None:
        self.status, self.session_keys, self.restart, self.calls = "", True, restart, 0

    def score(self, images: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.calls % self.restart == 0:
            raise SessionRequest("restart")
        scores = torch.zeros(len(images))
        scores[int(images.mean(dim=(1, 2, 3)).argmax())] = 1.0
        return scores

    def notify(self, text: str) -> None:
        pass

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


def preference_figure(runs: Path, path: Path, generations: int = 40) -> None:
    """A scripted gp session through the real session loop, then `coevo breed --agreement` on it."""
    folder = runs / "person"
    if not (folder / "session.json").is_file():
        seed_everything(0)
        _, genetics = build_genetics("gp", {}, 3)
        session = BreedingSession.start("gp", genetics, genetics.random_genome(), 15, 32, folder)
        person = BrightestPerson()
        while person.calls < generations:
            session.step(person)
        session.save()
    assert coevo(["breed", "--agreement", str(folder)]) == 0
    shutil.copyfile(folder / "agreement.png", path)
    print(f"wrote {path}")


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, default=Path("runs/docs"), help="where the runs are played")
    args = parser.parse_args()
    here = Path(__file__).parent
    wundt_figure(here / "wundt.png")
    novelty_figure(metrics(args.runs, "novelty"), here / "novelty-run.png")
    preference_figure(args.runs, here / "preference-agreement.png")
    jury_figure(metrics(args.runs, "jury"), here / "jury-phases.png")


if __name__ == "__main__":
    run()

"""``coevo ppgn``: Plug & Play sampling (``coevo.toolkits.ppgn``) from a generator trained here, conditioned on the
cached LeNet's classes, played through ``coevolve``: the chains are a ``PPGNSampler`` artist, the fixed classifier its
critic, one round one step of every chain. Writes per-class confidence and diversity, and a sheet (a row a class).

G is a run's generator (dcgan, vae: any ``DifferentiableGenerator``), or none (pixel-space fooling: h is the
image). R, the prior on h, is a denoising autoencoder trained on codes of the data (a VAE's encoder means of the
real images; for a generator without an encoder, its N(0, I) latents), or, with ``prior = "encoder"``, the
"upside-down" autoencoder of the public sampler, R(h) = E(G(h)) (a VAE's encoder).

Diversity is measured three ways: between the chains' final samples, along each chain, and, as the paper samples
(chains run on after a burn-in, a sample kept every few steps if its confidence passes a threshold), between all
samples a class kept after ``burn_in`` steps that the classifier gives >= 0.99; with ``evaluate`` also in the
features of the metrics' own LeNet (trained apart from the classifier) and against real images (precision).

The output folder is a run folder (kind ``ppgn``): ``config.toml``, a ``metrics.jsonl`` line per step, and a
checkpoint (the chains, the kept samples, the progress, every random generator) every ``checkpoint_every`` steps
and at the end, so ``coevo resume`` continues a killed sampling byte-identical.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from coevo.data import ImageSet, load_data
from coevo.errors import CoevoError
from coevo.fakes import FakePool
from coevo.images import grid, save_png
from coevo.loop import Hook, Players, Progress, Round, Stop
from coevo.metrics.scoreboard import pairwise_spread
from coevo.programs import judge
from coevo.programs.latent import load_generator
from coevo.protocols import Catalog, ClassConfidences, DifferentiableGenerator, LatentEncoder
from coevo.schedules import EveryRound
from coevo.store.atomic import atomic_write_text
from coevo.store.runfolder import RunFolder
from coevo.toolkits import ppgn
from coevo.training import registry
from coevo.training.config import PPGNConfig, load_config
from coevo.training.trainer import Game, Trainer

KIND = "ppgn"  # the run folder's kind mark
BEFORE = {"eps3_end": -1.0, "judge": 0.0}  # what a config.toml written before the noise decayed ran with
REFERENCE = 1000  # the judge's real reference images for FID (at most half its held-out half)
CONFIDENT = 0.99  # a kept sample counts for the samples' diversity when the classifier is this sure of its class


class KeepSamples(Hook):
    """After the burn-in, keeps the chains' images every ``every`` steps (the step a round has just taken)."""

    def __init__(self, sampler: ppgn.PPGNSampler, burn_in: int, every: int) -> None:
        self.sampler, self.burn_in, self.every = sampler, burn_in, every
        self.kept: list[torch.Tensor] = []

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if progress.rounds > self.burn_in and progress.rounds % self.every == 0:
            self.kept.append(self.sampler.images())

    def state_dict(self) -> list[torch.Tensor]:
        return list(self.kept)

    def load_state_dict(self, state: list[torch.Tensor]) -> None:
        self.kept = list(state)


def _codes(generator: Any, data_images: torch.Tensor, n: int, seed: int) -> torch.Tensor:
    """Codes the prior is fitted to: encoder means of real images, else N(0, I) latents."""
    if isinstance(generator, LatentEncoder):
        return generator.encode(data_images[:n])
    return torch.randn(n, generator.nz, generator=torch.Generator().manual_seed(seed + 7))


def _generator(config: PPGNConfig) -> tuple[Any, str, int, float]:
    """The run's differentiable generator (or None), the classifier's data, the image side and the share of that
    data set aside for the independent judge (a generator run's own ``--judge`` split, which it never saw)."""
    if not config.run:
        if not config.data:
            raise CoevoError("without a generator run, name the classifier's data with --data")
        return None, config.data, config.size, config.judge
    generator = load_generator(Path(config.run))
    if not isinstance(generator, DifferentiableGenerator):
        raise CoevoError(f"the generator of {config.run} cannot pass gradients back to its latent; use a dcgan "
                         "or vae run")
    trained = load_config(RunFolder(Path(config.run)).config_path)
    share = 0.0
    if config.judge > 0:
        if trained.judge <= 0:
            raise CoevoError(f"{config.run} was trained on all its images, so no judge can be independent of its "
                             "generator: train it with --judge 0.5 (a split it never sees), or pass --judge 0 to "
                             "sample without the judge")
        if config.data and config.data != trained.data:
            raise CoevoError(f"the judge's split is of {config.run}'s data ({trained.data}); leave --data out, or "
                             "pass --judge 0")
        share = trained.judge
    return generator, config.data or trained.data, int(generator.sample(1).shape[-1]), share


def _prior(config: PPGNConfig, generator: Any, data: ImageSet) -> ppgn.Prior | None:
    """R: a DAE on the data's codes, or E(G(h)); none without a generator or with eps1 = 0."""
    if generator is None or config.eps1 == 0:
        return None
    if config.prior == "encoder":
        if not isinstance(generator, LatentEncoder):
            raise CoevoError("prior = encoder needs a generator with an encoder (a vae run); use prior = dae")
        return lambda h: generator.encode(generator.decode(h))  # sampler.py: E(G(h))
    return ppgn.train_dae(_codes(generator, data.images, 5000, config.seed), config.sigma, config.dae_steps,
                          seed=config.seed)


def _starts(config: PPGNConfig, classes: list[int], generator: Any, shape: tuple[int, ...]) -> torch.Tensor:
    """Each class's chains start from random codes of their own seed: N(0, I) latents, or faint noise images."""
    starts = []
    for cls in classes:
        own = torch.Generator().manual_seed(config.seed * 1000 + cls)
        starts.append(torch.randn(config.chains, generator.nz, generator=own) if generator is not None
                      else 0.1 * torch.randn(config.chains, *shape, generator=own))
    return torch.cat(starts)


def build(config: PPGNConfig) -> tuple[Players, ppgn.PPGNSampler, ImageSet, dict[str, Any]]:
    """The players: the PPGN sampler (every class's chains) and the fixed classifier critic; the classifier's
    data; the judge's split and the generator (``extra``)."""
    generator, data_spec, size, share = _generator(config)
    data, judged = load_data(data_spec, size), None
    options: dict[str, Any] = {"data": data_spec, "steps": config.classifier_steps}
    if share > 0:  # the classifier, the DAE (and the generator run) learn only what the judge's split leaves
        data, judged = data.split(share)
        options["holdout"] = share
        if len(judged) < judge.MIN_SPLIT:
            raise CoevoError(f"the judge's split holds {len(judged)} images, fewer than {judge.MIN_SPLIT}; use more "
                             "data, or pass --judge 0")
    critic = registry.construct(registry.load(registry.critic_entry("classifier")), "critic 'classifier'",
                                {"shape": data.shape, "device": "cpu"}, options)
    assert isinstance(critic, ClassConfidences)
    classes = config.classes or list(range(critic.classes))
    if any(not 0 <= c < critic.classes for c in classes):
        raise CoevoError(f"--classes must lie in 0..{critic.classes - 1} (the classifier's classes)")
    render = generator.decode if generator is not None else (lambda h: h * 1.0)
    rule = ppgn.Rule(config.eps1, config.eps2, config.eps3, config.normalise, config.lr, config.lr_end,
                     None if generator is not None else (-1.0, 1.0), None if config.eps3_end < 0 else config.eps3_end)
    targets = torch.tensor(classes).repeat_interleave(config.chains)
    sampler = ppgn.PPGNSampler(render, _starts(config, classes, generator, data.shape), targets, critic.classes,
                               rule, _prior(config, generator, data), config.steps, config.seed)
    extra = {"judged": judged, "generator": generator}
    return Players(sampler, critic, None, FakePool("latest")), sampler, data, extra


def game(config: PPGNConfig) -> Game:
    """The players and the hook keeping samples after the burn-in, at step 0 (``meta``: the sampler, the data)."""
    players, sampler, data, extra = build(config)
    keeper = KeepSamples(sampler, config.kept_after(), config.keep_every)
    return Game(config, players, EveryRound(), Stop(rounds=config.steps), {"sampler": sampler, "kept": keeper},
                hooks=[keeper], checkpoint_every=config.checkpoint_every, label="ppgn",
                meta={"sampler": sampler, "data": data, "keeper": keeper, **extra})


class StepRecorder(Hook):
    """A ``metrics.jsonl`` line per step: the step's target confidences and each sampled class's best so far."""

    def __init__(self, folder: RunFolder, sampler: ppgn.PPGNSampler) -> None:
        self.folder, self.sampler = folder, sampler
        self.classes = sampler.targets.unique().tolist()

    def on_round_end(self, played: Round, progress: Progress) -> None:
        best = self.sampler.scores()
        row = {"round": played.index, **{k: round(v, 8) for k, v in self.sampler.last.items()},
               **{f"confidence_{c}": round(float(best[c]), 8) for c in self.classes}}
        self.folder.append_metrics(row)


class PPGNProgram:
    """``coevo ppgn``: every class's chains sampled from a generator run (or pixels) through the classifier."""

    kind, length = KIND, None  # the noise and step size decay over ``steps``: its length is fixed

    def __init__(self, catalog: Catalog | None = None) -> None:
        """Every program takes the catalog the CLI wires in; a sampling indexes nothing (its images have no genomes)."""

    def read_config(self, path: Path) -> PPGNConfig:
        return load_config(path, PPGNConfig, BEFORE)

    def build(self, config: PPGNConfig) -> Game:
        return game(config)

    def begin(self, game: Game) -> None:
        pass

    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        return [StepRecorder(folder, game.meta["sampler"])]

    def finish(self, folder: RunFolder, game: Game) -> dict[str, Any]:
        """``ppgn.png`` (a row per class, a column per chain) and ``ppgn.json``; returns the summary."""
        summary, final = finish(game)
        save_png(grid(final, columns=game.config.chains), folder.path / "ppgn.png")
        atomic_write_text(folder.path / "ppgn.json", json.dumps(summary, indent=2) + "\n")
        return summary


def finish(game: Game) -> tuple[dict[str, Any], torch.Tensor]:
    """The summary (per class and overall) and the final samples (one row per class, one column per chain)."""
    sampler, config = game.meta["sampler"], game.config
    final = sampler.images()
    critic = game.players.critic
    assert isinstance(critic, ClassConfidences)
    evaluator = None
    if config.evaluate:
        from coevo.metrics import Evaluator  # trains (or loads) the metrics' feature network

        evaluator = Evaluator(game.meta["data"])
    summary = summarise(sampler.targets, final, game.meta["keeper"].kept, critic.confidences, evaluator)
    if game.meta.get("judged") is not None:
        summary["judge"] = judge_report(game.meta["judged"], sampler.targets, final, game.meta["generator"], config)
    summary["settings"] = asdict(config)
    return summary, final


def summarise(targets: torch.Tensor, final: torch.Tensor, kept: list[torch.Tensor],
              confidences: Any, evaluator: Any = None) -> dict[str, Any]:
    """Confidence of the final samples and the three diversities, per class and overall (means over classes)."""
    p_final = confidences(final).double()[torch.arange(len(targets)), targets]
    pool = torch.stack(kept, 1) if kept else final[:, :0, None]  # (chains, kept, C, H, W); none kept: (N, 0, ...)
    p_pool = _target_p(confidences, pool, targets) if kept else torch.zeros(len(targets), 0, dtype=torch.float64)
    rows: dict[str, dict[str, float]] = {}
    confident_all = []
    for cls in targets.unique().tolist():
        mine = (targets == cls).nonzero().squeeze(1)
        p = p_final[mine]
        sure = pool[mine][p_pool[mine] >= CONFIDENT]
        confident_all.append(sure)
        row = {"confidence_mean": float(p.mean()), "confidence_min": float(p.min()),
               "share_99": float((p >= CONFIDENT).double().mean()), "diversity_final": pairwise_spread(final[mine]),
               "diversity_chain": sum(pairwise_spread(pool[c]) for c in mine) / len(mine),
               "samples": float(pool[mine].shape[0] * pool.shape[1]), "samples_99": float(len(sure)),
               "diversity_samples": pairwise_spread(sure)}
        if evaluator is not None:
            row["feature_diversity_samples"] = pairwise_spread(evaluator.net.features(sure)) if len(sure) else 0.0
            row["feature_diversity_final"] = pairwise_spread(evaluator.net.features(final[mine]))
        rows[str(cls)] = row
    summary: dict[str, Any] = {"classes": rows, "confidence_mean": float(p_final.mean()),
                               "confidence_min": float(p_final.min()),
                               "class_confidence_min": min(r["confidence_mean"] for r in rows.values()),
                               "share_99": float((p_final >= CONFIDENT).double().mean()),
                               "samples_share_99": float((p_pool >= CONFIDENT).double().mean()) if kept else 0.0}
    for key in next(iter(rows.values())):
        if key.startswith("diversity") or key.startswith("feature_diversity"):
            summary[key] = sum(r[key] for r in rows.values()) / len(rows)
    confident = torch.cat(confident_all)
    if evaluator is not None and len(confident) > 2 * evaluator.k:
        measured = evaluator.evaluate(confident)
        summary.update({f"samples_{k}": measured[k] for k in ("precision", "recall", "fid", "kid")})
    return summary


def judge_report(split: ImageSet, targets: torch.Tensor, final: torch.Tensor, generator: Any,
                 config: PPGNConfig) -> dict[str, Any]:
    """The independent judge's verdict on the final samples: a ``JudgeNet`` trained on half the judge's split
    (``Evaluator``'s fixed halves), the other half its real references. Its top-pick rate of the asked class and
    the share it gives the asked class p >= 0.99, beside the held-out real digits' (their own labels); FID of the
    samples, of as many unconditioned samples G(z), z ~ N(0, I), and of as many held-out real digits."""
    from coevo.metrics import Evaluator
    from coevo.metrics.distances import frechet_distance
    from coevo.metrics.judgenet import JudgeSettings, cached_judge, judge_features

    train, held = split.split(0.5)
    net = judge_features(cached_judge(train, JudgeSettings(steps=config.judge_steps)))
    evaluator = Evaluator(split, reference=REFERENCE, net=net)
    assert net.probabilities is not None and held.labels is not None
    p = net.probabilities(final)
    p_target = p[torch.arange(len(targets)), targets]
    p_real = net.probabilities(held.images)

    def fid(images: torch.Tensor) -> float:  # in the judge's features, to its real reference images
        return frechet_distance(evaluator.real_features, net.features(images.detach().float()))

    real_target = p_real[torch.arange(len(held)), held.labels.long()]
    report: dict[str, Any] = {
        "images": len(split), "trained_on": len(train),
        "top": float((p.argmax(1) == targets).double().mean()),
        "share_99": float((p_target >= CONFIDENT).double().mean()),
        "real_top": float((p_real.argmax(1) == held.labels.long()).double().mean()),
        "real_share_99": float((real_target >= CONFIDENT).double().mean()),
        "classes": {str(c): float((p.argmax(1) == targets)[targets == c].double().mean())
                    for c in targets.unique().tolist()}}
    if len(final) < 2:  # no covariance to fit
        return report
    report["fid"] = fid(final)
    if len(evaluator.rest) >= len(final):
        report["real_fid"] = fid(evaluator.rest[:len(final)])
    if generator is not None:
        z = torch.randn(len(final), generator.nz, generator=torch.Generator().manual_seed(config.seed + 11))
        with torch.no_grad():
            report["generator_fid"] = fid(generator.decode(z))
    return report


def _target_p(confidences: Any, pool: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The classifier's confidence in each kept sample's target class, ``(chains, kept)``."""
    p = confidences(pool.flatten(0, 1)).double().view(*pool.shape[:2], -1)
    return p.gather(2, targets[:, None, None].expand(-1, pool.shape[1], 1)).squeeze(2)


def run(config: PPGNConfig, out: Path) -> dict[str, Any]:
    """Sample into the run folder ``out``: ``ppgn.png`` (a row per class, a column per chain), ``ppgn.json``,
    per-step metrics and checkpoints; a start that fails before its first checkpoint leaves nothing behind."""
    return Trainer().fit(PPGNProgram(), config.validate(), out)


def resume(out: Path) -> dict[str, Any]:
    """Continue a killed sampling from its last checkpoint (a finished one rewrites its results unchanged)."""
    return Trainer().resume(PPGNProgram(), out)

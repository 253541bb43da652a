"""``coevo ppgn``: Plug & Play sampling (``coevo.ppgn``) from a generator trained here, conditioned on the cached
LeNet's classes; per-class confidence and diversity of the samples, and a sheet with one row per class.

G is a run's generator (dcgan, vae: any ``DifferentiableGenerator``), or none (pixel-space fooling: h is the
image). R, the prior on h, is a denoising autoencoder trained on codes of the data (a VAE's encoder means of the
real images; for a generator without an encoder, its N(0, I) latents), or, with ``prior = "encoder"``, the
"upside-down" autoencoder of the public sampler, R(h) = E(G(h)) (a VAE's encoder).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from coevo import ppgn
from coevo.atomic import atomic_write_text
from coevo.classifier import cached_classifier
from coevo.config import load_config
from coevo.data import load_data
from coevo.errors import CoevoError
from coevo.images import grid, save_png
from coevo.programs.latent import load_generator
from coevo.protocols import DifferentiableGenerator, LatentEncoder
from coevo.runfolder import RunFolder
from coevo.scoreboard import pairwise_spread

PRIORS = ("dae", "encoder")


@dataclass
class PPGNConfig:
    """One sampling session's settings (written beside its results)."""

    run: str = ""  # run folder of the generator; "" = no generator (h is the image: pixel-space fooling)
    data: str = ""  # labelled data of the classifier (and the DAE's codes); "" = the run's data
    size: int = 28  # image side (without a generator)
    classes: list[int] = field(default_factory=list)  # classes to sample; empty = all
    chains: int = 4  # chains per class, each from its own random start
    steps: int = 400  # steps per chain
    keep_every: int = 20  # keep a sample every this many steps in the second half (for chain diversity)
    eps1: float = 1e-2
    eps2: float = 1.0
    eps3: float = 5e-2
    normalise: bool = False
    lr: float = 1.0
    lr_end: float = 1.0
    prior: str = "dae"  # dae (R trained on codes) or encoder (R(h) = E(G(h)), as the public sampler)
    sigma: float = 0.5  # the DAE's training noise
    dae_steps: int = 2000
    classifier_steps: int = 3000  # the cached LeNet's training steps (as coevo fool)
    seed: int = 0


def _codes(generator: Any, data_images: torch.Tensor, n: int, seed: int) -> torch.Tensor:
    """Codes the prior is fitted to: encoder means of real images, else N(0, I) latents."""
    if isinstance(generator, LatentEncoder):
        return generator.encode(data_images[:n])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 7)
        return torch.randn(n, generator.nz)


def sample(config: PPGNConfig) -> tuple[dict[str, Any], torch.Tensor]:
    """Run the chains; returns the summary (per class and overall) and a sheet tensor (one row per class)."""
    if config.prior not in PRIORS:
        raise CoevoError(f"unknown prior {config.prior!r}; choose one of {', '.join(PRIORS)}")
    generator = None
    data_spec = config.data
    if config.run:
        generator = load_generator(Path(config.run))
        if not isinstance(generator, DifferentiableGenerator):
            raise CoevoError(f"the generator of {config.run} cannot pass gradients back to its latent; use a dcgan "
                             "or vae run")
        run_config = load_config(RunFolder(Path(config.run)).config_path)
        data_spec = data_spec or run_config.data
        size = generator.sample(1).shape[-1]
    else:
        size = config.size
    if not data_spec:
        raise CoevoError("without a generator run, name the classifier's data with --data")
    data = load_data(data_spec, size)
    classifier = cached_classifier(data, steps=config.classifier_steps)
    for parameter in classifier.parameters():
        parameter.requires_grad_(False)
    classes = config.classes or list(range(classifier.classes))

    prior = None
    if generator is not None and config.eps1 > 0:
        if config.prior == "encoder":
            if not isinstance(generator, LatentEncoder):
                raise CoevoError("prior = encoder needs a generator with an encoder (a vae run); use prior = dae")
            prior = lambda h: generator.encode(generator.decode(h))  # noqa: E731  (sampler.py: E(G(h)))
        else:
            dae = ppgn.train_dae(_codes(generator, data.images, 5000, config.seed), config.sigma, config.dae_steps,
                                 seed=config.seed)
            prior = dae
    render = generator.decode if generator is not None else (lambda h: h)
    rule = ppgn.Rule(config.eps1, config.eps2, config.eps3, config.normalise, config.lr, config.lr_end,
                     None if generator is not None else (-1.0, 1.0))

    rows, summary = [], {"classes": {}}
    chain_spread, final_spread, confidences = [], [], []
    noise = torch.Generator().manual_seed(config.seed)
    for cls in classes:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed * 1000 + cls)
            h = (torch.randn(config.chains, generator.nz) if generator is not None
                 else 0.1 * torch.randn(config.chains, data.shape[0], size, size))
        target = torch.full((config.chains,), cls)

        def log_prob(codes: torch.Tensor, target: torch.Tensor = target) -> torch.Tensor:
            return F.log_softmax(classifier(render(codes)), dim=1).gather(1, target[:, None]).squeeze(1)

        kept = []
        for index in range(config.steps):
            h = ppgn.step(h, prior, log_prob, rule, index / max(1, config.steps - 1), noise)
            if index >= config.steps // 2 and (index + 1) % config.keep_every == 0:
                with torch.no_grad():
                    kept.append(render(h).detach().clamp(-1, 1))
        with torch.no_grad():
            final = render(h).detach().clamp(-1, 1)
            p = classifier.probabilities(final)[:, cls].double()
        rows.append(final)
        confidences.append(p)
        within = [pairwise_spread(torch.stack([k[c] for k in kept])) for c in range(config.chains)] if kept else [0]
        chain_spread.append(sum(within) / len(within))
        final_spread.append(pairwise_spread(final))
        summary["classes"][str(cls)] = {"confidence_mean": float(p.mean()), "confidence_min": float(p.min()),
                                        "share_99": float((p >= 0.99).double().mean()),
                                        "diversity_final": final_spread[-1], "diversity_chain": chain_spread[-1]}
    every = torch.cat(confidences)
    summary.update(confidence_mean=float(every.mean()), confidence_min=float(every.min()),
                   class_confidence_min=min(float(c.mean()) for c in confidences),
                   share_99=float((every >= 0.99).double().mean()),
                   diversity_final=sum(final_spread) / len(final_spread),
                   diversity_chain=sum(chain_spread) / len(chain_spread), settings=asdict(config))
    return summary, torch.cat(rows)


def run(config: PPGNConfig, out: Path) -> dict[str, Any]:
    """Sample and write ``out/ppgn.png`` (one row per class, one column per chain) and ``out/ppgn.json``."""
    summary, sheet = sample(config)
    out.mkdir(parents=True, exist_ok=True)
    save_png(grid(sheet, columns=config.chains), out / "ppgn.png")
    atomic_write_text(out / "ppgn.json", json.dumps(summary, indent=2) + "\n")
    return summary

"""``coevo ppgn``: Plug & Play Generative Network sampling from a generator run (Nguyen et al. 2017)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("ppgn", help="Plug & Play sampling of each class from a generator run and the LeNet",
                            description="h <- h + eps1 (R(h) - h) + eps2 grad log p(y | G(h)) + N(0, eps3^2), "
                            "eps3 decaying linearly to --eps3-end, for "
                            "every class of the cached LeNet; G a dcgan or vae run's generator (or none: pixel "
                            "space), R a denoising autoencoder on h. Writes ppgn.png (a row per class) and ppgn.json "
                            "(confidence and diversity per class). Ablations: --eps1 0 is DGN-AM; a large --eps1 "
                            "ignores the class; no RUN samples pixels. Example: coevo ppgn runs/vae --out runs/ppgn")
    parser.add_argument("run", nargs="?", default="", help="generator run folder (dcgan, vae); none: pixel space")
    parser.add_argument("--data", default="", help="the classifier's labelled data (default: the run's)")
    parser.add_argument("--classes", type=int, nargs="+", default=[], help="classes to sample (default: all)")
    for name, kind, default, text in (
            ("chains", int, 4, "chains per class"), ("steps", int, 400, "steps per chain"),
            ("keep-every", int, 20, "keep a sample every N steps after the burn-in (chain diversity)"),
            ("burn-in", int, -1, "steps before samples are kept (-1: half the steps)"),
            ("eps1", float, 1e-2, "prior weight (0: DGN-AM)"), ("eps2", float, 1.0, "class-gradient weight"),
            ("eps3", float, 0.35, "noise standard deviation at the first step"),
            ("eps3-end", float, 0.0, "noise at the last step, decayed linearly from --eps3 (-1: --eps3 throughout)"),
            ("lr", float, 1.0, "normalised step size"),
            ("lr-end", float, 1.0, "normalised step size at the last step"),
            ("sigma", float, 0.5, "the DAE's training noise"), ("dae-steps", int, 2000, "DAE training steps"),
            ("classifier-steps", int, 3000, "the cached LeNet's training steps"), ("seed", int, 0, "random seed"),
            ("size", int, 28, "image side without a generator"),
            ("checkpoint-every", int, 25, "steps between checkpoints (coevo resume DIR continues a killed one)")):
        parser.add_argument("--" + name, type=kind, default=default, help=f"{text} (default {default})")
    parser.add_argument("--normalise", action="store_true", help="scale each step to lr / mean|d_h| (sampler.py)")
    parser.add_argument("--prior", choices=("dae", "encoder"), default="dae",
                        help="R: a DAE on codes (default) or E(G(h)) through a VAE's encoder (sampler.py)")
    parser.add_argument("--evaluate", action="store_true",
                        help="also measure the kept samples in the metrics' LeNet features and against real images")
    parser.add_argument("--out", type=Path, help="output run folder (default RUN/ppgn, or runs/ppgn; numbered "
                        "ppgn-2, ... while taken)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.errors import CoevoError
    from coevo.programs.ppgn import PPGNConfig, run
    from coevo.store.runfolder import default_folder

    if min(args.chains, args.steps, args.keep_every, args.dae_steps, args.classifier_steps,
           args.checkpoint_every) < 1:
        raise CoevoError("--chains, --steps, --keep-every, --dae-steps, --classifier-steps and --checkpoint-every "
                         "must be at least 1")
    if args.eps3_end < 0 and args.eps3_end != -1:
        raise CoevoError(f"--eps3-end must be -1 (the noise stays --eps3) or at least 0, not {args.eps3_end}")
    if not -1 <= args.burn_in < args.steps:
        raise CoevoError(f"--burn-in must be -1 (half the steps) or 0..{args.steps - 1} (fewer than --steps)")
    config = PPGNConfig(run=args.run, data=args.data, size=args.size, classes=args.classes, chains=args.chains,
                        steps=args.steps, keep_every=args.keep_every, burn_in=args.burn_in, eps1=args.eps1,
                        eps2=args.eps2, eps3=args.eps3, eps3_end=args.eps3_end, normalise=args.normalise, lr=args.lr,
                        lr_end=args.lr_end,
                        prior=args.prior, sigma=args.sigma,
                        dae_steps=args.dae_steps, classifier_steps=args.classifier_steps, evaluate=args.evaluate,
                        seed=args.seed, checkpoint_every=args.checkpoint_every)
    out = args.out or default_folder("ppgn", Path(args.run) if args.run else Path("runs"))
    report(run(config, out), out)
    return 0


def report(summary: dict, out: Path) -> None:
    """Print each class's confidence and diversity, and the overall figures."""
    for cls, row in summary["classes"].items():
        print(f"class {cls}: confidence mean {row['confidence_mean']:.4f} min {row['confidence_min']:.4f}  "
              f"diversity final {row['diversity_final']:.3f} chain {row['diversity_chain']:.3f}")
    print(f"all: confidence mean {summary['confidence_mean']:.4f}, lowest class mean "
          f"{summary['class_confidence_min']:.4f}, {summary['share_99']:.1%} of samples >= 0.99; diversity final "
          f"{summary['diversity_final']:.3f}, within chains {summary['diversity_chain']:.3f}, kept samples >= 0.99 "
          f"{summary['diversity_samples']:.3f} ({summary['samples_share_99']:.1%} of them); wrote {out}")

"""``coevo ppgn``: Plug & Play Generative Network sampling from a generator run (Nguyen et al. 2017)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.commands.flags import add_flags, given, help_of
from coevo.training.config import PPGNConfig


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("ppgn", help="Plug & Play sampling of each class from a generator run and the LeNet",
                            description="h <- h + eps1 (R(h) - h) + eps2 grad log p(y | G(h)) + N(0, eps3^2), "
                            "eps3 decaying linearly to --eps3-end, for "
                            "every class of the cached LeNet; G a dcgan or vae run's generator (or none: pixel "
                            "space), R a denoising autoencoder on h. Writes ppgn.png (a row per class) and ppgn.json "
                            "(confidence and diversity per class). Ablations: --eps1 0 is DGN-AM; a large --eps1 "
                            "ignores the class; no RUN samples pixels. Example: coevo ppgn runs/vae --out runs/ppgn")
    parser.add_argument("run", nargs="?", default="", help=help_of(PPGNConfig, "run"))
    add_flags(parser, PPGNConfig, skip=("run",))
    parser.add_argument("--out", type=Path, help="output run folder (default RUN/ppgn, or runs/ppgn-pixels "
                        "without RUN; numbered -2, -3, ... while taken)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.programs.ppgn import run
    from coevo.store.runfolder import default_folder

    config = PPGNConfig(**given(args, PPGNConfig))
    out = args.out or (default_folder("ppgn", Path(args.run)) if args.run else default_folder("ppgn-pixels"))
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
    judge = summary.get("judge")
    if judge:
        fids = "" if "fid" not in judge else f"; FID {judge['fid']:.2f}" + "".join(
            f", {name} {judge[key]:.2f}" for key, name in (("generator_fid", "the generator's own samples"),
                                                           ("real_fid", "held-out real digits")) if key in judge)
        print(f"independent judge ({judge['images']} images neither the LeNet nor the generator saw): asked class "
              f"top pick {judge['top']:.1%}, p >= 0.99 {judge['share_99']:.1%} (real digits {judge['real_top']:.1%}, "
              f"{judge['real_share_99']:.1%}){fids}")

"""The DCGAN artist: a generator network trained by gradient steps on the critic's scores of its images.

GAN training is the ordinary loop with ``--fakes latest`` and k critic steps per round: ``ask`` draws a batch
G(z) carrying its autograd graph, the critic learns and then scores it, and ``tell`` takes the generator step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import torch

from artists.dcgan import egan as egan_module
from artists.dcgan.networks import SIZES, Generator
from coevo import rng
from coevo.losses import artist_loss, check, make_optimizer
from coevo.protocols import Critic, Proposal
from coevo.training.settings import Limits


class DCGANArtist:
    """A DCGAN generator as an ``Artist``; ``lr``, ``betas`` and ``optimizer`` default by loss.

    On a CUDA GPU the generator runs in channels-last layout under bf16 autocast (``amp``, on by default there).
    ``egan=true`` trains it as E-GAN (Wang et al. 2019; ``artists.dcgan.egan``): each step one child per loss of
    ``egan_losses``, the fittest by quality + ``egan_gamma`` × diversity against the critic kept.
    """

    # option bounds (coevo.training.settings.check_options): at ngf 256 the 64-pixel generator's weights and Adam
    # state are ~0.6 GB
    LIMITS: ClassVar[Limits] = {"nz": (1, 1024), "ngf": (1, 256), "batch": (1, 65536)}
    square = True  # the convolutional generator makes square images of SIZES only

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), batch: int = 64, device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", nz: int = 100, ngf: int = 64, lr: float | None = None,
                 betas: tuple[float, float] | list[float] | None = None, optimizer: str | None = None,
                 amp: bool | None = None, egan: bool = False, egan_gamma: float = egan_module.GAMMA,
                 egan_losses: str | list[str] = egan_module.DEFAULT_LOSSES) -> None:
        channels, height, width = shape
        if self.square and (height != width or height not in SIZES):
            raise ValueError(f"the DCGAN artist makes square {'/'.join(map(str, SIZES))} pixel images, "
                             f"not {height}x{width}; pass --size 28, 32 or 64")
        self.loss = check(loss)
        self.egan = bool(egan)  # E-GAN: children by several losses, the fittest kept (artists.dcgan.egan)
        self.egan_gamma = egan_module.check_gamma(egan_gamma)
        self.egan_losses = egan_module.parse_losses(egan_losses)
        self.shape, self.batch, self.nz, self.ngf = (channels, height, width), batch, nz, ngf
        self.device = torch.device(device)
        with rng.module_init():
            self.net = self.network().to(self.device)
        cuda = self.device.type == "cuda"
        self.amp = cuda and torch.cuda.is_bf16_supported() and (amp is None or bool(amp))
        if cuda:
            self.net = self.net.to(memory_format=torch.channels_last)
        self.opt = make_optimizer(self.net.parameters(), self.loss, optimizer, lr, betas)
        self.steps = 0

    def network(self) -> torch.nn.Module:
        """The generator network (subclasses build theirs from the same settings)."""
        channels, size, _ = self.shape
        return Generator(self.nz, channels, size, self.ngf)

    def ask(self) -> Proposal:
        """A fresh batch G(z), with its graph, and z in ``extra``."""
        self.net.train()
        z = rng.randn(self.batch, self.nz, device=self.device)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp):
            images = self.net(z)
        return Proposal(images=images.float(), extra={"z": z})

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """One generator step on the loss of the critic's scores of ``proposal``."""
        self.opt.zero_grad(set_to_none=True)
        loss = artist_loss(self.loss, scores)
        extra = self.regulariser(proposal)
        (loss if extra is None else loss + extra).backward(inputs=list(self.net.parameters()))  # not the critic's
        self.opt.step()
        self.steps += 1
        return {"artist_loss": loss.item()} | ({} if extra is None else {"artist_regulariser": extra.item()})

    def tell_refereed(self, proposal: Proposal, scores: torch.Tensor, critic: Critic,
                      real: Callable[[int], torch.Tensor] | None) -> dict[str, float]:
        """``tell``; with ``egan`` an E-GAN step instead: one child per loss, the fittest by the critic kept."""
        if not self.egan:
            return self.tell(proposal, scores)
        return egan_module.evolve(self, proposal, scores, critic, real)

    def regulariser(self, proposal: Proposal) -> torch.Tensor | None:
        """A term added to the generator's loss (with its graph), or None: none for the plain DCGAN."""
        return None

    @torch.no_grad()
    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Images for given latents ``(N, nz)``, in eval mode (BatchNorm running statistics)."""
        self.net.eval()
        return self.net(z.to(self.device)).float().cpu()

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images for latents with their graph back to ``z`` (eval mode), for gradient samplers (PPGN)."""
        self.net.eval()
        return self.net(z.to(self.device)).float().to(z.device)

    def sample(self, n: int) -> torch.Tensor:
        """``n`` images from fresh latents (for metrics), on the CPU."""
        return torch.cat([self.generate(rng.randn(min(256, n - i), self.nz)) for i in range(0, n, 256)])

    def state_dict(self) -> dict[str, Any]:
        return {"net": self.net.state_dict(), "opt": self.opt.state_dict(), "steps": self.steps,
                "shape": list(self.shape), "nz": self.nz, "ngf": self.ngf}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.opt.load_state_dict(state["opt"])
        self.steps = int(state["steps"])

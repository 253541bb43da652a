"""The class-conditional DCGAN artist (cDCGAN): G(z | y), each image drawn as a named class.

Its proposals carry ``labels`` (the class each image is meant to be), so a ``LabelledCritic`` (the projection
critic ``ccnn``) learns D(x | y) from labelled real batches against them and scores each image as its class.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import torch

from artists.dcgan.artist import DCGANArtist
from artists.dcgan.networks import ConditionalGenerator
from coevo import rng
from coevo.errors import CoevoError
from coevo.protocols import Proposal
from coevo.training.settings import Limits


class ConditionalDCGANArtist(DCGANArtist):
    """A DCGAN generator with a label embedding concatenated to its latent (``embed`` numbers per class).

    ``ask`` draws the batch's classes uniformly (global Torch generator), then ``z``; options as ``dcgan``, and
    ``augment=true`` for conditioning augmentation (StackGAN: the condition sampled from N(μ(y), σ(y)²)), whose KL
    term to N(0, I) joins the generator's loss weighted by ``kl`` (StackGAN's λ = 1); ``cbn=true`` makes every
    BatchNorm's gain and bias linear in the condition (conditional batch norm, as Miyato & Koyama 2018's generator),
    so the class reaches every layer, not only the input. ``ema=0.999`` draws every image shown (samples, sheets,
    latent tools) from an exponential moving average of the generator's weights and BatchNorm statistics (Yazıcı et
    al. 2019; BigGAN's G_ema), updated after each step; training itself is unchanged (0: off, the live generator).
    """

    LIMITS: ClassVar[Limits] = {**DCGANArtist.LIMITS, "embed": (1, 1024), "classes": (2, 100_000),
                                "ema": (0.0, 0.99999)}

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), batch: int = 64, device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", classes: int = 10, nz: int = 100, ngf: int = 64, embed: int = 10,
                 lr: float | None = None, betas: tuple[float, float] | list[float] | None = None,
                 optimizer: str | None = None, amp: bool | None = None, augment: bool = False,
                 kl: float = 1.0, cbn: bool = False, ema: float = 0.0) -> None:
        if classes < 2:
            raise ValueError(f"a conditional generator needs at least 2 classes (got {classes}); use labelled data")
        if not 0 <= kl <= 1000:
            raise ValueError(f"the KL weight kl must lie in 0..1000 (got {kl})")
        self.classes, self.embed, self.augment, self.kl = int(classes), int(embed), bool(augment), float(kl)
        if not 0 <= ema < 1:
            raise ValueError(f"the moving average's decay ema must lie in [0, 1) (got {ema}); pass e.g. ema=0.999")
        self.cbn, self.ema = bool(cbn), float(ema)
        super().__init__(shape, batch, device, loss, nz, ngf, lr, betas, optimizer, amp)
        self.average: torch.nn.Module | None = None  # the averaged generator (ema > 0), a copy of the initial net
        if self.ema:
            self.average = copy.deepcopy(self.net).requires_grad_(False)

    def network(self) -> torch.nn.Module:
        channels, size, _ = self.shape
        return ConditionalGenerator(self.nz, self.classes, channels, size, self.ngf, self.embed, self.augment,
                                    self.cbn)

    def regulariser(self, proposal: Proposal) -> torch.Tensor | None:
        """``kl`` × the conditioning augmentation's KL term of the proposal's classes (None without it)."""
        if not self.augment or proposal.labels is None:
            return None
        return self.kl * self.net.kl(proposal.labels.to(self.device))

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """The generator step; with ``ema`` the moving average then follows the stepped weights."""
        metrics = super().tell(proposal, scores)
        self.follow()
        return metrics

    @torch.no_grad()
    def follow(self) -> None:
        """One step of the moving average: every floating parameter and BatchNorm statistic moves by 1 − d towards
        the live one (d = min(ema, (1 + t) / (10 + t)) after t steps, TensorFlow's ExponentialMovingAverage, so the
        initial weights fade early); integer buffers are copied."""
        if self.average is None:
            return
        decay = min(self.ema, (1 + self.steps) / (10 + self.steps))
        live = self.net.state_dict()
        for key, value in self.average.state_dict().items():
            if value.is_floating_point():
                value.lerp_(live[key], 1 - decay)
            else:
                value.copy_(live[key])

    @property
    def shown(self) -> torch.nn.Module:
        """The network that draws the images shown: the moving average with ``ema``, else the live generator."""
        return self.net if self.average is None else self.average

    def ask(self) -> Proposal:
        """A fresh batch G(z | y) with its graph; ``labels`` y, and z in ``extra``."""
        self.net.train()
        labels = rng.randint(self.classes, (self.batch,), device=self.device)
        z = rng.randn(self.batch, self.nz, device=self.device)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp):
            images = self.net(z, labels)
        return Proposal(images=images.float(), labels=labels, extra={"z": z})

    def cycle(self, n: int) -> torch.Tensor:
        """Labels 0, 1, ..., classes - 1, 0, 1, ... for ``n`` images (the default class of each sheet image)."""
        return torch.arange(n) % self.classes

    @torch.no_grad()
    def generate_labelled(self, z: torch.Tensor, labels: torch.Tensor, live: bool = False) -> torch.Tensor:
        """Images of the given classes for given latents, in eval mode, on the CPU (``live``: by the trained
        generator even with ``ema``)."""
        net = self.net if live else self.shown
        net.eval()
        return net(z.to(self.device), labels.to(self.device)).float().cpu()

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Images for given latents, the classes cycling 0, 1, ... (``generate_labelled`` names them)."""
        return self.generate_labelled(z, self.cycle(len(z)))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images with their graph back to ``z``, the classes cycling as in ``generate``."""
        net = self.shown
        net.eval()
        return net(z.to(self.device), self.cycle(len(z)).to(self.device)).float().to(z.device)

    def sample(self, n: int) -> torch.Tensor:
        """``n`` images from fresh latents, the classes cycling (balanced), on the CPU."""
        return self.sample_labelled(n)[0]

    def sample_labelled(self, n: int, live: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` images with the classes they were asked to be (cycling through the classes)."""
        labels = self.cycle(n)
        parts = [self.generate_labelled(rng.randn(len(part), self.nz), part, live) for part in labels.split(256)]
        return torch.cat(parts), labels

    def state_dict(self) -> dict[str, Any]:
        state = {**super().state_dict(), "classes": self.classes, "embed": self.embed}
        return state if self.average is None else {**state, "average": self.average.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        if self.average is not None:
            if "average" not in state:
                raise CoevoError("the checkpoint holds no moving average: it was saved without ema; resume it "
                                 "without --artist-option ema")
            self.average.load_state_dict(state["average"])

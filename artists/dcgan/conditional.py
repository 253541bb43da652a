"""The class-conditional DCGAN artist (cDCGAN): G(z | y), each image drawn as a named class.

Its proposals carry ``labels`` (the class each image is meant to be), so a ``LabelledCritic`` (the projection
critic ``ccnn``) learns D(x | y) from labelled real batches against them and scores each image as its class.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from artists.dcgan.artist import DCGANArtist
from artists.dcgan.networks import ConditionalGenerator
from coevo import rng
from coevo.protocols import Proposal
from coevo.training.settings import Limits


class ConditionalDCGANArtist(DCGANArtist):
    """A DCGAN generator with a label embedding concatenated to its latent (``embed`` numbers per class).

    ``ask`` draws the batch's classes uniformly (global Torch generator), then ``z``; options as ``dcgan``, and
    ``augment=true`` for conditioning augmentation (StackGAN: the condition sampled from N(μ(y), σ(y)²)), whose KL
    term to N(0, I) joins the generator's loss weighted by ``kl`` (StackGAN's λ = 1); ``cbn=true`` makes every
    BatchNorm's gain and bias linear in the condition (conditional batch norm, as Miyato & Koyama 2018's generator),
    so the class reaches every layer, not only the input.
    """

    LIMITS: ClassVar[Limits] = {**DCGANArtist.LIMITS, "embed": (1, 1024), "classes": (2, 100_000)}

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), batch: int = 64, device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", classes: int = 10, nz: int = 100, ngf: int = 64, embed: int = 10,
                 lr: float | None = None, betas: tuple[float, float] | list[float] | None = None,
                 optimizer: str | None = None, amp: bool | None = None, augment: bool = False,
                 kl: float = 1.0, cbn: bool = False) -> None:
        if classes < 2:
            raise ValueError(f"a conditional generator needs at least 2 classes (got {classes}); use labelled data")
        if not 0 <= kl <= 1000:
            raise ValueError(f"the KL weight kl must lie in 0..1000 (got {kl})")
        self.classes, self.embed, self.augment, self.kl = int(classes), int(embed), bool(augment), float(kl)
        self.cbn = bool(cbn)
        super().__init__(shape, batch, device, loss, nz, ngf, lr, betas, optimizer, amp)

    def network(self) -> torch.nn.Module:
        channels, size, _ = self.shape
        return ConditionalGenerator(self.nz, self.classes, channels, size, self.ngf, self.embed, self.augment,
                                    self.cbn)

    def regulariser(self, proposal: Proposal) -> torch.Tensor | None:
        """``kl`` × the conditioning augmentation's KL term of the proposal's classes (None without it)."""
        if not self.augment or proposal.labels is None:
            return None
        return self.kl * self.net.kl(proposal.labels.to(self.device))

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
    def generate_labelled(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Images of the given classes for given latents, in eval mode, on the CPU."""
        self.net.eval()
        return self.net(z.to(self.device), labels.to(self.device)).float().cpu()

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Images for given latents, the classes cycling 0, 1, ... (``generate_labelled`` names them)."""
        return self.generate_labelled(z, self.cycle(len(z)))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images with their graph back to ``z``, the classes cycling as in ``generate``."""
        self.net.eval()
        return self.net(z.to(self.device), self.cycle(len(z)).to(self.device)).float().to(z.device)

    def sample(self, n: int) -> torch.Tensor:
        """``n`` images from fresh latents, the classes cycling (balanced), on the CPU."""
        return self.sample_labelled(n)[0]

    def sample_labelled(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` images with the classes they were asked to be (cycling through the classes)."""
        labels = self.cycle(n)
        parts = [self.generate_labelled(rng.randn(len(part), self.nz), part) for part in labels.split(256)]
        return torch.cat(parts), labels

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "classes": self.classes, "embed": self.embed}

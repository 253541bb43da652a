"""The MLP generator artist: Lipizzaner's MNIST generator (64 → 256 → 256 → 784, tanh) trained as the DCGAN
artist is, so co-evolutionary GAN set-ups from the literature can be played with coevo's loop and critics."""

from __future__ import annotations

import torch

from artists.dcgan import egan as egan_module
from artists.dcgan.artist import DCGANArtist
from artists.dcgan.networks import MLP_NORMS, MLPGenerator


class MLPGeneratorArtist(DCGANArtist):
    """A fully connected generator of any image shape; ``nz`` (64) latent numbers, ``hidden`` (256) units in each
    of ``depth`` (2) hidden layers; ``norm=batch``: PacGAN's 2-D generator's BatchNorm + ReLU layers (see
    ``MLPGenerator``); optimiser and E-GAN options as ``dcgan``."""

    square = False

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), batch: int = 64, device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", nz: int = 64, hidden: int = 256, lr: float | None = None,
                 betas: tuple[float, float] | list[float] | None = None, optimizer: str | None = None,
                 amp: bool | None = None, egan: bool = False, egan_gamma: float = egan_module.GAMMA,
                 egan_losses: str | list[str] = egan_module.DEFAULT_LOSSES, depth: int = 2, norm: str = "none") -> None:
        if not (1 <= nz <= 4096 and 1 <= hidden <= 16384 and 1 <= depth <= 16):
            raise ValueError(f"nz takes 1..4096, hidden 1..16384 and depth 1..16 (got nz={nz}, hidden={hidden}, "
                             f"depth={depth})")
        if norm not in MLP_NORMS:
            raise ValueError(f"the MLP generator takes norm={' or norm='.join(MLP_NORMS)}, not {norm!r}")
        self.depth, self.norm = depth, norm
        super().__init__(shape, batch, device, loss, nz, hidden, lr, betas, optimizer, amp, egan, egan_gamma,
                         egan_losses)

    def network(self) -> torch.nn.Module:
        return MLPGenerator(self.nz, self.shape, self.ngf, self.depth, self.norm)  # ngf holds the hidden width (saved)

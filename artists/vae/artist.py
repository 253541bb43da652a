"""The VAE artist: a convolutional VAE trained on real images (reconstruction + KL); its decoder is the artist.

Through the ordinary loop each round: ``ask`` draws G(z), z ~ N(0, I) (the critic learns against them and scores
them, so the run records how real they look), and ``tell`` takes one VAE step on a real batch. With
``adversarial`` > 0 (AE-GAN) the decoder is also trained against the critic: that weight times the GAN loss of
the critic's scores of the prior samples joins the VAE loss (Larsen et al. 2016 in spirit; Makhzani's AAE puts the
critic on the code instead). ``generate(z)``/``sample``/``nz`` make it a ``LatentGenerator`` for ``coevo latent``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import torch
import torch.nn.functional as F

from artists.vae.networks import Decoder, Encoder
from coevo import rng
from coevo.losses import artist_loss, check
from coevo.protocols import Proposal
from coevo.training.settings import Limits


class VAEArtist:
    """A VAE on ``real`` images; options ``nz`` (16), ``width`` (32), ``lr`` (1e-3, Adam), ``beta`` (the KL
    weight, 1: a plain VAE), ``adversarial`` (AE-GAN weight of the critic's loss, 0: off)."""

    # option bounds (coevo.training.settings.check_options)
    LIMITS: ClassVar[Limits] = {"nz": (1, 1024), "width": (1, 256), "batch": (1, 65536)}

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), batch: int = 64, device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", real: Callable[[int], torch.Tensor] | None = None, nz: int = 16,
                 width: int = 32, lr: float = 1e-3, beta: float = 1.0, adversarial: float = 0.0) -> None:
        channels, height, side = shape
        if height != side or height % 4:
            raise ValueError(f"the VAE artist makes square images whose side is a multiple of 4, not {height}x{side}; "
                             "pass --size 28, 32 or 64")
        if nz < 1 or width < 1 or beta < 0 or adversarial < 0:
            raise ValueError("nz and width must be positive, beta and adversarial >= 0")
        self.shape, self.batch, self.nz, self.width = (channels, height, side), batch, int(nz), int(width)
        self.loss, self.beta, self.adversarial = check(loss), float(beta), float(adversarial)
        self.real = real
        self.device = torch.device(device)
        with rng.module_init():
            self.encoder = Encoder(self.nz, channels, height, self.width).to(self.device)
            self.decoder = Decoder(self.nz, channels, height, self.width).to(self.device)
        self.opt = torch.optim.Adam([*self.encoder.parameters(), *self.decoder.parameters()], lr=lr)
        self.steps = 0

    def ask(self) -> Proposal:
        """Prior samples G(z), z ~ N(0, I); with the decoder's graph only for AE-GAN."""
        z = rng.randn(self.batch, self.nz, device=self.device)
        with torch.set_grad_enabled(self.adversarial > 0):
            images = self.decoder(z)
        return Proposal(images=images, extra={"z": z})

    def vae_loss(self, real: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per-image means of the reconstruction loss (Bernoulli pixels: summed BCE) and of KL(q(z|x) || N(0, I))."""
        mu, logvar = self.encoder(real)
        noise = rng.randn(*mu.shape, device=mu.device, dtype=mu.dtype)
        z = mu + noise * (0.5 * logvar).exp()  # the reparameterisation trick
        target = (real + 1) / 2  # [-1, 1] -> ink in [0, 1]
        recon = F.binary_cross_entropy_with_logits(self.decoder.logits(z), target, reduction="sum") / len(real)
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum() / len(real)
        return recon + self.beta * kl, recon, kl

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """One Adam step on the VAE loss of a real batch (plus, for AE-GAN, the critic's loss of the samples)."""
        if self.real is None:
            raise RuntimeError("the VAE artist learns from real images; build it with real=data.sample")
        real = self.real(self.batch).to(self.device)
        self.opt.zero_grad(set_to_none=True)
        loss, recon, kl = self.vae_loss(real)
        metrics = {"vae_recon": recon.item(), "vae_kl": kl.item()}
        if self.adversarial > 0:
            fooling = artist_loss(self.loss, scores)
            metrics["artist_loss"] = fooling.item()
            loss = loss + self.adversarial * fooling
        params = [*self.encoder.parameters(), *self.decoder.parameters()]
        loss.backward(inputs=params)  # the VAE's gradients only: the critic's stay untouched
        self.opt.step()
        self.steps += 1
        return metrics

    @torch.no_grad()
    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """The posterior means ``(N, nz)`` of images (codes of real data, e.g. for PPGN's prior on h)."""
        return torch.cat([self.encoder(part.to(self.device))[0].cpu() for part in images.split(256)])

    @torch.no_grad()
    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Decoded images for given latents ``(N, nz)``, on the CPU."""
        return self.decoder(z.to(self.device)).float().cpu()

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Decoded images with their graph back to ``z``, for gradient samplers (PPGN)."""
        return self.decoder(z.to(self.device)).float().to(z.device)

    def sample(self, n: int) -> torch.Tensor:
        """``n`` images from the prior, on the CPU."""
        return torch.cat([self.generate(rng.randn(min(256, n - i), self.nz)) for i in range(0, n, 256)])

    def state_dict(self) -> dict[str, Any]:
        return {"encoder": self.encoder.state_dict(), "decoder": self.decoder.state_dict(),
                "opt": self.opt.state_dict(), "steps": self.steps, "shape": list(self.shape), "nz": self.nz,
                "width": self.width}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.encoder.load_state_dict(state["encoder"])
        self.decoder.load_state_dict(state["decoder"])
        self.opt.load_state_dict(state["opt"])
        self.steps = int(state["steps"])

"""DCGAN generators for 28, 32 and 64 pixel images (Radford et al. 2016; pytorch/examples' recipe).

Every layer but the last is a 4-2-1 transposed convolution (the first layer of the 28-pixel net is a 7×7 one)
followed by BatchNorm and ReLU; the output is tanh, so images lie in ``[-1, 1]``.
"""

from __future__ import annotations

import torch
from torch import nn

from coevo.rng import randn

SIZES = (28, 32, 64)
MLP_NORMS = ("none", "batch")  # the MLP generator's hidden layers: Lipizzaner's, or PacGAN's BatchNorm + ReLU


def init_weights(module: nn.Module) -> None:
    """DCGAN initialisation: convolutions N(0, 0.02), BatchNorm scale N(1, 0.02) and bias 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d) and module.affine:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def _up(cin: int, cout: int, kernel: int = 4, stride: int = 2, pad: int = 1) -> list[nn.Module]:
    return [nn.ConvTranspose2d(cin, cout, kernel, stride, pad, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True)]


def generator_layers(nz: int, channels: int, size: int, ngf: int) -> nn.Sequential:
    """The transposed-convolution stack from a ``(N, nz, 1, 1)`` latent to ``(N, channels, size, size)``."""
    if size == 64:  # pytorch/examples dcgan: 1 -> 4 -> 8 -> 16 -> 32 -> 64
        layers = _up(nz, ngf * 8, 4, 1, 0) + _up(ngf * 8, ngf * 4) + _up(ngf * 4, ngf * 2) + _up(ngf * 2, ngf)
        last = ngf
    elif size == 32:  # 1 -> 4 -> 8 -> 16 -> 32
        layers = _up(nz, ngf * 4, 4, 1, 0) + _up(ngf * 4, ngf * 2) + _up(ngf * 2, ngf)
        last = ngf
    elif size == 28:  # 1 -> 7 -> 14 -> 28
        layers = _up(nz, ngf * 4, 7, 1, 0) + _up(ngf * 4, ngf * 2)
        last = ngf * 2
    else:
        raise ValueError(f"the DCGAN generator makes {', '.join(map(str, SIZES))} pixel images, not {size}; "
                         f"pass --size {' or '.join(map(str, SIZES))}")
    return nn.Sequential(*layers, nn.ConvTranspose2d(last, channels, 4, 2, 1, bias=False), nn.Tanh())


class Generator(nn.Module):
    """G(z) -> image, for a latent ``z`` of shape ``(N, nz)``."""

    def __init__(self, nz: int = 100, channels: int = 1, size: int = 64, ngf: int = 64) -> None:
        super().__init__()
        self.nz = nz
        self.main = generator_layers(nz, channels, size, ngf)
        self.apply(init_weights)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.main(z.view(z.shape[0], self.nz, 1, 1))


class ConditionalBatchNorm2d(nn.Module):
    """BatchNorm whose gain and bias are linear in each image's condition (conditional batch normalisation: de
    Vries et al. 2017; Miyato & Koyama 2018's generator; BigGAN's form, Brock et al. 2019): γ = 1 + W_γ·c, β = W_β·c,
    so the class reaches every layer, not only the input."""

    def __init__(self, channels: int, condition: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.gain, self.bias = nn.Linear(condition, channels), nn.Linear(condition, channels)

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        gain, bias = 1 + self.gain(condition), self.bias(condition)
        return self.norm(x) * gain[:, :, None, None] + bias[:, :, None, None]


class ConditionalGenerator(nn.Module):
    """G(z | y) -> image (Mirza & Osindero 2014): the class's learned embedding is concatenated to ``z``.

    With ``augment`` (conditioning augmentation, Zhang et al. 2017, StackGAN): a linear layer maps the embedding
    to a mean μ and log-variance of a Gaussian, and the condition is a fresh sample μ + σ·ε of it each time (the
    run's generator draws ε), so one class spreads over a neighbourhood of conditions; ``kl`` gives the
    KL divergence to N(0, I) that keeps that neighbourhood wide (the artist adds it to its loss). With ``cbn`` the
    same condition also sets the gain and bias of every BatchNorm (``ConditionalBatchNorm2d``).
    """

    def __init__(self, nz: int = 100, classes: int = 10, channels: int = 1, size: int = 64, ngf: int = 64,
                 embed: int = 10, augment: bool = False, cbn: bool = False) -> None:
        super().__init__()
        self.nz, self.classes, self.embed, self.augment, self.cbn = nz, classes, embed, augment, cbn
        self.labels = nn.Embedding(classes, embed)
        self.main = generator_layers(nz + embed, channels, size, ngf)
        if cbn:  # the same stack, each BatchNorm made conditional (no parameters added to plain nets)
            self.main = nn.Sequential(*(ConditionalBatchNorm2d(layer.num_features, embed)
                                        if isinstance(layer, nn.BatchNorm2d) else layer for layer in self.main))
        self.apply(init_weights)
        nn.init.normal_(self.labels.weight, 0.0, 1.0)  # the embedding lives on the latent's scale
        if augment:  # μ starts as the embedding itself, log σ² at 0: the classes stay apart from the first step
            self.gaussian = nn.Linear(embed, 2 * embed)
            with torch.no_grad():
                self.gaussian.weight.zero_()
                self.gaussian.weight[:embed].copy_(torch.eye(embed))
                self.gaussian.bias.zero_()

    def moments(self, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """μ and log σ² ``(N, embed)`` of each label's condition (augmented), or (embedding, None)."""
        embedded = self.labels(labels.long())
        if not self.augment:
            return embedded, None
        mu, logvar = self.gaussian(embedded).chunk(2, dim=1)
        return mu, logvar

    def kl(self, labels: torch.Tensor) -> torch.Tensor:
        """Mean over the batch of KL(N(μ, σ²) ‖ N(0, I)) (0 without augmentation)."""
        mu, logvar = self.moments(labels)
        if logvar is None:
            return mu.new_zeros(())
        return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()

    def condition(self, labels: torch.Tensor) -> torch.Tensor:
        """Each label's condition ``(N, embed)``: its embedding, or with ``augment`` a fresh sample μ + σ·ε."""
        mu, logvar = self.moments(labels)
        if logvar is None:
            return mu
        return mu + (0.5 * logvar).exp() * randn(*mu.shape, device=mu.device, dtype=mu.dtype)  # the run's generator

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        condition = self.condition(labels)
        h = torch.cat([z.view(z.shape[0], self.nz), condition], dim=1)
        h = h.view(h.shape[0], self.nz + self.embed, 1, 1)
        if not self.cbn:
            return self.main(h)
        for layer in self.main:
            h = layer(h, condition) if isinstance(layer, ConditionalBatchNorm2d) else layer(h)
        return h


class MLPGenerator(nn.Module):
    """Lipizzaner's MNIST generator (its four-layer perceptron): z (64) -> 256 -> 256 -> C·H·W, LeakyReLU 0.2
    between, tanh out, PyTorch's default initialisation; any image shape.

    ``norm="batch"``: PacGAN's 2-D generator instead (Lin et al. 2018, after ALI): each hidden layer linear without
    bias, BatchNorm (running statistics at momentum 0.05, as PacGAN's population updates) and ReLU, every weight
    N(0, 0.02); the output keeps tanh, so images stay in [-1, 1] (PacGAN's is linear)."""

    def __init__(self, nz: int = 64, shape: tuple[int, int, int] = (1, 28, 28), hidden: int = 256,
                 depth: int = 2, norm: str = "none") -> None:
        super().__init__()
        if norm not in MLP_NORMS:
            raise ValueError(f"the MLP generator takes norm={' or norm='.join(MLP_NORMS)}, not {norm!r}")
        self.nz, self.shape = nz, tuple(shape)
        pixels = shape[0] * shape[1] * shape[2]
        layers: list[nn.Module] = []
        features = nz
        for _ in range(depth):  # ``depth`` hidden layers (Lipizzaner's 2; PacGAN's 2-D generator has 4)
            if norm == "batch":
                layers += [nn.Linear(features, hidden, bias=False), nn.BatchNorm1d(hidden, momentum=0.05),
                           nn.ReLU()]
            else:
                layers += [nn.Linear(features, hidden), nn.LeakyReLU(0.2)]
            features = hidden
        self.main = nn.Sequential(*layers, nn.Linear(hidden, pixels), nn.Tanh())
        if norm == "batch":
            for module in self.main:
                if isinstance(module, nn.Linear):
                    nn.init.normal_(module.weight, 0.0, 0.02)
                    if module.bias is not None:
                        nn.init.zeros_(module.bias)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.main(z.view(z.shape[0], self.nz)).view(z.shape[0], *self.shape)

"""The conditional CNN critic ``ccnn``: a projection discriminator D(x | y) (Miyato & Koyama 2018)."""

from __future__ import annotations

import torch

from critics.cnn.critic import CNNCritic
from critics.cnn.network import FULL_WIDTH, ProjectionDiscriminator


class ConditionalCNNCritic(CNNCritic):
    """The CNN critic with a class projection: a ``LabelledCritic`` for class-conditional GANs (``cdcgan``).

    ``score_labelled`` / ``learn_labelled`` judge each image as an example of its class; plain ``score`` and
    ``learn`` (unlabelled artists, held-out accuracy) use the unconditional term psi(phi(x)) alone. Options as
    ``cnn``, plus ``classes`` (given by labelled data).
    """

    def __init__(self, shape: tuple[int, int, int] = (1, 32, 32), device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", classes: int = 10, norm: str | None = None, lr: float | None = None,
                 betas: tuple[float, float] | list[float] | None = None, width: int = 32, clip: float = 0.01,
                 penalty: float = 10.0, chunk: int = 512, full_width: int = FULL_WIDTH) -> None:
        if classes < 2:
            raise ValueError(f"a conditional critic needs at least 2 classes (got {classes}); use labelled data")
        self.classes = int(classes)
        super().__init__(shape, device, loss, norm, lr, betas, width, clip, penalty, chunk, full_width=full_width)

    def network(self, width: int) -> torch.nn.Module:
        return ProjectionDiscriminator(self.shape, self.classes, width, self.norm, self.full_width)

    def _labels(self, labels: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        if labels.shape != (len(images),):
            raise ValueError(f"expected one label per image ({len(images)}), got shape {tuple(labels.shape)}")
        if len(labels) and (int(labels.min()) < 0 or int(labels.max()) >= self.classes):
            raise ValueError(f"labels must lie in 0..{self.classes - 1}")
        return labels.long()

    def score_labelled(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Logits of D(x | y) ``(N,)``: how real each image looks as an example of its class."""
        return self._score(images, self._labels(labels, images))

    def learn_labelled(self, real: torch.Tensor, real_labels: torch.Tensor, fake: torch.Tensor,
                       fake_labels: torch.Tensor) -> dict[str, float]:
        """One optimiser step of the loss on labelled real images against labelled fakes."""
        labels = torch.cat([self._labels(real_labels, real).cpu(), self._labels(fake_labels, fake).cpu()])
        return self._learn(real, fake, labels)

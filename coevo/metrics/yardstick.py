"""Lipizzaner's MNIST yardstick: the published ``MNISTCnn`` classifier (ALFA-group/lipizzaner-gan,
``src/training/mixture/fid_mnist.py``, MIT), FID on its 10 output logits and the total-variation distance of its
predicted-label frequencies (``fid_score.py``). Published co-evolutionary GAN numbers on MNIST use it, so these two
numbers are the ones coevo can set beside the literature; its weights file comes from that repository (a user's
path, never downloaded), and is read as tensors only (``torch.load(weights_only=True)``: no code runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from coevo.errors import CoevoError
from coevo.loop import Hook, Progress, Round, Stop
from coevo.metrics.distances import frechet_distance, total_variation
from coevo.protocols import Sampler
from coevo.rng import rng_state, set_rng_state

SIDE = 28  # the network's input: 1 × 28 × 28 pixels in [-1, 1] (as Lipizzaner's data loader normalises MNIST)
CLASSES = 10
MAX_BYTES = 16 * 2**20  # the published file has 88 kB; anything far larger is not it
REFERENCE = 2500  # real images of the reference: the n of Lipizzaner's published MNIST numbers
SHAPES = {"conv1.weight": (10, 1, 5, 5), "conv1.bias": (10,), "conv2.weight": (20, 10, 5, 5), "conv2.bias": (20,),
          "fc1.weight": (50, 320), "fc1.bias": (50,), "fc2.weight": (10, 50), "fc2.bias": (10,)}


class MNISTCnn(nn.Module):
    """conv 1→10 k5, pool, ReLU; conv 10→20 k5, pool, ReLU; fc 320→50, ReLU; fc 50→10 (the logits)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """The 10 logits of ``(N, 1, 28, 28)`` images (dropout is off at evaluation, as in Lipizzaner)."""
        x = F.relu(F.max_pool2d(self.conv1(images), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def load_weights(path: Path) -> MNISTCnn:
    """``MNISTCnn`` with the weights in ``path`` (a ``torch.save``d state dict; CUDA storages are mapped to the
    CPU); read as plain tensors, each name and shape checked. Raises ``CoevoError`` naming the fix."""
    path = Path(path)
    hint = "pass the mnist_cnn.pkl of ALFA-group/lipizzaner-gan (output/networks/)"
    if not path.is_file():
        raise CoevoError(f"no yardstick weights at {path}; {hint}")
    if path.stat().st_size > MAX_BYTES:
        raise CoevoError(f"{path} has {path.stat().st_size} bytes, not a 88 kB MNISTCnn state dict; {hint}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unpickling failure: the file is not what it should be
        raise CoevoError(f"{path} is not a tensor-only state dict ({type(exc).__name__}); {hint}") from None
    if not isinstance(state, dict):
        raise CoevoError(f"{path} holds a {type(state).__name__}, not a state dict; {hint}")
    got = {k: tuple(v.shape) for k, v in state.items() if isinstance(v, torch.Tensor)}
    if got != SHAPES or len(state) != len(SHAPES):
        raise CoevoError(f"{path} is not an MNISTCnn state dict (tensors {sorted(got)}); {hint}")
    if not all(torch.isfinite(v).all() for v in state.values()):
        raise CoevoError(f"{path} holds non-finite weights; {hint}")
    with torch.random.fork_rng(devices=[]):  # its random initialisation must not move the run's generator
        net = MNISTCnn()
    net.load_state_dict({k: v.float() for k, v in state.items()})
    return net.eval().requires_grad_(False)


def fit(images: torch.Tensor) -> torch.Tensor:
    """``(N, 1, 28, 28)`` from coevo images: one channel (RGB is averaged), resized to 28 px (bilinear)."""
    if images.ndim != 4 or images.shape[1] not in (1, 3):
        raise CoevoError(f"the MNIST yardstick reads grey or RGB images, not shape {tuple(images.shape)}")
    images = images.detach().float().cpu()
    if images.shape[1] == 3:
        images = images.mean(1, keepdim=True)
    if images.shape[-2:] != (SIDE, SIDE):
        images = F.interpolate(images, size=(SIDE, SIDE), mode="bilinear", align_corners=False, antialias=True)
    return images


@dataclass
class Yardstick:
    """The loaded net and a fixed reference of real images' logits and labels; ``comparable`` says whether the
    real data and image size are Lipizzaner's (MNIST at 28 px), so that the numbers sit beside published ones."""

    net: MNISTCnn
    real_logits: torch.Tensor
    comparable: bool = False

    @torch.no_grad()
    def logits(self, images: torch.Tensor) -> torch.Tensor:
        """The net's 10 logits of coevo images (in batches of 500)."""
        return torch.cat([self.net(chunk) for chunk in fit(images).split(500)]) if len(images) else torch.zeros(0, 10)

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.logits(images).argmax(1)

    def score(self, fake: torch.Tensor) -> dict[str, float]:
        """``lipizzaner_fid`` (Fréchet distance of the logits to the reference's) and ``lipizzaner_tvd``."""
        logits = self.logits(fake)
        return {"lipizzaner_fid": frechet_distance(self.real_logits, logits),
                "lipizzaner_tvd": total_variation(self.real_logits.argmax(1), logits.argmax(1), CLASSES)}


def load_yardstick(path: Path, real: torch.Tensor, comparable: bool = False, reference: int = REFERENCE) -> Yardstick:
    """The yardstick at ``path`` with the first ``reference`` of ``real`` (a fixed, seed-free choice) as
    reference."""
    net = load_weights(path)
    made = Yardstick(net, torch.zeros(0, CLASSES), comparable)
    made.real_logits = made.logits(real[:reference])
    return made


def is_lipizzaner_data(spec: str, shape: tuple[int, int, int]) -> bool:
    """Whether a run's data are Lipizzaner's: MNIST digits (``mnist:DIR``) at 1 × 28 × 28."""
    return spec.startswith("mnist:") and tuple(shape) == (1, SIDE, SIDE)


class YardstickHook(Hook):
    """A run's yardstick metric: every ``every`` rounds and at the last, ``lipizzaner_fid`` and ``lipizzaner_tvd``
    of ``n`` fresh samples (a generator) or of the round's population join the round's metrics (this hook comes
    before the run's recorder, which writes them into ``metrics.jsonl``). It leaves every random generator as it
    found it, so the run plays the same with or without it."""

    def __init__(self, stick: Yardstick, artist: object, stop: Stop, every: int, n: int = REFERENCE) -> None:
        self.stick, self.artist, self.stop, self.every, self.n = stick, artist, stop, every, n

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if (played.index + 1) % self.every and not self.stop.reached(progress):
            return
        state = rng_state()
        try:
            with torch.no_grad():
                images = (self.artist.sample(self.n) if isinstance(self.artist, Sampler)
                          else played.proposal.images)
            played.metrics.update(self.stick.score(images))
        finally:
            set_rng_state(state)

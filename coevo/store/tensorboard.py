"""A live view of a game in TensorBoard: every round's metrics as scalars, the champion and the best of the proposal
as images every few rounds, and each phase's end as a marker and a line of text, written into the folder's
``tensorboard/`` (``tensorboard --logdir runs`` shows every run). Events written after the last checkpoint of a killed
game are purged on resume (``purge_step``), so its curves continue without the replayed rounds twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.loop import Hook, Progress, Round, Stop

SAMPLES = 16  # images of the proposal shown, best first
FOLDER = "tensorboard"  # where a folder keeps its event files


class TensorBoardHook(Hook):
    """Writes a game's rounds as TensorBoard events into ``log_dir``; images at every ``images_every``-th round
    (0: only at the last) and at the last. The writer opens on ``on_start`` (a refused start writes nothing)."""

    def __init__(self, log_dir: Path, stop: Stop, images_every: int = 5) -> None:
        self.log_dir, self.stop, self.images_every = Path(log_dir), stop, images_every
        self.writer: Any = None

    def on_start(self, progress: Progress) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter  # ~0.3 s of imports: only once a game starts
        except ImportError:
            raise CoevoError("the live view needs the tensorboard package: pip install tensorboard, or pass "
                             "--no-tensorboard") from None

        # a resumed game drops the events of rounds after its checkpoint, which it plays again
        self.writer = SummaryWriter(str(self.log_dir), purge_step=progress.rounds or None, flush_secs=30)

    def on_round_end(self, played: Round, progress: Progress) -> None:
        step = played.index
        for name, value in played.metrics.items():
            self.writer.add_scalar(name, float(value), step)
        if "generations_to_fool" in played.metrics:  # the phases schedule ended a phase this round
            self._phase_ended(played)
        last = self.stop.reached(progress)
        if (self.images_every and step % self.images_every == 0) or last:
            self._images(played)

    def _phase_ended(self, played: Round) -> None:
        metrics = played.metrics
        phase = int(metrics.get("phase", 0))
        self.writer.add_scalar("phases/boundary", phase + 1, played.index)
        how = ("stalled (not fooled)" if metrics.get("phase_stalled") else
               f"fooled after {int(metrics['generations_to_fool'])} generations")
        steps = int(metrics.get("critic_steps_to_recover", 0))
        self.writer.add_text("phases", f"round {played.index}: phase {phase} ended, {how}; the critic trained "
                             f"{steps} updates", played.index)

    def _images(self, played: Round) -> None:
        scores = played.scores.detach().float().cpu()
        if scores.ndim == 2:  # per-class scores: rank by each image's best class
            scores = scores.max(dim=1).values
        order = torch.argsort(scores, descending=True)[:SAMPLES]
        images = ((played.proposal.images.detach().float().cpu()[order] + 1) / 2).clamp(0, 1)
        if images.shape[1] == 2:  # 2-D points (ring, grid): red and green, as coevo.images draws them
            images = torch.cat([images, torch.zeros_like(images[:, :1])], dim=1)
        self.writer.add_image("champion", images[0], played.index)
        self.writer.add_images("samples", images, played.index)

    def on_checkpoint(self) -> None:
        if self.writer is not None:  # what the checkpoint accounts for is on disk before it
            self.writer.flush()

    def on_end(self, progress: Progress) -> None:
        self.close()

    def on_exception(self, error: BaseException) -> None:
        self.close()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

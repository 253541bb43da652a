"""Which artist images the critic learns from: the latest, every earlier champion, a replay buffer, or all."""

from __future__ import annotations

from typing import Any

import torch

from coevo.protocols import Proposal
from coevo.rng import randint, randperm
from coevo.training.kernel import FAKE_POLICIES as POLICIES
from coevo.training.kernel import FAKE_RENAMED as RENAMED


class FakePool:
    """Holds the fake images a critic trains on, under one of the ``POLICIES``.

    - ``latest``: only the current proposal (a GAN).
    - ``champions``: the current proposal plus every earlier round's champions, kept forever (Machado, Blair).
    - ``replay``: the current proposal plus a ring buffer of the last ``capacity`` earlier images.
    - ``archive``: every image the run produced, kept forever (Machado et al. 2008: the engine's whole output
      joins the negatives, not only champions); an individual shown again (an elite, or the warm-up's
      population in round 0) joins once, by its id. It grows by a population a round, on the CPU.
    - ``negatives``: Vickers, Soderlund & Blair's (2017) negative set: one blank (white) image, then the crowned
      champions (the best ``champions`` of each phase, or round, each individual once), kept forever; the
      artist's other images never.
    """

    def __init__(self, policy: str = "latest", capacity: int = 512, champions: int = 1) -> None:
        policy = RENAMED.get(policy, policy)
        if policy not in POLICIES:
            raise ValueError(f"unknown fake-set policy {policy!r}; choose one of {', '.join(POLICIES)}")
        self.policy = policy
        self.capacity = capacity
        self.champions = champions
        self.latest: torch.Tensor | None = None
        self.latest_labels: torch.Tensor | None = None  # the classes the latest images are meant to be, if any
        self.kept: torch.Tensor | None = None  # gallery champions, replay buffer or archive, on the CPU
        self._cursor = 0
        self.archived: set[int] = set()  # ids of the individuals in the archive

    def __len__(self) -> int:
        return 0 if self.kept is None else int(self.kept.shape[0])

    def observe(self, proposal: Proposal) -> None:
        """The artist's newest images, before the critic learns."""
        self.latest = proposal.images.detach()
        self.latest_labels = None if proposal.labels is None else proposal.labels.detach()
        if self.policy == "archive":
            self._archive(proposal)
        elif self.policy == "negatives" and self.kept is None:
            self.kept = torch.ones_like(self.latest[:1].cpu())  # the blank canvas: white is 1 in [-1, 1]

    def _archive(self, proposal: Proposal) -> None:
        images = self.latest.cpu()
        if proposal.ids is not None:
            new = [i for i, ident in enumerate(proposal.ids) if ident not in self.archived]
            self.archived.update(proposal.ids)
            images = images[new]
        self.kept = images.clone() if self.kept is None else torch.cat([self.kept, images])

    @property
    def has_labels(self) -> bool:
        """Whether labelled fakes can be sampled: the latest proposal named its classes (policy ``latest``)."""
        return self.latest_labels is not None and self.policy == "latest"

    def pool(self) -> torch.Tensor:
        """Every fake image the policy offers now, on the CPU: the latest proposal, then what is kept."""
        assert self.latest is not None, "observe() a proposal before sampling"
        if self.kept is None or self.policy == "latest":
            return self.latest.cpu()
        if self.policy in ("archive", "negatives"):  # archive: the latest images are in it already
            return self.kept
        return torch.cat([self.latest.cpu(), self.kept])

    def _index(self, size: int, n: int) -> torch.Tensor:
        return randint(size, (n,)) if n < size else randperm(size)

    def sample(self, n: int) -> torch.Tensor:
        """``n`` fake images drawn (with the run's Torch generator) from what the policy keeps."""
        pool = self.pool()
        return pool[self._index(len(pool), n)].to(self.latest.device)

    def sample_labelled(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` of the latest fakes with the classes they were meant to be."""
        assert self.latest is not None and self.latest_labels is not None, "observe() a labelled proposal first"
        index = self._index(len(self.latest), n).to(self.latest.device)
        return self.latest[index], self.latest_labels[index.to(self.latest_labels.device)]

    def crown(self, proposal: Proposal, scores: torch.Tensor) -> None:
        """After scoring: keep this round's champions (gallery) or its images (replay)."""
        images = proposal.images.detach().cpu()
        if self.policy == "champions":
            top = torch.topk(scores.detach().float().cpu(), min(self.champions, len(images))).indices
            self.kept = images[top] if self.kept is None else torch.cat([self.kept, images[top]])
        elif self.policy == "replay":
            self._push(images)
        elif self.policy == "negatives":
            order = torch.argsort(scores.detach().float().cpu(), descending=True, stable=True).tolist()
            ids = proposal.ids if proposal.ids is not None else [None] * len(images)
            new = [i for i in order if ids[i] is None or ids[i] not in self.archived][: self.champions]
            self.archived.update(ids[i] for i in new if ids[i] is not None)
            self.kept = torch.cat([self.kept, images[new]]) if self.kept is not None else images[new]

    def _push(self, images: torch.Tensor) -> None:
        if self.kept is None:
            self.kept = images[: self.capacity].clone()
            self._cursor = len(self.kept) % self.capacity
            images = images[self.capacity:]
        for image in images:
            if len(self.kept) < self.capacity:
                self.kept = torch.cat([self.kept, image[None]])
            else:
                self.kept[self._cursor] = image
            self._cursor = (self._cursor + 1) % self.capacity

    def state_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "capacity": self.capacity, "champions": self.champions,
                "kept": self.kept, "cursor": self._cursor, "archived": sorted(self.archived)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.policy, self.capacity, self.champions = (RENAMED.get(state["policy"], state["policy"]), state["capacity"],
                                                      state["champions"])
        self.kept, self._cursor = state["kept"], state["cursor"]
        self.archived = set(state.get("archived", ()))  # checkpoints before the archive policy have none

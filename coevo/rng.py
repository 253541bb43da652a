"""The random generators a run owns (Python, NumPy, Torch): seeding them, capturing and restoring their state.

A run draws only from its own ``Generators``: the trainer makes them current for the run's context (``using``),
and every draw in coevo, artists and critics goes through ``python_rng()``, ``numpy_rng()`` and ``torch_rng()``.
So a run is the same whatever else runs in its process (a Dask worker whose own threads draw from Python's
``random``), and touches no module-level generator. Outside a run the current generators are the module-level
ones (``GLOBAL``), so library code and tests that seed those behave as before.

A run's generators are the same kinds as the module-level ones (a ``random.Random``, a legacy
``numpy.random.RandomState``, a CPU ``torch.Generator``) and a checkpoint keeps the same fields, so folders written
when runs drew from the module-level generators resume as they ran.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # torch is imported when first needed: drawing a GP genome needs no torch
    import torch


class Generators:
    """One run's random generators, one per library (the Torch one made when first asked for)."""

    def __init__(self, python: random.Random | None = None, numpy: np.random.RandomState | None = None,
                 torch: torch.Generator | None = None, module_level: bool = False) -> None:
        self.python = random.Random() if python is None else python
        self.numpy = np.random.RandomState() if numpy is None else numpy
        self._torch, self._module_level = torch, module_level

    @property
    def torch(self) -> torch.Generator:
        if self._torch is None:
            import torch

            self._torch = torch.default_generator if self._module_level else torch.Generator()
        return self._torch

    def seed(self, seed: int) -> None:
        """Seed all three from one integer, as ``random.seed``, ``np.random.seed`` and ``torch.manual_seed`` do."""
        self.python.seed(seed)
        self.numpy.seed(seed % 2**32)
        self.torch.manual_seed(seed)


# the module-level generators themselves: what "current" means outside a run
GLOBAL = Generators(random.random.__self__, np.random.random.__self__, module_level=True)  # type: ignore[attr-defined]
_CURRENT: ContextVar[Generators] = ContextVar("coevo_generators", default=GLOBAL)
_TORCH_INIT = threading.Lock()


def current() -> Generators:
    """The generators of the run playing in this context (the module-level ones outside a run)."""
    return _CURRENT.get()


def python_rng() -> random.Random:
    """The current run's Python generator."""
    return _CURRENT.get().python


def numpy_rng() -> np.random.RandomState:
    """The current run's NumPy generator."""
    return _CURRENT.get().numpy


def torch_rng() -> torch.Generator:
    """The current run's (CPU) Torch generator."""
    return _CURRENT.get().torch


@contextmanager
def using(generators: Generators) -> Iterator[Generators]:
    """Make ``generators`` current in this context (this thread, this task) until the block ends."""
    token = _CURRENT.set(generators)
    try:
        yield generators
    finally:
        _CURRENT.reset(token)


def randn(*shape: int, device: torch.device | str | None = None, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Standard normal noise from the current run's Torch generator (drawn on the CPU, then moved to ``device``)."""
    import torch

    return _moved(torch.randn(*shape, generator=torch_rng(), dtype=dtype), device)


def rand(*shape: int, device: torch.device | str | None = None, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Uniform [0, 1) noise from the current run's Torch generator (drawn on the CPU, then moved to ``device``)."""
    import torch

    return _moved(torch.rand(*shape, generator=torch_rng(), dtype=dtype), device)


def randint(high: int, size: tuple[int, ...], device: torch.device | str | None = None) -> torch.Tensor:
    """Integers in [0, high) from the current run's Torch generator (drawn on the CPU, then moved to ``device``)."""
    import torch

    return _moved(torch.randint(high, size, generator=torch_rng()), device)


def randperm(n: int) -> torch.Tensor:
    """A random permutation of 0..n-1 from the current run's Torch generator."""
    import torch

    return torch.randperm(n, generator=torch_rng())


def _moved(tensor: torch.Tensor, device: torch.device | str | None) -> torch.Tensor:
    return tensor if device is None else tensor.to(device)


@contextmanager
def seeded_torch(seed: int) -> Iterator[torch.Generator]:
    """A private Torch generator seeded with ``seed``, current for the block (the run's own does not move): for
    what is seeded on its own (a metric's autoencoder, a classifier trained for a critic, fixed latents)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with using(Generators(current().python, current().numpy, generator)):
        yield generator


@contextmanager
def module_init() -> Iterator[None]:
    """Build torch modules whose default initialisation draws from the current run's Torch generator.

    ``nn.Linear`` and the like draw from Torch's module-level generator with no way to pass another; here that
    generator plays the run's state for the block (one block at a time in a process) and is handed back as it was.
    Within a run nothing else draws from it, so the module-level state is unchanged afterwards."""
    import torch

    own = torch_rng()
    if own is torch.default_generator:
        yield
        return
    with _TORCH_INIT:
        saved = torch.default_generator.get_state()
        torch.default_generator.set_state(own.get_state())
        try:
            yield
        finally:
            own.set_state(torch.default_generator.get_state())
            torch.default_generator.set_state(saved)


def seed_everything(seed: int) -> None:
    """Seed the current run's generators (the module-level ones outside a run) from one integer."""
    current().seed(seed)


def rng_state() -> dict[str, Any]:
    """The current generators' state in plain types and tensors, safe for ``torch.load(weights_only=True)``."""
    import torch

    generators = current()
    version, internal, gauss = generators.python.getstate()
    kind, keys, pos, has_gauss, cached = generators.numpy.get_state()
    state: dict[str, Any] = {
        "python": [version, list(internal), gauss],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(cached)],
        "torch": generators.torch.get_state(),
    }
    if generators is GLOBAL and torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what ``rng_state`` captured into the current generators (older checkpoints held the module-level
    generators' states, the same fields)."""
    import torch

    generators = current()
    version, internal, gauss = state["python"]
    generators.python.setstate((version, tuple(internal), gauss))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    generators.numpy.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    generators.torch.set_state(state["torch"])
    if generators is GLOBAL and "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])

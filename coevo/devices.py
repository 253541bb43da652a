"""The one rule for turning a ``--device`` setting into a torch device."""

from __future__ import annotations

import torch

from coevo.errors import CoevoError


def resolve_device(name: str) -> torch.device:
    """``auto`` picks CUDA when present, else the CPU; asking for CUDA without a GPU is one clear error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise CoevoError(f"device {name!r} asked for but no CUDA GPU is available; use --device cpu or auto")
    return torch.device(name)

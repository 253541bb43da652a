"""The one cache of models trained on a data set (the fooling classifier, the metrics' feature networks).

A model is keyed by a hash of its data and settings, kept in ``$COEVO_CACHE/KIND`` (default
``~/.cache/coevo/KIND``), written atomically, and retrained over when its file is damaged.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import torch

from coevo.errors import CoevoError
from coevo.store.atomic import atomic_write_bytes

Model = TypeVar("Model", bound=torch.nn.Module)


def cache_folder(kind: str, cache_dir: str | Path | None = None) -> Path:
    """``cache_dir`` if given, else ``$COEVO_CACHE/KIND``, else ``~/.cache/coevo/KIND``."""
    if cache_dir is not None:
        return Path(cache_dir)
    return Path(os.environ.get("COEVO_CACHE") or Path.home() / ".cache" / "coevo") / kind


def cached_model(path: Path, empty: Model, train: Callable[[], Model], what: str) -> Model:
    """``empty`` with the weights saved at ``path`` if they load, else ``train()``'s model, saved there.

    Training says so on stderr (it is the one long silence of a first run), with its time when done.
    """
    if path.is_file():
        try:
            empty.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
            return empty
        except Exception:  # torch raises many types for a damaged file: train again below
            pass
    sys.stderr.write(f"coevo: training {what} (once; later runs load it from {path.parent})...\n")
    began = time.perf_counter()
    model = train()
    sys.stderr.write(f"coevo: trained {what} in {time.perf_counter() - began:.0f} s\n")
    buffer = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, buffer)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise CoevoError(f"cannot write model cache {path} ({exc.strerror}); set COEVO_CACHE to a writable "
                         "folder") from None
    return model

"""The cached-model helper: trains once and says so, loads quietly after, retrains a damaged file."""

from __future__ import annotations

from pathlib import Path

import torch

from coevo.toolkits.modelcache import cache_folder, cached_model


def test_training_says_so_once_loading_is_quiet_and_a_damaged_file_retrains(tmp_path: Path, capsys) -> None:
    path = cache_folder("nets", tmp_path) / "net.pt"
    trained = cached_model(path, torch.nn.Linear(2, 1), lambda: torch.nn.Linear(2, 1), "a tiny net")
    err = capsys.readouterr().err
    assert "training a tiny net" in err and "trained a tiny net in" in err
    loaded = cached_model(path, torch.nn.Linear(2, 1), lambda: torch.nn.Linear(2, 1), "a tiny net")
    assert capsys.readouterr().err == "" and torch.equal(loaded.weight, trained.weight)
    path.write_bytes(b"damaged")
    cached_model(path, torch.nn.Linear(2, 1), lambda: torch.nn.Linear(2, 1), "a tiny net")
    assert "training a tiny net" in capsys.readouterr().err

"""``coevo ppgn``'s default folders: RUN/ppgn, or runs/ppgn-pixels without a generator, numbered while taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from coevo.commands.main import main


@pytest.fixture
def outs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """The folders ``coevo ppgn`` would sample into (the sampling itself replaced by a note of its folder)."""
    import coevo.commands.ppgn as command
    import coevo.programs.ppgn as program

    chosen: list[Path] = []
    summary = {"classes": {}, **{k: 0.0 for k in ("confidence_mean", "class_confidence_min", "share_99",
                                                  "diversity_final", "diversity_chain", "diversity_samples",
                                                  "samples_share_99")}}

    def note(config: object, out: Path) -> dict:
        chosen.append(out)
        out.mkdir(parents=True)
        (out / "ppgn.json").write_text("{}")
        return summary

    monkeypatch.setattr(program, "run", note)
    monkeypatch.setattr(command, "report", lambda summary, out: None)
    monkeypatch.chdir(tmp_path)
    return chosen


def test_pixel_space_sampling_never_takes_runs_ppgn(outs: list[Path], tmp_path: Path) -> None:
    assert main(["ppgn", "--data", "digits"]) == 0
    assert main(["ppgn", "--data", "digits"]) == 0
    assert outs == [Path("runs/ppgn-pixels"), Path("runs/ppgn-pixels-2")]  # docs' `--out runs/ppgn` stays free
    (tmp_path / "runs" / "vae").mkdir()
    assert main(["ppgn", "runs/vae"]) == 0
    assert outs[-1] == Path("runs/vae/ppgn")

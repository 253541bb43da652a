"""``coevo export-album`` through the CLI: Dawkins' albums imported and exported again are the same bytes."""

from pathlib import Path

import pytest

from coevo.commands.main import main


def albums(shared_data: Path) -> list[Path]:
    found = sorted(p for p in (shared_data / "dawkins-albums").iterdir() if p.is_file() and p.name != "LICENSE")
    if not found:
        pytest.skip("no Dawkins albums in the shared data folder")
    return found


def test_every_shared_album_round_trips_byte_identical(shared_data: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    for album in albums(shared_data):
        out = tmp_path / album.name
        assert main(["export-album", str(album), "--out", str(out)]) == 0
        assert out.read_bytes() == album.read_bytes(), album.name
        assert f"({album.stat().st_size} bytes)" in capsys.readouterr().out


def test_biomorphs_picked_from_albums_and_genome_files_export_in_order(shared_data: Path, tmp_path: Path) -> None:
    zoo = shared_data / "dawkins-albums" / "Exhibition zoo"
    if not zoo.is_file():
        pytest.skip("no Exhibition zoo album in the shared data folder")
    data = zoo.read_bytes()
    out = tmp_path / "picked"
    assert main(["export-album", f"{zoo}#3", f"{zoo}#1", "--out", str(out)]) == 0
    assert out.read_bytes() == data[80:120] + data[:40]  # 40-byte monochrome records, in the order given
    assert main(["export-album", f"{zoo}#1", "--colour", "--out", str(out)]) == 0
    assert len(out.read_bytes()) == 55 and out.read_bytes()[:40] == data[:40]


def test_a_biomorph_genome_file_exports_and_reads_back(tmp_path: Path) -> None:
    from artists.biomorph.album import read_album
    from artists.biomorph.genetics import BiomorphGenetics
    from coevo.store.genomefile import GenomeFile, write_genome

    genetics = BiomorphGenetics(channels=3, start="Insect")
    genome = genetics.random_genome()
    path = write_genome(tmp_path / "b.json", GenomeFile("biomorph", genetics.options(), genetics.to_json(genome), {}))
    out = tmp_path / "one"
    assert main(["export-album", str(path), "--out", str(out)]) == 0
    assert read_album(out) == [genome] and len(out.read_bytes()) == 55  # colour genetics: a colour record


def test_bad_requests_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from coevo.programs.genomes import build_genetics
    from coevo.store.genomefile import GenomeFile, write_genome

    _, lines = build_genetics("lines", {})
    gp = write_genome(tmp_path / "l.json", GenomeFile("lines", lines.options(), lines.to_json(lines.random_genome())))
    assert main(["export-album", str(gp), "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "an album holds biomorphs only" in err
    assert main(["export-album", str(tmp_path / "missing.json"), "--out", str(tmp_path / "a")]) == 2
    assert not (tmp_path / "a").exists()

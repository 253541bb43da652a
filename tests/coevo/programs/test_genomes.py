"""Loading genome files into an artist's genetics (coevo/programs/genomes.py)."""

import json
from pathlib import Path

import pytest

from coevo.errors import CoevoError
from coevo.programs.genomes import load_genome
from coevo.store.genomefile import GenomeFile, read_genome, write_genome


def test_round_trip_through_load_genome(tmp_path: Path) -> None:
    record = GenomeFile("tests.toys:ToyGenetics", {"channels": 3}, {"weights": [0.5, -1.0, 2.0]},
                        {"id": 4, "parents": [1, 2]})
    write_genome(tmp_path / "g.json", record)
    assert read_genome(tmp_path / "g.json") == record
    artist, genetics, genome, meta = load_genome(tmp_path / "g.json")
    assert artist == "tests.toys:ToyGenetics" and genetics.channels == 3
    assert genome == [0.5, -1.0, 2.0] and meta == {"id": 4, "parents": [1, 2]}
    assert genetics.render([genome], 5).shape == (1, 3, 5, 5)


def test_invalid_genome_body_is_the_artists_error(tmp_path: Path) -> None:
    document = {"format": "coevo-genome", "version": 1, "artist": "tests.toys:ToyGenetics", "options": {},
                "genome": {"weights": [1]}}
    (tmp_path / "g.json").write_text(json.dumps(document))
    with pytest.raises(CoevoError, match="three numbers"):
        load_genome(tmp_path / "g.json")

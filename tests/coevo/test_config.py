from pathlib import Path

import pytest

from coevo.config import RunConfig, dump_config, load_config
from coevo.errors import CoevoError


def test_toml_round_trip(tmp_path: Path) -> None:
    config = RunConfig(artist="x:Y", rounds=7, cxpb=0.25, artist_options={"channels": 3, "color": "hsv"})
    path = tmp_path / "c.toml"
    path.write_text(dump_config(config))
    assert load_config(path) == config


@pytest.mark.parametrize(("text", "match"), [
    ("rounds = ", "not valid TOML"),
    ("colour = 3", "unknown setting 'colour'"),
    ("rounds = 'ten'", "rounds must be an integer"),
    ("cxpb = 2.0", "probability"),
    ("pop = 0", "pop must be at least 1"),
    ("fakes = 'all'", "unknown fake-set policy"),
])
def test_malformed_configs_name_the_problem(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text + "\n")
    with pytest.raises(CoevoError, match=match):
        load_config(path).validate()


def test_missing_config(tmp_path: Path) -> None:
    with pytest.raises(CoevoError, match="does not exist"):
        load_config(tmp_path / "none.toml")

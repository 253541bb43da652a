"""Building a game from run settings (coevo/programs/build.py): the data's channels follow the artist's."""

from __future__ import annotations

import pytest

from coevo.errors import CoevoError
from coevo.programs.build import build
from coevo.training.config import RunConfig


@pytest.mark.parametrize("artist", ["gp", "cppn"])
def test_colour_artist_on_grey_data_gets_the_data_as_rgb(artist: str) -> None:
    """README's `coevo run --artist cppn --critic cnn --artist-option channels=3` on the grey digits."""
    config = RunConfig(artist=artist, critic="cnn", pop=4, warmup=0, artist_options={"channels": 3})
    game = build(config)
    assert game.meta["data"] is not None and game.meta["data"].shape == (3, 32, 32)
    images = game.artist.ask().images
    assert images.shape[1] == 3 and game.critic.score(images).shape == (4,)


def test_channels_other_than_grey_or_colour_are_refused() -> None:
    with pytest.raises(CoevoError, match="channels must be 1"):
        build(RunConfig(artist="gp", pop=4, warmup=0, artist_options={"channels": 2}))

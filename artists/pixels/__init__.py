"""Pixels artist: images optimised directly by gradient on a fixed classifier (fooling images, FGSM / PGD)."""

from artists.pixels.artist import PixelArtist
from artists.pixels.priors import l2_prior, total_variation

__all__ = ["PixelArtist", "l2_prior", "total_variation"]

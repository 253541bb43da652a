"""DCGAN artist: a gradient-trained generator playing the same loop as the evolutionary artists."""

from artists.dcgan.artist import DCGANArtist

__all__ = ["DCGANArtist"]

"""DCGAN artists: gradient-trained generators (plain and class-conditional) playing the same loop."""

from artists.dcgan.artist import DCGANArtist
from artists.dcgan.conditional import ConditionalDCGANArtist

__all__ = ["ConditionalDCGANArtist", "DCGANArtist"]

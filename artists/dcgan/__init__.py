"""DCGAN artists: gradient-trained generators (plain, class-conditional, and Lipizzaner's MLP) playing the same
loop."""

from artists.dcgan.artist import DCGANArtist
from artists.dcgan.conditional import ConditionalDCGANArtist
from artists.dcgan.mlp import MLPGeneratorArtist

__all__ = ["ConditionalDCGANArtist", "DCGANArtist", "MLPGeneratorArtist"]

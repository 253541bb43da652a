"""CPPN artist (Picbreeder): NEAT-style genomes, batched Torch rendering, Picbreeder XML import."""

from artists.cppn.genetics import CPPNGenetics

__all__ = ["CPPNGenetics"]

"""Ant paintings after Greenfield (2009): a few ants on a toroidal grid deposit paint and follow paint."""

from artists.ants.genetics import AntGenetics

__all__ = ["AntGenetics"]

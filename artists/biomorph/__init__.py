"""Dawkins' biomorphs (The Blind Watchmaker, 1986): recursive line trees grown from a few integer genes."""

from artists.biomorph.genetics import BiomorphGenetics

__all__ = ["BiomorphGenetics"]

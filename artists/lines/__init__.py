"""Turtle line drawings after Vickers, Soderlund & Blair (2017): a linear GP program of turtle commands."""

from artists.lines.genetics import LinesGenetics

__all__ = ["LinesGenetics"]

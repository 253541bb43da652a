"""EvoEco after Kowaliw, Dorin & McCormack (2012): agents painting a colour grid, and totalistic automata."""

from artists.evoeco.genetics import EvoEcoGenetics

__all__ = ["EvoEcoGenetics"]

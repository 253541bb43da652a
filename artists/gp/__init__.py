"""The GP artist: Karl Sims-style pixel-function trees on DEAP, rendered by one compiled Numba kernel."""

from artists.gp.genetics import GPGenetics
from artists.gp.genome import GPGenome

__all__ = ["GPGenetics", "GPGenome"]

"""coevo: artists make images, critics judge them, one loop plays them against each other."""

from coevo.errors import CoevoError
from coevo.evolution import EvolutionaryArtist, EvolutionConfig, Individual
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, coevolve, play_round, warm_up
from coevo.protocols import Artist, Critic, Genetics, Proposal, Recorder

__version__ = "0.1.0"

__all__ = [
    "Artist",
    "CoevoError",
    "Critic",
    "EvolutionConfig",
    "EvolutionaryArtist",
    "FakePool",
    "Genetics",
    "Individual",
    "LoopConfig",
    "Proposal",
    "Recorder",
    "coevolve",
    "play_round",
    "warm_up",
]

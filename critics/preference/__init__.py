"""The preference critic: a model of one person, learned from their breeding sessions (Li & Hu 2010)."""

from critics.preference.critic import PreferenceCritic

__all__ = ["PreferenceCritic"]

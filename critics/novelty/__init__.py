"""The novelty critic: a self-organising map of what the artist has shown, and the Wundt curve (Saunders & Gero)."""

from critics.novelty.critic import NoveltyCritic, wundt

__all__ = ["NoveltyCritic", "wundt"]

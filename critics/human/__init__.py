"""The human critic: a person choosing among images in a Pygame window (Blind Watchmaker breeding)."""

from critics.human.critic import HumanCritic

__all__ = ["HumanCritic"]

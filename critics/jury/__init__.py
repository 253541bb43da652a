"""The jury critic: several critics with weights, earlier phases' critics kept at decaying weight (Vickers)."""

from critics.jury.critic import JuryCritic

__all__ = ["JuryCritic"]

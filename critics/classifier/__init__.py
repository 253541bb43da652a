"""A fixed-classifier critic: a cached LeNet's confidence scores images (fooling images, Nguyen et al. 2015)."""

from critics.classifier.critic import ClassifierCritic

__all__ = ["ClassifierCritic"]

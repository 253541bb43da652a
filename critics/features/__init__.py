"""The features critic: an MLP on hand-made aesthetic features (Machado et al. 2008; Vickers et al. 2017)."""

from critics.features.critic import FeaturesCritic

__all__ = ["FeaturesCritic"]

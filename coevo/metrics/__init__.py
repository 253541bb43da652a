"""Offline image metrics: feature networks trained on the data set itself, FID, KID, precision / recall, density /
coverage, class coverage and histogram distance, critic accuracy, and Lipizzaner's MNIST yardstick (a user's file).
Nothing is downloaded."""

from coevo.metrics.distances import (
    critic_accuracy,
    density_coverage,
    frechet_distance,
    kernel_inception_distance,
    mode_coverage,
    precision_recall,
    total_variation,
)
from coevo.metrics.evaluator import Evaluator
from coevo.metrics.features import FeatureNet, feature_net

__all__ = ["Evaluator", "FeatureNet", "critic_accuracy", "density_coverage", "feature_net", "frechet_distance",
           "kernel_inception_distance", "mode_coverage", "precision_recall", "total_variation"]

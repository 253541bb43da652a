"""The CNN critics: a DCGAN-style convolutional discriminator, its class-conditional projection form, and
PacGAN's maxout MLP for 2-D points."""

from critics.cnn.conditional import ConditionalCNNCritic
from critics.cnn.critic import CNNCritic
from critics.cnn.mlp import MLPCritic

__all__ = ["CNNCritic", "ConditionalCNNCritic", "MLPCritic"]

"""The CNN critics: a DCGAN-style convolutional discriminator, and its class-conditional projection form."""

from critics.cnn.conditional import ConditionalCNNCritic
from critics.cnn.critic import CNNCritic

__all__ = ["CNNCritic", "ConditionalCNNCritic"]

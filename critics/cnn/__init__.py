"""The CNN critic: a DCGAN-style convolutional discriminator trained against the artist's images."""

from critics.cnn.critic import CNNCritic

__all__ = ["CNNCritic"]

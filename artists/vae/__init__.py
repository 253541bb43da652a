"""VAE artist: a convolutional variational autoencoder trained on the data; its decoder draws the images."""

from artists.vae.artist import VAEArtist

__all__ = ["VAEArtist"]

"""Artists: the makers of images (each a Genetics for evolutionary artists, or an Artist)."""

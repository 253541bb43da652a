"""``coevo serve``: breeding in the browser over the gallery database (a self-hosted Picbreeder)."""

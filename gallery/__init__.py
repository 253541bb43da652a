"""Stores and shows what runs and breeding sessions make: run folders, genome files, images."""

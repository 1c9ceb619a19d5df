"""Worlds to fill a database with: the demo of the seed articles and synthetic data at bench scales."""

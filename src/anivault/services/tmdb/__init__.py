"""TMDB v3 access: our own interface in front of tmdbv3api (or plain requests), one transport."""

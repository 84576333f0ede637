"""I/O services: the TMDB client and its transport, the JSON cache, settings."""

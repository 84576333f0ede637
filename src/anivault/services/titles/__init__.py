"""The anime title index: every title a series, season or movie is released under → TMDB id,
media type, season and episode offset (``docs/title-index.md``).

The package imports nothing itself, so that ``anivault titles --help`` reads ``defaults`` alone.
"""

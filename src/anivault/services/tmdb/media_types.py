"""TMDB's two kinds of title. Apart from ``models.py`` so that ``--help`` offers them (``--tmdb-type``)
without building the TMDB models."""

from __future__ import annotations

from typing import Literal, get_args

MediaType = Literal["tv", "movie"]
MEDIA_TYPES: tuple[MediaType, ...] = get_args(MediaType)

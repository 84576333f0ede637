"""Release file name → ``ParsedName``: anitopy first, the ``parse`` library as fallback, then ours.

text.py       make any name safe to read (surrogates, NFD, bidi marks, trailing dots) and split
              off the extension and sidecar language tags
structure.py  the release-name shapes anitopy misreads (`` - 07``, ``SP02``, ``[A][07][B]``,
              ``S01E05-E06``, ``1x02``) and the ``parse``-library fallback patterns
words.py      episode numbers spelled otherwise: episode words in several languages (``Episode.18``,
              ``EP1``, ``#957``, ``Cap.102``, ``第3話``), batch ranges, ``Title.103.HDTV``,
              a number before the title
tags.py       the resolution, CRC and version of plain fansub names, read without anitopy
trailing.py   the parenthesis that ends a WEB release name: the show's other title, or only tags
names.py      parse_name: anitopy (or tags.py), then those readers, then title normalisation
folders.py    parse_file: the parent folder is evidence too (``Title S2/01.mkv``, ``Show/Season 2/``,
              an obfuscated file in a one-episode scene folder), and folders that a ``/`` in a
              release name made are read as that one name again
"""

from __future__ import annotations

from anivault.core.lookup.parsing.folders import parse_file
from anivault.core.lookup.parsing.names import parse_name
from anivault.core.lookup.parsing.text import sidecar_languages

__all__ = ["parse_file", "parse_name", "sidecar_languages"]

"""Parsed file → TMDB match.

scoring.py    pure score parts (title similarity, own name, year, popularity) and the weights
placement.py  pure placement inside a series: seasons, numbering, sequel cours, specials
matcher.py    the Matcher: query variants and candidates through the client, then the gate
"""

from __future__ import annotations

from anivault.core.lookup.matching.matcher import Matcher
from anivault.core.lookup.matching.scoring import Weights

__all__ = ["Matcher", "Weights"]

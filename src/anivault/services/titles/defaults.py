"""How many hits a title lookup returns and how alike a fuzzy hit must be, unless told otherwise."""

from typing import Final

DEFAULT_LIMIT: Final = 5
DEFAULT_MIN_SIMILARITY: Final = 0.85

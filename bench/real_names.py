"""What the two real-name evaluations share: where the material lies and how a name becomes a file.

Real release names are often written without a file extension (Sonarr and guessit test release
names, not files). The product only ever sees files, so both evaluations give such a name the
extension a download most often has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

PROJECT: Final = Path(__file__).resolve().parents[1]
REAL_NAMES_PARTS: Final = ("shared", "data", "real-names")
"""``../shared/data/real-names`` from the project root; a git worktree one level deeper still finds
it, because every folder above the project root is tried."""

VIDEO_EXTENSIONS: Final = frozenset(
    {".mkv", ".mp4", ".avi", ".m4v", ".webm", ".ts", ".m2ts", ".wmv", ".mov", ".flv", ".ogm", ".mpg"}
)
"""The extensions the product's scan lists as videos."""


def real_names_dir() -> Path:
    """The shared real-name corpus folder; the nearest one above the project (may not exist)."""
    for parent in PROJECT.parents:
        candidate = parent.joinpath(*REAL_NAMES_PARTS)
        if candidate.is_dir():
            return candidate
    return PROJECT.parent.joinpath(*REAL_NAMES_PARTS)


def as_video_file(name: str) -> str:
    """``name`` as a video file path: ``.mkv`` added unless it already ends in a video extension."""
    return name if Path(name).suffix.lower() in VIDEO_EXTENSIONS else f"{name}.mkv"

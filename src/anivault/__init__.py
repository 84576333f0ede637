"""AniVault: organise anime downloads into a media-server-ready library using TMDB."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__`` on first use: reading the installed metadata costs tens of milliseconds,
    which every start-up (``--help`` included) would otherwise pay."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 (see the docstring)

    try:
        return version("anivault")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def version_line() -> str:
    """What ``anivault --version`` prints."""
    return f"anivault, version {__getattr__('__version__')}"

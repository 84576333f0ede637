"""Settings: typed values with a recorded origin, from env → exe-dir TOML → user TOML → defaults.

Every value can come from four places; ``settings show`` and error messages need to say which, so
each resolved value keeps its origin. Files are TOML with flat keys (``tmdb_rate = 20``); an
unknown key, a wrong type or invalid TOML is a ``ConfigError`` naming the file (and the line, for
syntax errors) rather than a silently ignored value.

The AniVault home (config, cache, logs, run state) is ``~/.anivault`` unless ``ANIVAULT_HOME``
says otherwise — tests and the demo point it at a temporary folder.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from anivault.errors import ConfigError
from anivault.services.settings_model import CHOICES, ENV_PREFIX, Settings
from anivault.utils.atomic import atomic_binary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

KEY_ENV_VARS = ("TMDB_API_KEY", "ANIVAULT_TMDB_KEY")
CONFIG_NAME = "anivault.toml"
USER_CONFIG_NAME = "config.toml"


_POSITIVE = frozenset(
    {
        "tmdb_rate",
        "tmdb_burst",
        "tmdb_concurrency",
        "tmdb_connect_timeout",
        "tmdb_read_timeout",
        "tmdb_max_attempts",
        "tmdb_breaker_window",
        "tmdb_consecutive_failures",
        "max_workers",
        "max_path_chars",
    }
)
"""Numeric settings for which 0 means nothing sensible (the others: 0 is "none" or "no limit")."""


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    settings: Settings
    origins: Mapping[str, str]
    """setting name → "env:NAME", a file path, or "default"."""


def default_home(env: Mapping[str, str]) -> Path:
    return Path(env.get(f"{ENV_PREFIX}HOME") or Path.home() / ".anivault")


def config_files(env: Mapping[str, str]) -> tuple[Path, ...]:
    """Config files in precedence order (first wins): beside the executable, then the user's."""
    exe_dir = Path(sys.executable).resolve().parent if getattr(sys, "frozen", False) else None
    user = default_home(env) / USER_CONFIG_NAME
    return tuple(p for p in (exe_dir / CONFIG_NAME if exe_dir else None, user) if p is not None)


def load_settings(
    env: Mapping[str, str] | None = None, files: tuple[Path, ...] | None = None
) -> LoadedSettings:
    """Resolve every setting; raise ConfigError for a bad file or a bad environment value."""
    env = os.environ if env is None else env
    # An empty variable counts as unset, as shells and CI files leave them (`ANIVAULT_HOME=`):
    # taken as a value, an empty home would be the current folder.
    layers: list[tuple[str, Mapping[str, Any]]] = [
        (f"env:{ENV_PREFIX}{name.upper()}", {name: env[f"{ENV_PREFIX}{name.upper()}"]})
        for name in _names()
        if env.get(f"{ENV_PREFIX}{name.upper()}")
    ]
    layers += [(str(path), _read_toml(path)) for path in (files if files is not None else config_files(env))]
    values: dict[str, Any] = {"home": str(default_home(env))}
    origins: dict[str, str] = dict.fromkeys(_names(), "default")
    origins["home"] = "env:ANIVAULT_HOME" if env.get(f"{ENV_PREFIX}HOME") else "default"
    for origin, table in reversed(layers):
        for name, raw in table.items():
            located = raw if isinstance(raw, _Located) else _Located(raw, origin)
            values[name] = _coerce(name, located.value, located.where)
            origins[name] = origin
    return LoadedSettings(Settings(**values), origins)


def api_key_from_env(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return next((env[name].strip() for name in KEY_ENV_VARS if env.get(name, "").strip()), None)


def _names() -> list[str]:
    return [f.name for f in fields(Settings)]


def _read_toml(path: Path) -> Mapping[str, _Located]:
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start + 1} cannot be read)") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    unknown = sorted(set(table) - set(_names()))
    if unknown:
        where = _where(path, unknown[0])
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(_names())}")
    return {name: _Located(value, _where(path, name)) for name, value in table.items()}


@dataclass(frozen=True, slots=True)
class _Located:
    """A file value with its ``path:line``, so a wrong type names where to fix it."""

    value: Any
    where: str


def _where(path: Path, name: str) -> str:
    """``path:line`` of the line assigning ``name`` (flat keys only, which is all we accept)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return str(path)
    pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
    line = next((number for number, text in enumerate(lines, 1) if pattern.match(text)), None)
    return f"{path}:{line}" if line else str(path)


def user_config_path(env: Mapping[str, str] | None = None) -> Path:
    """The file ``settings set`` writes: ``{home}/config.toml``."""
    return default_home(os.environ if env is None else env) / USER_CONFIG_NAME


def set_setting(path: Path, name: str, raw: str) -> Any:
    """Validate ``raw`` for ``name``, then rewrite ``path`` atomically with it; return the typed value.

    The existing file must itself be valid: we never turn a broken file into a different broken
    file, and a crash mid-write leaves the old file (``utils/atomic.py``).
    """
    if name not in _names() or name == "home":
        settable = ", ".join(n for n in _names() if n != "home")
        raise ConfigError(f"{path}: not written: unknown setting {name}; settable: {settable}")
    value = _coerce(name, _typed_text(name, raw), f"{path}: not written")
    table = {key: located.value for key, located in _read_toml(path).items()}
    table[name] = value
    import tomli_w  # noqa: PLC0415 (every --help loads this module; only `settings set` writes)

    with atomic_binary(path) as out:
        tomli_w.dump(table, out)
    return value


def _typed_text(name: str, raw: str) -> Any:
    """Command-line text as the setting's type, so ``set tmdb_burst 4.5`` is refused, not truncated."""
    wanted = type(getattr(Settings(), name))
    if wanted is int:
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


_BOOLEAN_WORDS = {
    **dict.fromkeys(("true", "on", "yes", "1"), True),
    **dict.fromkeys(("false", "off", "no", "0"), False),
}
"""How an environment variable or ``settings set`` spells an on/off setting (TOML has true/false)."""


def _boolean(name: str, raw: Any, origin: str) -> bool:
    value = _BOOLEAN_WORDS.get(raw.strip().lower()) if isinstance(raw, str) else raw
    if not isinstance(value, bool):
        raise ConfigError(f"{origin}: setting {name} must be true or false, got {raw!r}")
    return value


def _coerce(name: str, raw: Any, origin: str) -> Any:
    wanted = type(getattr(Settings(), name))
    if wanted is bool:
        return _boolean(name, raw, origin)
    try:
        if wanted is bool or isinstance(raw, bool) or (wanted is int and isinstance(raw, float)):
            raise TypeError
        value = wanted(raw) if isinstance(raw, (str, int, float)) else None
    except (TypeError, ValueError):
        value = None
    if value is None:
        raise ConfigError(f"{origin}: setting {name} must be a {wanted.__name__}, got {raw!r}")
    if name in CHOICES and value not in CHOICES[name]:
        raise ConfigError(f"{origin}: setting {name} must be one of {', '.join(CHOICES[name])}")
    if isinstance(value, (int, float)):
        _check_range(name, value, origin)
    return value


def _check_range(name: str, value: float, origin: str) -> None:
    """Numbers are finite and never negative; a rate, a timeout or a count of workers of zero would
    stop the run (or divide by zero) far from the setting that caused it."""
    if not math.isfinite(value):
        raise ConfigError(f"{origin}: setting {name} must be a finite number, got {value!r}")
    if name in _POSITIVE and value <= 0:
        raise ConfigError(f"{origin}: setting {name} must be greater than 0, got {value!r}")
    if value < 0:
        raise ConfigError(f"{origin}: setting {name} must not be negative, got {value!r}")

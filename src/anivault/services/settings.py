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
from typing import Any, Literal, get_args

from anivault.errors import ConfigError
from anivault.utils.atomic import atomic_binary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ENV_PREFIX = "ANIVAULT_"
KEY_ENV_VARS = ("TMDB_API_KEY", "ANIVAULT_TMDB_KEY")
CONFIG_NAME = "anivault.toml"
USER_CONFIG_NAME = "config.toml"


# The allowed values of the settings that take one of a list, defined here once: the settings are
# the lowest layer that checks them (services import no core), core types its options with these
# literals, and the CLI's options offer the same lists (``CHOICES``).
TmdbBackendName = Literal["tmdbv3api", "requests"]
Preset = Literal["default", "jellyfin", "plex", "kodi"]
ColonStyle = Literal["smart", "space-dash-space", "dash", "delete"]
"""How a colon in a title is written (Sonarr's choices): smart is ``Re - Zero`` but ``12-30``."""
PathRulesName = Literal["auto", "windows", "posix"]
TitleRule = Literal["as-is", "ascii-or-native"]
Action = Literal["move", "copy", "hardlink", "symlink"]
ConflictPolicy = Literal["skip", "index", "fail"]
ExtrasChoice = Literal["move", "keep", "folder", "skip"]
"""``folder`` and ``skip`` are the older names of ``move`` and ``keep``."""

PRESETS: tuple[Preset, ...] = get_args(Preset)
COLON_STYLES: tuple[ColonStyle, ...] = get_args(ColonStyle)
PATH_RULES: tuple[PathRulesName, ...] = get_args(PathRulesName)
ACTIONS: tuple[Action, ...] = get_args(Action)
CONFLICT_POLICIES: tuple[ConflictPolicy, ...] = get_args(ConflictPolicy)


@dataclass(frozen=True, slots=True)
class Settings:
    tmdb_base_url: str = "https://api.themoviedb.org/3"
    tmdb_backend: TmdbBackendName = "tmdbv3api"
    tmdb_rate: float = 35.0
    tmdb_burst: int = 10
    tmdb_concurrency: int = 4
    tmdb_connect_timeout: float = 5.0
    tmdb_read_timeout: float = 15.0
    tmdb_max_attempts: int = 6
    tmdb_backoff_cap: float = 30.0
    tmdb_breaker_window: float = 300.0
    tmdb_breaker_ratio: float = 0.6
    tmdb_half_open_after: float = 600.0
    tmdb_consecutive_failures: int = 5
    language: str = "en-US"
    """The language TMDB is searched in (and the fallback for titles written into the library)."""
    title_language: str = ""
    """Language of the titles written into the library (``--lang``), from TMDB's translations;
    empty keeps the search language's title."""
    max_workers: int = 4
    parse_processes: int = 2
    """Processes that parse names in parallel (the GIL serialises threads); 0 = none."""
    min_confidence: float = 0.62
    home: str = ""
    naming_preset: Preset = "default"
    naming_template: str = ""
    """Series template replacing the preset's; empty keeps the preset."""
    max_path_chars: int = 4095
    """Whole-path budget for targets, library root included; 259 for Windows without long paths."""
    colon_replacement: ColonStyle = "smart"
    path_rules: PathRulesName = "auto"
    """Whose path rules plans follow: ``windows`` (case-insensitive library, drive and UNC roots),
    ``posix``, or ``auto`` (by ``os.name``); see ``core/plan/pathrules.py``."""
    title_rule: TitleRule = "as-is"
    """``ascii-or-native`` (the product plan's ``title_ascii_or_native``): titles folded to ASCII
    when they can be, else written in the work's native script; ``as-is`` keeps the chosen title."""
    action: Action = "move"
    on_conflict: ConflictPolicy = "skip"
    extras: ExtrasChoice = "move"
    """NCOP/NCED/PV/menus: ``move`` files them in the series' extras folder (``extras/``, Plex's
    ``Other/``); ``keep`` leaves them where they are. Never mapped to a regular episode either way.
    The older names ``folder`` and ``skip`` still mean ``move`` and ``keep``."""
    movies_target: str = ""
    """Root of the movie library (``--movies-dst``); empty: the folder ``Movies`` beside the
    series library (never inside it: a TV library reads every folder as a show)."""
    io_pace_limit: float = 0.0
    """File operations per minute at most; 0 means no limit."""
    follow_source_symlinks: bool = False
    """Admit a symlinked file under the source when its real path is a regular file inside the
    source too; off, every symlink under the source is skipped (docs/safety.md)."""
    allow_target_symlinks: bool = False
    """Write through a symlinked folder inside the library even when it leads outside it; off, such
    a target is an ``E-FS-OUTSIDE-TARGET`` error (docs/safety.md)."""
    cache_max_bytes: int = 512 * 1024 * 1024
    """Disk cap of the TMDB cache; least recently used entries go first; 0 means no cap."""
    log_keep_days: int = 7
    """Days of rotated log files kept (each file also rolls over at 20 MB)."""

    @property
    def extras_moved(self) -> bool:
        return self.extras in EXTRAS_MOVED

    @property
    def ascii_or_native(self) -> bool:
        return self.title_rule == "ascii-or-native"

    @property
    def home_dir(self) -> Path:
        return Path(self.home).expanduser().absolute()

    @property
    def cache_dir(self) -> Path:
        return self.home_dir / "cache"

    @property
    def log_dir(self) -> Path:
        return self.home_dir / "logs"

    @property
    def state_dir(self) -> Path:
        return self.home_dir / "state"


CHOICES: dict[str, tuple[str, ...]] = {
    "tmdb_backend": get_args(TmdbBackendName),
    "naming_preset": PRESETS,
    "colon_replacement": COLON_STYLES,
    "path_rules": PATH_RULES,
    "title_rule": get_args(TitleRule),
    "action": ACTIONS,
    "on_conflict": CONFLICT_POLICIES,
    "extras": get_args(ExtrasChoice),
}
EXTRAS_MOVED = frozenset({"move", "folder"})
"""The ``extras`` values that file extras in the library (``folder`` is the older name)."""


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
    layers: list[tuple[str, Mapping[str, Any]]] = [
        (f"env:{ENV_PREFIX}{name.upper()}", {name: env[f"{ENV_PREFIX}{name.upper()}"]})
        for name in _names()
        if f"{ENV_PREFIX}{name.upper()}" in env
    ]
    layers += [(str(path), _read_toml(path)) for path in (files if files is not None else config_files(env))]
    values: dict[str, Any] = {"home": str(default_home(env))}
    origins: dict[str, str] = dict.fromkeys(_names(), "default")
    origins["home"] = "env:ANIVAULT_HOME" if f"{ENV_PREFIX}HOME" in env else "default"
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

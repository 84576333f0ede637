"""What each setting is: its name, type, allowed values and default, and the environment prefix.

Apart from ``settings.py``, which loads values (environment, TOML files) and checks them, because
every ``--help`` shows these defaults and value lists: this module imports nothing beyond the
standard library's typing, dataclasses and pathlib, so help needs none of the loading machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple, get_args

ENV_PREFIX = "ANIVAULT_"
"""``ANIVAULT_`` + a setting's name in capitals is its environment variable."""


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


class ActionWords(NamedTuple):
    """How the summary speaks of one action's files. (A NamedTuple: every ``--help`` loads this
    module, and a frozen dataclass compiles its generated methods when it is defined.)"""

    pending: str
    """A dry run's plan: ``12 files to copy``."""
    done: str
    """A file after apply: ``copied``."""


ACTION_WORDS: dict[Action, ActionWords] = {
    "move": ActionWords("to move", "moved"),
    "copy": ActionWords("to copy", "copied"),
    "hardlink": ActionWords("to hardlink", "linked"),
    "symlink": ActionWords("to symlink", "linked"),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting with its type and default; ``settings.py`` resolves one from the environment and
    the settings files. (A docstring also spares ``dataclass`` from deriving one from the signature of
    forty fields, a cost every ``--help`` would pay.)"""

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

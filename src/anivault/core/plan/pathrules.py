"""Which operating system's path rules a plan follows: chosen by the ``path_rules`` setting.

Names are written Windows-safe under every rule set (``naming.safe_segment``), and two targets that
differ only by case are one target everywhere (``plan/store.py``): libraries move between machines
and are served over SMB. What the rule set decides is how the plan reads the disk and its roots:

- windows: the library on disk is case-insensitive, so a target ``Show (2020)/…`` goes into an
  existing ``show (2020)`` folder (and meets a file there whose name differs only by case), as
  NTFS would do, also when the plan is made on a case-sensitive Linux disk; roots are drive letters
  or UNC shares (``D:\\Anime``, ``\\\\nas\\anime``) and paths past 259 characters take ``\\\\?\\``;
- posix: the disk answers for itself (ext4 keeps ``show`` and ``Show`` apart, APFS does not), roots
  start with ``/`` and a path may have ``PATH_MAX`` bytes.

``auto`` picks by ``os.name``. Injecting ``windows`` on Linux is how CI proves the Windows rules on
the whole pipeline without a Windows machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from anivault.core.plan.naming import long_path
from anivault.errors import CrossDeviceError
from anivault.services.settings_model import PATH_RULES
from anivault.utils.fsinfo import existing_ancestor

if TYPE_CHECKING:
    from anivault.core.plan.model import PlanEntry


@dataclass(frozen=True, slots=True)
class PathRules:
    windows: bool

    @property
    def name(self) -> str:
        """How the rule set is written in plan files and checkpoints."""
        return "windows" if self.windows else "posix"

    def pure(self, text: str) -> PurePath:
        """``text`` as a path of this flavour (``\\\\nas\\anime`` is a UNC root only under windows)."""
        return PureWindowsPath(text) if self.windows else PurePosixPath(text)

    def os_form(self, path: str) -> str:
        """What the OS API is handed: ``\\\\?\\`` (or ``\\\\?\\UNC\\``) past 259 characters under windows.
        Raises PathTooLongError where no prefix helps (see ``naming.long_path``)."""
        return long_path(path, windows=self.windows)

    def check_reachable(self, path: str) -> None:
        """Refuse a target the OS could not reach even in its long form: past 32,767 characters,
        or past 259 below a relative root; a ``/…`` path (a share mounted on Linux or macOS, under
        windows rules too) past ``PATH_MAX`` bytes. Raises PathTooLongError."""
        posix_mount = path.startswith("/") and not PureWindowsPath(path).is_absolute()
        long_path(path, windows=self.windows and not posix_mount)

    def other_volume(self, source: Path, folder: Path) -> bool:
        """Whether ``source`` and ``folder`` lie on different volumes, so that no hard link joins
        them: under windows rules two drive letters or two UNC shares are two volumes (known
        before the library exists); on every OS so are two ``st_dev`` of ``source`` and the
        nearest existing folder of ``folder``. False when neither can be told."""
        if self.windows:
            drives = {PureWindowsPath(str(path)).drive.casefold() for path in (source, folder)}
            if len(drives) == 2 and "" not in drives:
                return True
        try:
            return os.stat(source).st_dev != os.stat(existing_ancestor(folder)).st_dev
        except OSError:
            return False

    def link_refusal(self, action: str, source: Path, folder: Path) -> CrossDeviceError | None:
        """Why ``action`` cannot put ``source`` into ``folder``: a hard link across volumes. It is
        refused, never turned into a copy: a copy doubles the space a link was asked to save."""
        if action != "hardlink" or not self.other_volume(source, folder):
            return None
        return cross_device(source, folder)


def cross_device(source: Path, folder: Path) -> CrossDeviceError:
    """The refusal of a hard link from ``source`` into ``folder`` on another volume, saying what to do."""
    return CrossDeviceError(  # why and what to do first: a one-line summary cuts the end off
        "hard links cannot cross volumes (use --action copy or --action move, or a library on the "
        f"same volume): {source} is on another volume than {folder}; left as it is"
    )


WINDOWS_RULES = PathRules(windows=True)
POSIX_RULES = PathRules(windows=False)


def rules_for(setting: str, os_name: str = os.name) -> PathRules:
    """The rule set a ``path_rules`` value names; ``auto`` is Windows on ``nt`` (``os.name``).
    Raises ValueError for a value not in ``PATH_RULES``."""
    if setting not in PATH_RULES:
        raise ValueError(f"path rules must be one of {', '.join(PATH_RULES)}, not {setting!r}")
    if setting == "auto":
        return WINDOWS_RULES if os_name == "nt" else POSIX_RULES
    return WINDOWS_RULES if setting == "windows" else POSIX_RULES


NATIVE_RULES = rules_for("auto")


class LibrarySpelling:
    """Case-insensitive lookup of target paths, as NTFS resolves them: each folder or file name
    takes the spelling already on disk, else the spelling an earlier target gave it, so a plan on
    a case-sensitive disk writes where Windows would. Each folder is listed once, on first need;
    entries below different roots (series, movies) are looked up below their own."""

    def __init__(self) -> None:
        self._names: dict[Path, dict[str, str]] = {}

    def spelled(self, root: Path, relative: str) -> str:
        """``relative`` (``/``-separated) with every segment in the spelling it has below ``root``."""
        spelled = ""
        for part in relative.split("/"):
            known = self._listing(root / spelled).setdefault(part.casefold(), part)
            spelled = f"{spelled}/{known}" if spelled else known
        return spelled

    def respelled(self, entry: PlanEntry) -> PlanEntry:
        """``entry`` aimed at its target's spelling on disk (a planned entry; others as they are)."""
        if entry.status != "planned":
            return entry
        root = entry.target.parents[entry.relative_target.count("/")]
        spelled = self.spelled(root, entry.relative_target)
        if spelled == entry.relative_target:
            return entry
        return replace(entry, target=root.joinpath(*spelled.split("/")), relative_target=spelled)

    def _listing(self, folder: Path) -> dict[str, str]:
        names = self._names.get(folder)
        if names is None:
            names = {}
            try:
                with os.scandir(folder) as found:
                    for item in sorted(found, key=lambda e: e.name):
                        names.setdefault(item.name.casefold(), item.name)
            except OSError:
                pass  # not there yet (or unreadable): the plan's own spellings are all there is
            self._names[folder] = names
        return names


def spelling_for(rules: PathRules) -> Callable[[PlanEntry], PlanEntry]:
    """What each new plan entry passes through: under windows rules, ``LibrarySpelling``; under
    posix rules the disk answers for itself and entries stay as they are."""
    return LibrarySpelling().respelled if rules.windows else _as_is


def _as_is(entry: PlanEntry) -> PlanEntry:
    return entry

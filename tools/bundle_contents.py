"""What a PyInstaller build actually put inside the executable, and whose licences ship with it.

The truth is PyInstaller's own table of contents from the build (``PKG-00.toc`` and
``PYZ-00.toc`` in the work folder): every module, extension, data file and shared library with
the path it was copied from. Each path is traced to its owner through installed package
metadata, never through a hand-kept list:

- a file listed in a Python distribution's ``RECORD`` → that distribution (licence files from
  its ``.dist-info``);
- a file of the interpreter (standard library, ``libpython``, its DLLs) → Python (its
  ``LICENSE.txt``);
- any other shared library → the Debian package that owns it (``dpkg -S``; licence from
  ``/usr/share/doc/<package>/copyright``).

A declared dependency that PyInstaller never bundled has no licence to ship; an optional module
that it did bundle (because it was importable in the build environment) does.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import Distribution, PackagePath, distributions
from pathlib import Path
from typing import Literal

from packageurl import PackageURL
from packaging.utils import canonicalize_name

ComponentKind = Literal["pypi", "python", "deb"]
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
METADATA_SUFFIX = ".dist-info/"
OWN_DISTRIBUTION = "anivault"
# The bootloader at the head of every PyInstaller executable is not in the TOC.
BOOTLOADER_DISTRIBUTION = "pyinstaller"
DEBIAN_DOC = Path("/usr/share/doc")


@dataclass(frozen=True, slots=True)
class LicenceText:
    file_name: str  # relative, may hold "/" when a package keeps licences in sub-folders
    text: str


@dataclass(frozen=True, slots=True)
class Component:
    """One third-party thing inside the executable, with the licence texts its metadata carries."""

    kind: ComponentKind
    name: str
    version: str
    declared_licence: str
    purl: str
    licence_texts: tuple[LicenceText, ...]


@dataclass(frozen=True, slots=True)
class BundleContents:
    components: tuple[Component, ...]
    unowned_files: tuple[str, ...]  # bundled files no package metadata claims


def toc_sources(toc_dir: Path) -> list[Path]:
    """Source paths of every entry PyInstaller packed (``toc_dir`` is ``<workpath>/<name>``)."""
    pkg = ast.literal_eval((toc_dir / "PKG-00.toc").read_text(encoding="utf-8"))
    pyz = ast.literal_eval((toc_dir / "PYZ-00.toc").read_text(encoding="utf-8"))
    entries = [*pkg[2], *pyz[1]]
    return sorted({Path(source) for _name, source, _kind in entries if source})


def _key(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _record_owners(dists: Iterable[Distribution]) -> dict[str, Distribution]:
    owners: dict[str, Distribution] = {}
    for dist in dists:
        for file in dist.files or ():
            owners[_key(Path(str(dist.locate_file(file))))] = dist
    return owners


def _is_within(path: Path, folder: Path) -> bool:
    return _key(path).startswith(_key(folder) + os.sep)


def _declared(dist: Distribution) -> str:
    """The licence a distribution declares: SPDX expression, else a short License field, else classifiers."""
    meta = dist.metadata
    if expression := meta.get("License-Expression"):
        return str(expression)
    licence = str(meta.get("License") or "").strip()
    if licence and "\n" not in licence and len(licence) <= 80:
        return licence
    classifiers = [
        c.rsplit(" :: ", 1)[-1] for c in meta.get_all("Classifier") or () if c.startswith("License")
    ]
    return " / ".join(classifiers)


def _licence_name(file: PackagePath) -> str | None:
    """The licence file's path inside the metadata folder (``licenses/`` dropped), or None."""
    metadata_dir, _, inside = str(file).replace("\\", "/").partition(METADATA_SUFFIX)
    if not (metadata_dir and inside and LICENCE_FILE.match(Path(inside).name)):
        return None
    return inside.removeprefix("licenses/")


def pypi_component(dist: Distribution) -> Component:
    texts = tuple(
        LicenceText(name, Path(str(dist.locate_file(file))).read_text(encoding="utf-8", errors="replace"))
        for file in sorted(dist.files or (), key=str)
        if (name := _licence_name(file))
    )
    name = dist.metadata["Name"]
    purl = PackageURL(type="pypi", name=canonicalize_name(name), version=dist.version).to_string()
    return Component("pypi", name, dist.version, _declared(dist), purl, texts)


def python_component() -> Component:
    version = ".".join(map(str, sys.version_info[:3]))
    # Unix installs keep it beside the standard library, Windows installs at the top of the prefix.
    places = (Path(sysconfig.get_paths()["stdlib"]), Path(sys.base_prefix))
    licence = next((place / "LICENSE.txt" for place in places if (place / "LICENSE.txt").is_file()), None)
    texts = (LicenceText("LICENSE.txt", licence.read_text(encoding="utf-8")),) if licence else ()
    purl = PackageURL(type="generic", name="cpython", version=version).to_string()
    return Component("python", "Python", version, "PSF-2.0", purl, texts)


def _path_variants(path: Path) -> Iterator[str]:
    """dpkg records one spelling of a path; merged-/usr systems reach it through several."""
    for text in dict.fromkeys((path.as_posix(), path.resolve().as_posix())):
        yield text
        if text.startswith("/usr/lib/"):
            yield text.removeprefix("/usr")
        elif text.startswith("/lib"):
            yield "/usr" + text


def debian_owner(path: Path) -> str | None:
    """The Debian package (``name`` or ``name:arch``) that installed ``path``, or None."""
    if shutil.which("dpkg") is None:
        return None
    for variant in _path_variants(path):
        found = subprocess.run(["dpkg", "-S", variant], capture_output=True, text=True, check=False)
        if found.returncode == 0:
            return found.stdout.splitlines()[0].split(": ", 1)[0]
    return None


def debian_component(package: str) -> Component:
    name, _, arch = package.partition(":")
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=True
    ).stdout
    copyright_file = DEBIAN_DOC / name / "copyright"
    texts = (
        (LicenceText("copyright", copyright_file.read_text(encoding="utf-8", errors="replace")),)
        if copyright_file.is_file()
        else ()
    )
    purl = PackageURL(
        type="deb",
        namespace="debian",
        name=name,
        version=version,
        qualifiers={"arch": arch} if arch else None,
    ).to_string()
    return Component("deb", name, version, "see copyright", purl, texts)


def bundle_contents(toc_dir: Path, own_roots: Iterable[Path]) -> BundleContents:
    """Trace every packed file to its owner. ``own_roots`` hold our code and build by-products."""
    all_dists = list(distributions())
    owners = _record_owners(all_dists)
    python_prefixes = {Path(sys.base_prefix), Path(sys.base_exec_prefix)}
    roots = [*own_roots, toc_dir]
    dists: dict[str, Distribution] = {}
    debian_packages: set[str] = set()
    unowned: list[str] = []
    uses_python = False
    for source in toc_sources(toc_dir):
        owner = owners.get(_key(source))
        if owner is not None:
            dists[canonicalize_name(owner.metadata["Name"])] = owner
        elif any(_is_within(source, root) for root in roots):
            continue
        elif any(_is_within(source, prefix) for prefix in python_prefixes):
            uses_python = True
        elif package := debian_owner(source):
            debian_packages.add(package)
        else:
            unowned.append(source.as_posix())
    dists.pop(OWN_DISTRIBUTION, None)
    bootloader = next(
        d for d in all_dists if canonicalize_name(d.metadata["Name"]) == BOOTLOADER_DISTRIBUTION
    )
    dists.setdefault(BOOTLOADER_DISTRIBUTION, bootloader)
    components = [pypi_component(dists[name]) for name in sorted(dists)]
    components += [python_component()] if uses_python else []
    components += [debian_component(package) for package in sorted(debian_packages)]
    return BundleContents(tuple(components), tuple(unowned))

"""Release artefacts from one command.

    .venv/bin/python -m tools.release     # needs the build extra: pip install -e '.[build]'

Builds (or reuses a fresh) ``dist/anivault[.exe]`` and assembles
``dist/release/anivault-<version>-<platform>/``:

    anivault[.exe]       the one-file executable
    LICENSES/            ours (copied from LICENSES/) + THIRD-PARTY.md + third-party/<name>-<version>/…
                         collected from the metadata of everything the binary bundles
    schemas/ docs/       copied from the source tree
    CHANGELOG.md README.md
    anivault-<version>.cdx.json   CycloneDX SBOM of the bundled components
    SHA256SUMS           of every file above (``sha256sum -c SHA256SUMS``)

Components whose metadata carries no licence text, and bundled files no package claims, are
listed in THIRD-PARTY.md and printed as warnings, so a human decides before publishing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

from tools.build_exe import ROOT, SCHEMAS_DIR, WORK_DIR, ensure_built, toc_dir
from tools.bundle_contents import BundleContents, Component, bundle_contents
from tools.sbom import bundled_sbom, environment_sbom

RELEASE_ROOT = ROOT / "dist" / "release"
COPIED_FILES = ("CHANGELOG.md", "README.md")
COPIED_TREES = ("docs", "schemas")
CHECKSUMS = "SHA256SUMS"
HASH_CHUNK = 1 << 20


def platform_tag() -> str:
    return f"{sys.platform}-{platform.machine().lower()}"


def write_licences(folder: Path, contents: BundleContents) -> list[str]:
    """Our licences, every bundled component's licence texts and an index; returns the warnings."""
    shutil.copytree(ROOT / "LICENSES", folder)
    lines = [
        "# Third-party software in the AniVault executable",
        "",
        "Collected by tools/release.py from the package metadata of every component PyInstaller",
        "bundled. Texts are under third-party/<name>-<version>/.",
        "",
        "| component | version | kind | declared licence | licence files |",
        "| --- | --- | --- | --- | --- |",
    ]
    warnings: list[str] = []
    for component in contents.components:
        lines.append(_index_row(component))
        target = folder / "third-party" / _portable_name(f"{component.name}-{component.version}")
        target.mkdir(parents=True)
        for text in component.licence_texts:
            (target / text.file_name).parent.mkdir(parents=True, exist_ok=True)
            (target / text.file_name).write_text(text.text, encoding="utf-8")
        if not component.licence_texts:
            warnings.append(f"{component.name} {component.version} ships no licence text in its metadata")
    if contents.unowned_files:
        lines += ["", "## Bundled files no package metadata claims", ""]
        lines += [f"- `{path}`" for path in contents.unowned_files]
        warnings += [f"bundled file with no known owner: {path}" for path in contents.unowned_files]
    (folder / "THIRD-PARTY.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return warnings


def _portable_name(name: str) -> str:
    """Debian versions carry ``:`` (an epoch), which Windows does not allow in a file name."""
    return re.sub(r"[^A-Za-z0-9._+~-]", "_", name)


def _index_row(component: Component) -> str:
    files = ", ".join(t.file_name for t in component.licence_texts) or "**none in metadata**"
    cells = (component.name, component.version, component.kind, component.declared_licence or "?", files)
    return "| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_checksums(folder: Path) -> Path:
    """``sha256sum``-compatible lines for every file in ``folder``, in a stable order."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != CHECKSUMS)
    lines = [f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
    target = folder / CHECKSUMS
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def assemble(binary: Path, contents: BundleContents, out_root: Path) -> tuple[Path, list[str]]:
    """Lay the release folder out from scratch; returns it and the licence warnings."""
    package_version = version("anivault")
    folder = out_root / f"anivault-{package_version}-{platform_tag()}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy2(binary, folder / binary.name)
    warnings = write_licences(folder / "LICENSES", contents)
    for name in COPIED_FILES:
        shutil.copy2(ROOT / name, folder / name)
    for name in COPIED_TREES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name)
    sbom = bundled_sbom(environment_sbom(ROOT / "pyproject.toml"), contents.components)
    (folder / f"anivault-{package_version}.cdx.json").write_text(
        json.dumps(sbom, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_checksums(folder)
    return folder, warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--out", type=Path, default=RELEASE_ROOT, help="default: dist/release/")
    args = parser.parse_args(argv)
    binary = ensure_built()
    contents = bundle_contents(toc_dir(WORK_DIR), own_roots=[ROOT / "src", SCHEMAS_DIR])
    folder, warnings = assemble(binary, contents, args.out)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

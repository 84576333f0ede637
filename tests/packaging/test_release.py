"""``python -m tools.release``: the release folder holds the binary, licences, SBOM and checksums."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib.metadata import distribution, version
from pathlib import Path

import pytest

from tools.build_exe import ROOT

# Imported directly by anivault (or by what it imports), so PyInstaller must have bundled them.
RUNTIME_DISTRIBUTIONS = ("anitopy", "click", "cryptography", "requests", "rich", "tmdbv3api", "urllib3")
DEV_ONLY = ("pytest", "mypy", "ruff", "hypothesis", "cyclonedx-bom")


@pytest.fixture(scope="module")
def release(binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    subprocess.run([sys.executable, "-m", "tools.release", "--out", str(out)], check=True, cwd=ROOT)
    (folder,) = out.iterdir()
    return folder


def test_release_holds_the_binary_docs_and_changelog(release: Path, binary: Path) -> None:
    assert release.name.startswith(f"anivault-{version('anivault')}-")
    shipped = release / binary.name
    assert shipped.read_bytes() == binary.read_bytes()
    done = subprocess.run([str(shipped), "--version"], capture_output=True, text=True, check=True)
    assert version("anivault") in done.stdout
    assert (release / "CHANGELOG.md").read_text(encoding="utf-8") == (ROOT / "CHANGELOG.md").read_text(
        encoding="utf-8"
    )
    assert (release / "docs" / "errors.md").is_file()
    if (ROOT / "schemas").is_dir():
        assert sorted(p.name for p in (release / "schemas").iterdir()) == sorted(
            p.name for p in (ROOT / "schemas").iterdir()
        )


def test_licences_are_collected_from_package_metadata(release: Path) -> None:
    licences = release / "LICENSES"
    assert (licences / "AniVault-MIT.txt").is_file()
    index = (licences / "THIRD-PARTY.md").read_text(encoding="utf-8")
    for name in RUNTIME_DISTRIBUTIONS:
        assert f"| {distribution(name).metadata['Name']} | {version(name)} | pypi |" in index
    crypto = licences / "third-party" / f"cryptography-{version('cryptography')}"
    assert sorted(p.name for p in crypto.iterdir()) == ["LICENSE", "LICENSE.APACHE", "LICENSE.BSD"]
    rich_licence = next(f for f in distribution("rich").files or () if f.name == "LICENSE")
    shipped = licences / "third-party" / f"rich-{version('rich')}" / "LICENSE"
    assert shipped.read_text(encoding="utf-8") == rich_licence.read_text(encoding="utf-8")
    python = licences / "third-party" / f"Python-{'.'.join(map(str, sys.version_info[:3]))}" / "LICENSE.txt"
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in python.read_text(encoding="utf-8")
    assert "pyinstaller" in index  # its bootloader heads every executable
    for name in DEV_ONLY:
        assert f"| {name} |" not in index


def test_sbom_is_valid_cyclonedx_of_the_bundled_components(release: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    (sbom_file,) = release.glob("*.cdx.json")
    text = sbom_file.read_text(encoding="utf-8")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    sbom = json.loads(text)
    assert sbom["metadata"]["component"]["name"] == "anivault"
    assert sbom["metadata"]["component"]["version"] == version("anivault")
    purls = {c["purl"] for c in sbom["components"]}
    for name in RUNTIME_DISTRIBUTIONS:
        assert f"pkg:pypi/{name}@{version(name)}" in purls
    assert not {c["name"].lower() for c in sbom["components"]} & set(DEV_ONLY)
    refs = {c["bom-ref"] for c in sbom["components"]} | {"root-component"}
    assert all(d["ref"] in refs and set(d["dependsOn"]) <= refs for d in sbom["dependencies"])


def test_sha256sums_cover_every_file(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    files = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest

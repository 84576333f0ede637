"""Narrowing the environment SBOM to what the binary bundles (no build needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("packageurl", reason="the release tools need the build extra: pip install -e '.[build]'")

from tools.bundle_contents import Component, LicenceText, debian_owner
from tools.sbom import ROOT_REF, bundled_sbom


def pypi(name: str, version: str) -> Component:
    return Component("pypi", name, version, "MIT", f"pkg:pypi/{name.lower()}@{version}", ())


PYTHON = Component("python", "Python", "3.11.7", "PSF-2.0", "pkg:generic/cpython@3.11.7", ())


def environment() -> dict[str, Any]:
    return {
        "bomFormat": "CycloneDX",
        "components": [
            {"bom-ref": "rich==15.0.0", "name": "rich", "version": "15.0.0"},
            {"bom-ref": "Pygments==2.21.0", "name": "Pygments", "version": "2.21.0"},
            {"bom-ref": "pytest==9.2.0", "name": "pytest", "version": "9.2.0"},
        ],
        "dependencies": [
            {"ref": ROOT_REF, "dependsOn": ["pytest==9.2.0", "rich==15.0.0"]},
            {"ref": "rich==15.0.0", "dependsOn": ["Pygments==2.21.0"]},
            {"ref": "pytest==9.2.0", "dependsOn": ["Pygments==2.21.0"]},
        ],
    }


def test_keeps_only_bundled_distributions_and_adds_python() -> None:
    sbom = bundled_sbom(environment(), (pypi("rich", "15.0.0"), pypi("pygments", "2.21.0"), PYTHON))
    assert [c["name"] for c in sbom["components"]] == ["rich", "Pygments", "Python"]
    assert sbom["components"][-1]["licenses"] == [{"license": {"id": "PSF-2.0"}}]
    by_ref = {d["ref"]: d["dependsOn"] for d in sbom["dependencies"]}
    assert "pytest==9.2.0" not in by_ref
    assert by_ref[ROOT_REF] == sorted(["rich==15.0.0", PYTHON.purl])
    assert by_ref["rich==15.0.0"] == ["Pygments==2.21.0"]
    assert sbom["bomFormat"] == "CycloneDX"


def test_a_version_mismatch_means_another_environment() -> None:
    with pytest.raises(ValueError, match="rich"):
        bundled_sbom(environment(), (pypi("rich", "14.0.0"),))


def test_licence_texts_do_not_leak_into_the_sbom() -> None:
    with_text = Component(
        "pypi", "rich", "15.0.0", "MIT", "pkg:pypi/rich@15.0.0", (LicenceText("LICENSE", "x"),)
    )
    sbom = bundled_sbom(environment(), (with_text,))
    assert sbom["components"] == [environment()["components"][0]]


def test_a_file_no_package_installed_has_no_debian_owner(tmp_path: Path) -> None:
    stray = tmp_path / "libstray.so"
    stray.write_bytes(b"\x7fELF")
    assert debian_owner(stray) is None

"""A CycloneDX SBOM of exactly what the executable bundles.

``cyclonedx-py environment`` describes the whole build environment, which also holds test and
lint tools the binary never contains. Its document is kept as the base (licences, purls and
links come from package metadata there) and cut down to the Python distributions PyInstaller
actually packed; Python itself and the system libraries, which no Python environment lists, are
added from the same bundle contents that the licence folder is built from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from tools.bundle_contents import Component

ROOT_REF = "root-component"


def environment_sbom(pyproject: Path) -> dict[str, Any]:
    """Run cyclonedx-py on this interpreter's environment; the root component comes from pyproject."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cyclonedx_py",
            "environment",
            sys.executable,
            "--pyproject",
            str(pyproject),
            "--mc-type",
            "application",
            "--output-reproducible",
            "--output-file",
            "-",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def _extra_component(component: Component) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "library",
        "bom-ref": component.purl,
        "name": component.name,
        "version": component.version,
        "purl": component.purl,
    }
    if component.kind == "python":
        entry["licenses"] = [{"license": {"id": component.declared_licence}}]
    return entry


def bundled_sbom(environment: dict[str, Any], components: tuple[Component, ...]) -> dict[str, Any]:
    """``environment`` narrowed to the bundled distributions, plus the non-Python components.

    Raises ValueError if a bundled distribution is missing from the environment document, which
    would mean the SBOM and the binary were made from different environments.
    """
    wanted = {canonicalize_name(c.name): c.version for c in components if c.kind == "pypi"}
    kept = [
        entry
        for entry in environment.get("components", [])
        if wanted.get(canonicalize_name(entry["name"])) == entry.get("version")
    ]
    missing = set(wanted) - {canonicalize_name(entry["name"]) for entry in kept}
    if missing:
        raise ValueError(f"bundled but absent from the environment SBOM: {', '.join(sorted(missing))}")
    extras = [_extra_component(c) for c in components if c.kind != "pypi"]
    refs = {entry["bom-ref"] for entry in kept} | {ROOT_REF}
    dependencies = [
        {"ref": dep["ref"], "dependsOn": [d for d in dep.get("dependsOn", []) if d in refs]}
        for dep in environment.get("dependencies", [])
        if dep["ref"] in refs
    ]
    dependencies += [{"ref": entry["bom-ref"], "dependsOn": []} for entry in extras]
    root = next((dep for dep in dependencies if dep["ref"] == ROOT_REF), None)
    if root is not None:  # Python and the system libraries are what the root runs on
        root["dependsOn"] = sorted({*root["dependsOn"], *(entry["bom-ref"] for entry in extras)})
    return {**environment, "components": kept + extras, "dependencies": dependencies}

"""The shipped docs stay true: the example settings file, the error-code table, the CLI reference."""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from pathlib import Path

import click
import pytest
from tests.cli.conftest import subcommands

from anivault import errors
from anivault.cli import exit_codes
from anivault.cli.main import cli as root
from anivault.services.settings import load_settings
from anivault.services.settings_model import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "anivault.toml.example"


def test_example_settings_file_loads_through_the_real_loader_and_gives_the_defaults(tmp_path: Path) -> None:
    loaded = load_settings(env={"ANIVAULT_HOME": str(tmp_path)}, files=(EXAMPLE,))

    assert asdict(loaded.settings) == asdict(Settings(home=str(tmp_path)))
    from_file = {name for name, origin in loaded.origins.items() if origin == str(EXAMPLE)}
    assert from_file == {f.name for f in fields(Settings)} - {"home"}


def test_example_settings_file_documents_every_setting() -> None:
    """Each setting is assigned (or, for ``home``, shown commented out) in a commented paragraph."""
    paragraphs = EXAMPLE.read_text(encoding="utf-8").split("\n\n")
    for setting in fields(Settings):
        assignment = re.compile(rf"^(# )?{setting.name} = ", re.MULTILINE)
        holding = [p for p in paragraphs if assignment.search(p)]
        assert len(holding) == 1, f"{setting.name} should be assigned exactly once"
        comments = [line for line in holding[0].splitlines() if line.startswith("# ") and " = " not in line]
        assert comments, f"{setting.name} has no comment saying what it does"


def error_classes() -> list[type[errors.AniVaultError]]:
    found = [errors.AniVaultError]
    found += [
        value
        for value in vars(errors).values()
        if isinstance(value, type)
        and issubclass(value, errors.AniVaultError)
        and value is not errors.AniVaultError
    ]
    return found


@pytest.mark.parametrize("kind", error_classes(), ids=lambda kind: kind.code)
def test_errors_md_documents_every_code_with_meaning_and_remedy(kind: type[errors.AniVaultError]) -> None:
    rows = {
        cells[0].strip("` "): cells
        for line in (DOCS / "errors.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `E-")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    assert kind.code in rows, f"{kind.code} missing from docs/errors.md"
    assert len(rows[kind.code]) >= 3 and all(rows[kind.code][1:3]), (
        f"{kind.code} needs a meaning and a remedy"
    )


def test_errors_md_and_cli_md_list_every_exit_status() -> None:
    statuses = {v for k, v in vars(exit_codes).items() if k.isupper() and isinstance(v, int)}
    for doc in ("errors.md", "cli.md"):
        documented = {
            int(n) for n in re.findall(r"^\| (\d+) \|", (DOCS / doc).read_text(encoding="utf-8"), re.M)
        }
        assert documented == statuses, doc


def test_cli_md_table_lists_every_command_and_option_as_shipped() -> None:
    """The frozen command/option table: a new option must be added to docs/cli.md on purpose."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    table = text.split("<!-- options:begin -->", 1)[1].split("<!-- options:end -->", 1)[0]
    documented = {
        (row[0].strip("` "), opt)
        for line in table.splitlines()
        if line.startswith("| `")
        for row in [[c.strip() for c in line.strip("|").split("|")]]
        for opt in re.findall(r"--[\w-]+", row[1])
    }
    shipped = set()

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        name = " ".join(("anivault", *path))
        for param in command.params:
            for opt in (*param.opts, *param.secondary_opts):
                if opt.startswith("--") and opt != "--help":
                    shipped.add((name, opt))
        shipped.add((name, "--help"))
        for sub_name, sub in subcommands(command):
            walk(sub, (*path, sub_name))

    walk(root, ())
    assert documented == shipped, (sorted(shipped - documented), sorted(documented - shipped))


def test_cli_md_lists_every_event_of_the_schema() -> None:
    import json

    schema = json.loads((DOCS.parent / "schemas" / "cli_event.schema.json").read_text(encoding="utf-8"))
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in schema["$defs"]:
        if name != "envelope":
            assert f"`{name}`" in text, name


def test_architecture_md_names_every_core_module_and_nothing_that_is_gone() -> None:
    """The map of ``core/`` in docs/architecture.md: each module is on it, and each file it names exists."""
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    core = DOCS.parent / "src" / "anivault" / "core"
    modules = {p.name for p in core.rglob("*.py") if p.name != "__init__.py"}
    packages = {p.name for p in core.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    named = set(re.findall(r"\b([a-z_]+\.py)\b", text))
    assert modules - named == set()
    assert {f"{name}/" for name in packages} <= set(re.findall(r"\b([a-z_]+/)", text))
    src = DOCS.parent / "src" / "anivault"
    for path in re.findall(r"`((?:core|services|cli|utils)/[a-z_/]+\.py)", text):
        assert (src / path).exists(), path

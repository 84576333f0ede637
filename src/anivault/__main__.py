"""The entry point of the console script, of ``python -m anivault`` and of the one-file binary.

Nothing but ``sys`` is imported at module level on purpose. A spawned parse worker first re-imports the
module that started the program (the frozen binary even re-runs this script) and only then reaches
``freeze_support``/its task; importing the CLI there would load Click, rich, requests and the
TMDB client into each worker, which parsing never needs. For the same
reason ``anivault --version`` is answered here, before Click and the command tree are loaded.
"""

from __future__ import annotations

import sys


def main() -> None:
    if getattr(sys, "frozen", False):  # elsewhere freeze_support does nothing but cost an import
        import multiprocessing  # noqa: PLC0415 (see the module's docstring)

        multiprocessing.freeze_support()  # a frozen binary's parse workers start here, not in Click
    if sys.argv[1:] == ["--version"]:  # the whole command line: asked often, by scripts too
        from anivault import version_line  # noqa: PLC0415 (see the module's docstring)

        print(version_line())
        return
    from anivault.cli.main import main as run_cli  # noqa: PLC0415 (see the module's docstring)

    run_cli()


if __name__ == "__main__":
    main()

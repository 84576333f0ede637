"""`python -m anivault` runs the same entry point as the console script."""

from __future__ import annotations

from anivault.cli.main import main

if __name__ == "__main__":
    main()

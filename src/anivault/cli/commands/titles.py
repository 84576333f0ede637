"""``anivault titles TITLE``: where a release title leads in the bundled anime title index."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from anivault.cli.output_options import command_output_options
from anivault.services.titles.defaults import DEFAULT_LIMIT, DEFAULT_MIN_SIMILARITY

if TYPE_CHECKING:
    from anivault.cli.app import AppContext


@click.command("titles")
@command_output_options
@click.argument("title")
@click.option(
    "--limit", type=click.IntRange(1, 100), default=DEFAULT_LIMIT, show_default=True, help="Most hits shown."
)
@click.option(
    "--min-similarity",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MIN_SIMILARITY,
    show_default=True,
    help="How alike (0-1) a title must be to count as a fuzzy hit.",
)
@click.pass_obj
def titles_command(app: AppContext, *, title: str, limit: int, min_similarity: float) -> int:
    """Show every TMDB series, season or movie TITLE is released as, from the title index.

    \b
    Example:
      anivault titles "Eureka Seven AO"
      anivault titles --json "Shingeki no Kyojin Season 3" | jq .fields.hits[0]
    """
    from anivault.cli.events import TitlesLookup
    from anivault.cli.render import NdjsonReporter, render_title_hits
    from anivault.services.titles.index import default_title_index

    index = default_title_index()
    hits = index.lookup(title, limit=limit, min_similarity=min_similarity)
    if app.json_output:
        with NdjsonReporter() as reporter:
            reporter.emit(TitlesLookup(title, index.source, hits))
    else:
        render_title_hits(app.out, title, hits, index.source)
    return 0

"""``anivault organize``: plan and apply, apply an edited plan, undo a journal, or resume.

Four modes, one per way users reach their library: ``--src/--dst`` (like ``run``, with every
organize option), ``--from-plan FILE`` (exactly the reviewed entries), ``--undo JOURNAL`` and
``--resume``. Dry-run stays the default for the first two.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli.options import looked_up_options, organizing_options, resume_option

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import MatchFlags, OrganizeFlags, OutputFlags, Overrides, SourceFilter


@click.command("organize")
@organizing_options
@click.option(
    "--from-plan",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Apply exactly the entries of a plan written by --plan (and possibly edited).",
)
@click.option(
    "--undo",
    "undo_journal",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Put back everything the run with this journal did.",
)
@resume_option
@looked_up_options
@click.pass_obj
def organize_command(
    app: AppContext,
    *,
    source: Path | None,
    target: Path | None,
    source_filter: SourceFilter,
    apply: bool,
    flags: OrganizeFlags,
    from_plan: Path | None,
    undo_journal: Path | None,
    resume: bool,
    overrides: Overrides,
    match_flags: MatchFlags,
    output: OutputFlags,
) -> int:
    """Organise a download folder into the library, with a reviewable plan and an undo journal.

    \b
    Examples:
      anivault organize --src ~/Downloads/anime --dst ~/Media/Anime --plan plan.json
      anivault organize --from-plan plan.json --apply
      anivault organize --from-plan plan.json --dst ~/Media/Anime --apply   # refuses another root
      anivault organize --undo ~/.anivault/state/journals/RUN.jsonl
      anivault organize --resume
    """
    from anivault.cli.running import apply_reviewed_plan, refuse_with, run_or_resume, undo_run

    settings = flags.apply_to(overrides.apply_to(app.loaded.settings))
    options_given = flags.given() | match_flags.given() | source_filter.given()
    if undo_journal is not None:
        refuse_with(
            "--undo",
            {"--src": source, "--dst": target, "--apply": apply, "--resume": resume, "--from-plan": from_plan}
            | options_given,
        )
        return undo_run(app, undo_journal.expanduser(), settings.state_dir)
    if from_plan is not None:
        allowed = {"--io-pace-limit", "--accept-review"}
        others = {k: v for k, v in options_given.items() if k not in allowed}
        refuse_with("--from-plan", {"--resume": resume} | others)
        return apply_reviewed_plan(
            app,
            settings,
            from_plan.expanduser(),
            apply=apply,
            detail=output.detail(),
            source=source,
            target=target,
            accept_review=flags.accept_review,
        )
    return run_or_resume(
        app,
        settings,
        flags,
        match_flags,
        source_filter,
        output,
        source=source,
        target=target,
        apply=apply,
        resume=resume,
    )

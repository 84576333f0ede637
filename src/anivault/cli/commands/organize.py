"""``anivault organize``: plan and apply, apply an edited plan, undo a journal, or resume.

Four modes, one per way users reach their library: ``--src/--dst`` (like ``run``, with every
organize option), ``--from-plan FILE`` (exactly the reviewed entries), ``--undo JOURNAL`` and
``--resume``. Dry-run stays the default for the first two.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli.options import looked_up_options, organizing_options, resume_option, run_flags

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import RunFlags


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
@run_flags
@click.pass_obj
def organize_command(
    app: AppContext,
    *,
    run_flags: RunFlags,
    from_plan: Path | None,
    undo_journal: Path | None,
    resume: bool,
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

    if undo_journal is not None:
        refuse_with("--undo", run_flags.given() | {"--resume": resume, "--from-plan": from_plan})
        return undo_run(app, undo_journal.expanduser(), run_flags.settings(app.loaded.settings).state_dir)
    if from_plan is not None:
        allowed = {"--io-pace-limit", "--accept-review"}
        others = {k: v for k, v in run_flags.options_given().items() if k not in allowed}
        refuse_with("--from-plan", {"--resume": resume} | others)
        return apply_reviewed_plan(
            app,
            run_flags.settings(app.loaded.settings),
            from_plan.expanduser(),
            apply=run_flags.apply,
            detail=run_flags.output.detail(),
            source=run_flags.source,
            target=run_flags.target,
            accept_review=run_flags.flags.accept_review,
        )
    return run_or_resume(app, run_flags, resume=resume)

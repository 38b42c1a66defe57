"""Apply the migrations of the core and of every installed plugin app."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards


class MigrationFailed(RuntimeError):
    pass


async def migrate(verbose: bool = False) -> None:
    """Run every pending migration; Piccolo's progress lines are shown only when verbose."""
    output = io.StringIO()
    redirect = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(output)
    with redirect:
        result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise MigrationFailed(f"{result.message}\n{output.getvalue()}")

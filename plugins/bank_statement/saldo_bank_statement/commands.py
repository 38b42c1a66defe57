"""``saldo bank-statement import --tenant SLUG FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from core.plugins.manager import PluginRegistry
from core.services import tenants
from core.services.actor import Actor
from core.settings import get_settings

from saldo_bank_statement.service import SKIPPED, StatementReport, import_statement


@click.group("bank-statement")
def bank_statement() -> None:
    """Bank statements (1CClientBankExchange)."""


@bank_statement.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
def import_command(path: str, slug: str) -> None:
    """Import a 1CClientBankExchange statement: credit confident matches, queue the rest.

    Importing the same statement again credits nothing twice."""
    from core.cli.main import run  # here, not on import: the CLI module loads the plugins

    run(_import)(Path(path), slug)


async def _import(path: Path, slug: str) -> None:
    tenant = await tenants.by_slug(slug)
    registry = PluginRegistry.build(trace=get_settings().trace_plugins)
    with click.progressbar(length=1, label=f"Importing {path.name}", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        report = await import_statement(Actor.cli(tenant.id), registry, path.read_bytes(), filename=path.name,
                                        progress=progress)
    _print(report)


def _print(report: StatementReport) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for o in report.outcomes:
        if o.outcome != SKIPPED:
            payment = f" as payment {o.payment_id}" if o.payment_id else ""
            reason = f": {o.reason}" if o.reason else ""
            click.echo(f"line {o.line_number}: №{o.number} of {o.date.isoformat()}, {o.amount.amount}, "
                       f"{o.outcome}{payment}{reason}")
    s = report.summary()
    click.echo(f"{s['documents']} documents: {s['applied']} applied, {s['queued']} queued, "
               f"{s['duplicates']} imported before, {s['skipped']} skipped.")

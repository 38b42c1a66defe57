"""``saldo``: serve, migrate, demo, tenants, users, plugins, clock, and plugins' own commands."""

from __future__ import annotations

import asyncio
import functools
import sys

import click

from core.services.errors import ServiceError

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo.saldo"
DEMO_PASSWORD = "demo-saldo-2026"


def run(coro_fn):
    """Run an async command body; service errors become a clear message and exit code 1."""

    @functools.wraps(coro_fn)
    def wrapper(*args, **kwargs):
        try:
            return asyncio.run(coro_fn(*args, **kwargs))
        except ServiceError as exc:
            details = "".join(f"\n  {f['field']}: {f['message']}" for f in exc.fields)
            raise click.ClickException(f"{exc.message}{details}") from None

    return wrapper


async def _tenant_actor(slug: str):
    from core.services import tenants
    from core.services.actor import Actor

    tenant = await tenants.by_slug(slug)
    return tenant, Actor.cli(tenant.id)


def _registry():
    from core.plugins.manager import PluginRegistry
    from core.settings import get_settings

    return PluginRegistry.build(trace=get_settings().trace_plugins)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="saldo")
def cli() -> None:
    """Saldo: billing for cloud, SaaS and hosting providers."""


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default: SALDO_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: SALDO_PORT or 8000).")
@click.option("--no-migrate", is_flag=True, help="Do not apply migrations before starting.")
def serve(host: str | None, port: int | None, no_migrate: bool) -> None:
    """Apply migrations and serve the web UI and the API."""
    import uvicorn

    from core.settings import get_settings

    settings = get_settings()
    if not no_migrate:
        asyncio.run(_migrate())
    host, port = host or settings.host, port or settings.port
    click.echo(f"Saldo is at http://{host}:{port}/  (API docs: http://{host}:{port}/schema)")
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, log_level=settings.log_level.lower())


async def _migrate(verbose: bool = False) -> None:
    from core.db.migrate import migrate

    await migrate(verbose=verbose)


@cli.command("migrate")
@click.option("-v", "--verbose", is_flag=True, help="Show each migration.")
def migrate_command(verbose: bool) -> None:
    """Apply the database migrations of the core and of installed plugins."""
    asyncio.run(_migrate(verbose))
    click.echo("Database is up to date.")


@cli.command()
@run
async def demo() -> None:
    """Create the demo tenant with its owner and sample data (does nothing if it exists)."""
    from core.services import demo as demo_data
    from core.services import tenants, users
    from core.services.actor import Actor
    from core.settings import get_settings

    await _migrate()
    existing = {t.slug for t in await tenants.all_tenants()}
    if DEMO_SLUG not in existing:
        tenant = await tenants.create(slug=DEMO_SLUG, name="ООО «Демо Хостинг»", timezone=get_settings().timezone)
        await users.create(Actor.cli(tenant.id), email=DEMO_EMAIL, password=DEMO_PASSWORD, role="owner",
                           name="Демо Администратор")
        await demo_data.seed(Actor.cli(tenant.id))
        click.echo("Created the demo tenant with sample clients, products and subscriptions.")
    click.echo(f"Demo login: organisation {DEMO_SLUG}, e-mail {DEMO_EMAIL}, password {DEMO_PASSWORD}")


@cli.group()
def tenants() -> None:
    """Tenants (provider companies)."""


@tenants.command("list")
@run
async def tenants_list() -> None:
    """List tenants."""
    from core.services import tenants as svc

    for tenant in await svc.all_tenants():
        clock = svc.clock_of(tenant)
        click.echo(f"{tenant.slug}\t{tenant.name}\t{tenant.timezone}\t{tenant.currency}\t"
                   f"{tenant.clock_mode} {clock.today().isoformat()}")


@tenants.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Company name.")
@click.option("--timezone", default=None, help="IANA time zone (default: SALDO_TIMEZONE).")
@click.option("--currency", default="RUB", show_default=True)
@click.option("--language", type=click.Choice(["ru", "en"]), default="ru", show_default=True)
@click.option("--owner-email", default=None, help="Also create an owner user with this e-mail.")
@click.option("--owner-password", default=None, help="The owner's password (asked when omitted).")
@run
async def tenants_create(slug, name, timezone, currency, language, owner_email, owner_password) -> None:
    """Create a tenant SLUG, optionally with its first owner."""
    from core.services import tenants as svc
    from core.services import users
    from core.services.actor import Actor
    from core.settings import get_settings

    if owner_email and not owner_password:
        owner_password = click.prompt("Owner password", hide_input=True, confirmation_prompt=True)
    tenant = await svc.create(slug=slug, name=name, timezone=timezone or get_settings().timezone,
                              currency=currency, language=language)
    click.echo(f"Created tenant {tenant.slug} (id {tenant.id}).")
    if owner_email:
        user = await users.create(Actor.cli(tenant.id), email=owner_email, password=owner_password, role="owner")
        click.echo(f"Created owner {user.email}.")


@cli.group()
def users() -> None:
    """Staff users of a tenant."""


@users.command("list")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@run
async def users_list(slug: str) -> None:
    """List the tenant's users."""
    from core.services import users as svc

    _, actor = await _tenant_actor(slug)
    for user in await svc.list_users(actor):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{'active' if user.is_active else 'inactive'}\t{user.name}")


@users.command("create")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["owner", "admin", "manager", "accountant", "viewer"]), required=True)
@click.option("--name", default="")
@click.option("--password", default=None, help="Asked when omitted.")
@run
async def users_create(slug, email, role, name, password) -> None:
    """Create a user."""
    from core.services import users as svc

    _, actor = await _tenant_actor(slug)
    password = password or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = await svc.create(actor, email=email, password=password, role=role, name=name)
    click.echo(f"Created user {user.email} (id {user.id}, {user.role}).")


@users.command("set-password")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--email", required=True)
@click.option("--password", default=None, help="Asked when omitted.")
@run
async def users_set_password(slug, email, password) -> None:
    """Set a user's password (and end their sessions)."""
    from core.db.queries import users as users_q
    from core.services import users as svc
    from core.services.errors import NotFound

    tenant, actor = await _tenant_actor(slug)
    user = await users_q.by_email(tenant.id, svc.normalize_email(email))
    if user is None:
        raise NotFound("user", email)
    password = password or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    await svc.update(actor, user.id, password=password)
    click.echo(f"Password of {user.email} changed.")


@cli.group()
def plugins() -> None:
    """Installed plugins."""


@plugins.command("list")
@click.option("--tenant", "slug", default=None, help="Also show whether each plugin is enabled for this tenant.")
@run
async def plugins_list(slug: str | None) -> None:
    """List installed plugins (built-in and from entry points)."""
    from core.services import plugins as svc

    registry = _registry()
    if slug is None:
        for plugin_id, meta in registry.metas.items():
            click.echo(f"{plugin_id}\t{meta.version}\t{meta.level}\t{registry.distribution(plugin_id)}\t{meta.name}")
        return
    _, actor = await _tenant_actor(slug)
    for plugin in await svc.list_plugins(actor, registry):
        state = "always on" if plugin.always_on else ("enabled" if plugin.enabled else "disabled")
        click.echo(f"{plugin.meta.id}\t{plugin.meta.version}\t{state}\t{plugin.distribution}\t{plugin.meta.name}")


@plugins.command("set")
@click.argument("plugin_id")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@run
async def plugins_set(plugin_id: str, state: str, slug: str) -> None:
    """Turn a plugin on or off for a tenant (to turn it on, its stored settings must be complete)."""
    from core.services import plugins as svc

    _, actor = await _tenant_actor(slug)
    await svc.configure(actor, _registry(), plugin_id, enabled=state == "on")
    click.echo(f"{plugin_id} is {state} for {slug}.")


@cli.group()
def clock() -> None:
    """The tenant clock: real, or simulated and moved by hand."""


def _echo_clock(tenant) -> None:
    from core.services import tenants as svc

    now = svc.clock_of(tenant).now()
    click.echo(f"{tenant.slug}: {tenant.clock_mode} clock, business date {now.date().isoformat()}, "
               f"now {now.isoformat(timespec='seconds')} ({tenant.timezone})")


@clock.command("show")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@run
async def clock_show(slug: str) -> None:
    """Show the tenant's clock and business date."""
    tenant, _ = await _tenant_actor(slug)
    _echo_clock(tenant)


@clock.command("set")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Simulate this business date (local midnight).")
@click.option("--real", is_flag=True, help="Go back to the real clock.")
@run
async def clock_set(slug: str, on, real: bool) -> None:
    """Put the tenant on a simulated date, or back on the real clock."""
    from core.services import tenants as svc

    if real == (on is not None):
        raise click.UsageError("give either --date YYYY-MM-DD or --real")
    _, actor = await _tenant_actor(slug)
    tenant = await svc.set_clock(actor, mode="real" if real else "simulated", on=on.date() if on else None)
    _echo_clock(tenant)


@clock.command("advance")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--days", type=click.IntRange(min=1), default=1, show_default=True)
@run
async def clock_advance(slug: str, days: int) -> None:
    """Move a simulated clock forward by whole days."""
    from core.services import tenants as svc

    _, actor = await _tenant_actor(slug)
    tenant = await svc.advance_clock(actor, days)
    _echo_clock(tenant)


@cli.command("import")
@click.argument("kind", type=click.Choice(["clients", "subscriptions"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; apply nothing.")
@run
async def import_command(kind: str, path: str, slug: str, dry_run: bool) -> None:
    """Import clients or subscriptions from a CSV file: all rows or none."""
    from pathlib import Path

    from core.services import csv_import

    _, actor = await _tenant_actor(slug)
    importer = csv_import.import_clients if kind == "clients" else csv_import.import_subscriptions
    with click.progressbar(length=1, label=f"Importing {kind}", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        report = await importer(actor, Path(path).read_bytes(), dry_run=dry_run, progress=progress)
    for problem in report.problems:
        click.echo(f"row {problem.row}: {problem.field or 'file'}: {problem.message}", err=True)
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} problem(s); nothing was imported")
    verb = "would be imported (dry run)" if dry_run else "imported"
    click.echo(f"{len(report.created)} {kind} {verb}.")


def _add_plugin_commands() -> None:
    try:
        _registry().pm.hook.saldo_register_commands(cli=cli)
    except Exception as exc:  # a broken plugin must not take the whole CLI down
        click.echo(f"warning: plugin commands not loaded: {exc}", err=True)


_add_plugin_commands()

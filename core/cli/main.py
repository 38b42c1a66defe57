"""``saldo``: serve, migrate, demo, tenants, users, plugins, clock, import, close-day,
simulate, and plugins' own commands."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sys
from datetime import timedelta

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


@contextlib.asynccontextmanager
async def _connection_pool():
    """On PostgreSQL, a connection pool (SALDO_DATABASE_POOL_SIZE) for a command that runs
    many queries, instead of a connection per query."""
    from core.db.engine import is_postgres
    from core.db.tables import Tenant
    from core.settings import get_settings

    engine, size = Tenant._meta.db, get_settings().database_pool_size
    pooled = is_postgres(engine) and size > 0
    if pooled:
        await engine.start_connection_pool(min_size=1, max_size=size)
    try:
        yield
    finally:
        if pooled:
            await engine.close_connection_pool()


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
    """Apply migrations and serve the web UI and the API.

    While it runs, every tenant's days are closed once their close time has passed
    (every SALDO_SCHEDULER_INTERVAL seconds; 0 turns this off)."""
    import uvicorn

    from core.settings import get_settings

    settings = get_settings()
    if not no_migrate:
        asyncio.run(_migrate())
    host, port = host or settings.host, port or settings.port
    click.echo(f"Saldo is at http://{host}:{port}/  (API docs: http://{host}:{port}/schema)")
    uvicorn.run("web.app:create_served_app", factory=True, host=host, port=port, log_level=settings.log_level.lower())


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
    """Create the demo tenant with its owner, sample data and months of history.

    The tenant's clock is put on the first day of the month four months back (from today's
    real date), the catalog, clients and subscriptions are made then, and the clock is
    moved day by day to today, closing every day on the way: runs, invoices, acts and
    balances are there at once. The tenant is then put on the real clock, so the server's
    schedule closes each new day. Does nothing if the demo tenant exists (an interrupted
    history is finished)."""
    await _migrate()
    async with _connection_pool():
        await _demo_tenant()
    click.echo(f"Demo login: organisation {DEMO_SLUG}, e-mail {DEMO_EMAIL}, password {DEMO_PASSWORD}")


async def _demo_tenant() -> None:
    from core.services import demo as demo_data
    from core.services import tenants, users
    from core.services.actor import Actor
    from core.settings import get_settings

    existing = {t.slug: t for t in await tenants.all_tenants()}
    if DEMO_SLUG not in existing:
        tenant = await tenants.create(slug=DEMO_SLUG, name="ООО «Демо Хостинг»", timezone=get_settings().timezone)
        await users.create(Actor.cli(tenant.id), email=DEMO_EMAIL, password=DEMO_PASSWORD, role="owner",
                           name="Демо Администратор")
        with _DaysBar("Demo history") as bar:
            runs = await demo_data.create_with_history(Actor.cli(tenant.id), _registry(), progress=bar)
        click.echo(f"Created the demo tenant with sample clients, products and subscriptions, and "
                   f"{len(runs)} closed days of history.")
    elif existing[DEMO_SLUG].clock_mode == "simulated":
        with _DaysBar("Demo history") as bar:
            runs = await demo_data.finish_history(Actor.cli(existing[DEMO_SLUG].id), _registry(), progress=bar)
        click.echo(f"Finished the demo tenant's history ({len(runs)} more closed days).")


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


# The day close.

PARKED_EXIT = 3


class _DaysBar:
    """A progress bar on stderr of a simulation: day x of y, and the clock's date."""

    def __init__(self, label: str) -> None:
        self.label, self.bar = label, None

    def __enter__(self) -> "_DaysBar":
        return self

    def __call__(self, done: int, total: int, day) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr,
                                         item_show_func=lambda shown: shown)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, f"day {done} of {total}, {day.isoformat()}")

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


class _AccountsBar:
    """A progress bar on stderr per closed day: accounts seen of the tenant's accounts."""

    def __init__(self, slug: str, total: int) -> None:
        self.slug, self.total, self.day, self.bar = slug, total, None, None

    def __enter__(self) -> "_AccountsBar":
        return self

    def __call__(self, day, seen: int) -> None:
        if day != self.day:
            self.__exit__(None, None, None)
            self.day = day
            self.bar = click.progressbar(length=max(self.total, seen, 1), label=f"{self.slug} {day.isoformat()}",
                                         file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.length = max(self.bar.length, seen)
        self.bar.update(seen - self.bar.pos)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
            self.bar = None


async def _account_count(tenant_id: int) -> int:
    from core.db.tables import Account

    return await Account.count().where(Account.tenant == tenant_id)


def _money(minor: int, currency: str) -> str:
    from core.domain.money import Money

    return f"{Money.from_minor(minor, currency).amount} {currency}"


def _echo_run(slug: str, run, currency: str) -> int:
    """Print a run's line; returns how many of its accounts are parked."""
    totals = run.totals
    by_state = ", ".join(f"{state} {t['accounts']}" for state, t in sorted(totals.items())) or "none with anything due"
    counted = [t for state, t in totals.items() if state not in ("parked", "cancelled")]
    charges = sum(t["charges_minor"] for t in counted)
    credits = sum(t["credits_minor"] for t in counted)
    documents = sum(t["documents"] for t in counted)
    click.echo(f"{slug} {run.business_date.isoformat()} {run.mode} {run.state}: accounts {by_state}; "
               f"charges {_money(charges, currency)}, credits {_money(credits, currency)}, documents {documents}; "
               f"{run.duration_ms / 1000:.2f} s (run {run.id})")
    return totals.get("parked", {}).get("accounts", 0)


def _finish(parked: list[tuple[str, int, int]], failed: list[str] = ()) -> None:
    """Say which runs have parked accounts and how to retry them; set the exit status."""
    if parked:
        count = sum(n for _, _, n in parked)
        click.echo(f"{count} account(s) parked, nothing was written for them:", err=True)
        for slug, run_id, n in parked:
            click.echo(f"  {slug}: run {run_id}: {n} parked; fix their data, then "
                       f"saldo close-day --retry {run_id} --tenant {slug}", err=True)
    if failed:
        raise click.ClickException(f"the day close failed for {len(failed)} tenant(s): {', '.join(failed)}")
    if parked:
        raise click.exceptions.Exit(PARKED_EXIT)


@cli.command("close-day")
@click.option("--tenant", "slug", default=None, help="Tenant slug (default: every tenant).")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Close this business date (default: catch up every missed day up to yesterday).")
@click.option("--mode", type=click.Choice(["sandbox", "auto", "confirm"]), default=None,
              help="sandbox shows, auto commits, confirm waits for a manager (default: the tenant's rule).")
@click.option("--retry", "retry_run", type=int, default=None, metavar="RUN_ID",
              help="Run the parked accounts of run RUN_ID again (after their data was fixed).")
@run
async def close_day_command(slug: str | None, on, mode: str | None, retry_run: int | None) -> None:
    """Close business days: charges that fell due, invoices, acts, blocks.

    Without --date every day after the tenant's last closed one is closed, up to
    yesterday by the tenant's clock (only yesterday if it was never closed), after
    finishing a run a crash left unfinished. A run that was interrupted is resumed by
    running the command again: accounts it wrote are not written twice.

    One line per run: date, mode, state, accounts by state, charges, credits, documents,
    duration. Exit status: 0 done, 1 an error, 3 some accounts were parked (the others
    were written)."""
    async with _connection_pool():
        await _close_days(slug, on, mode, retry_run)


async def _close_days(slug: str | None, on, mode: str | None, retry_run: int | None) -> None:
    from core.services import day_close
    from core.services import tenants as svc
    from core.services.actor import Actor

    if retry_run is not None:
        if on is not None or mode is not None:
            raise click.UsageError("--retry re-runs a run's parked accounts: it takes no --date or --mode")
        await _retry(slug, retry_run)
        return
    if mode == "sandbox" and on is None:
        raise click.UsageError("a sandbox run previews one day: give --date YYYY-MM-DD")
    chosen = [await svc.by_slug(slug)] if slug else await svc.all_tenants()
    registry = _registry()
    parked, failed = [], []
    for tenant in chosen:
        actor = Actor.cli(tenant.id)
        try:
            with _AccountsBar(tenant.slug, await _account_count(tenant.id)) as bar:
                if on is not None:
                    runs = [await day_close.close_day(actor, registry, on.date(), mode=mode,
                                                      progress=lambda n: bar(on.date(), n))]
                else:
                    yesterday = svc.clock_of(tenant).today() - timedelta(days=1)
                    runs = await day_close.catch_up(actor, registry, yesterday, mode=mode, progress=bar)
        except ServiceError as exc:
            if slug:
                raise
            failed.append(tenant.slug)
            click.echo(f"{tenant.slug}: {exc.message}", err=True)
            continue
        if not runs:
            click.echo(f"{tenant.slug}: nothing to close (every day up to yesterday is closed)")
        for closed in runs:
            count = _echo_run(tenant.slug, closed, tenant.currency)
            if count:
                parked.append((tenant.slug, closed.id, count))
    _finish(parked, failed)


async def _retry(slug: str | None, run_id: int) -> None:
    from core.db.tables import DayCloseRun
    from core.services import day_close
    from core.services import tenants as svc
    from core.services.actor import Actor
    from core.services.errors import NotFound

    if slug:
        tenant = await svc.by_slug(slug)
    else:
        row = await DayCloseRun.select(DayCloseRun.tenant).where(DayCloseRun.id == run_id).first()
        if row is None:
            raise NotFound("day close run", run_id)
        tenant = await svc.get(row["tenant"])
    retried = await day_close.retry(Actor.cli(tenant.id), _registry(), run_id)
    count = _echo_run(tenant.slug, retried, tenant.currency)
    _finish([(tenant.slug, retried.id, count)] if count else [])


@cli.command()
@click.option("--tenant", "slug", required=True, help="Tenant slug (its clock must be simulated).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), required=True, metavar="YYYY-MM-DD",
              help="Move the clock to this date; every day before it gets closed.")
@run
async def simulate(slug: str, until) -> None:
    """Live through days on a simulated clock: move it one day at a time up to --until,
    closing after each step the day that has just ended (in the tenant's mode).

    The tenant must be on a simulated clock (saldo clock set --tenant SLUG --date ...);
    a tenant on the real clock is refused rather than moved into the future. Resumable:
    after an interruption run it again; it finishes the unfinished close and goes on from
    the clock's date. Exit status 3 when some accounts were parked on the way."""
    async with _connection_pool():
        await _simulate(slug, until)


async def _simulate(slug: str, until) -> None:
    from core.services import scheduler
    from core.services import tenants as svc

    tenant, actor = await _tenant_actor(slug)
    with _DaysBar(f"Simulating {slug}") as bar:
        runs = await scheduler.simulate(actor, _registry(), until.date(), progress=bar)
    parked = []
    for closed in runs:
        count = _echo_run(slug, closed, tenant.currency)
        if count:
            parked.append((slug, closed.id, count))
    _echo_clock(await svc.get(tenant.id))
    _finish(parked)


def _add_plugin_commands() -> None:
    try:
        _registry().pm.hook.saldo_register_commands(cli=cli)
    except Exception as exc:  # a broken plugin must not take the whole CLI down
        click.echo(f"warning: plugin commands not loaded: {exc}", err=True)


_add_plugin_commands()

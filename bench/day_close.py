"""Benchmark of the day close: N due subscriptions closed in one ``close_day`` (mode auto).

    .venv/bin/python bench/day_close.py --n 10000 --db sqlite
    .venv/bin/python bench/day_close.py --n 50000 --db postgres [--chunk 500] [--profile out.prof]

It creates a fresh database (a temporary SQLite file, or a PostgreSQL database
``saldo_bench_<pid>`` that is dropped at the end), runs the migrations, seeds a tenant
with N/5 clients (each with an RUB account) and 5 monthly prepaid products of the same
price, one subscription of every product per client (N in all), all falling due on
2026-03-01, and then:

* times ``close_day(actor, registry, 2026-03-01, mode="auto")`` — subscriptions per second,
  wall time, and the peak memory of the close (the growth of the process's maximum RSS
  over the close, from ``resource.getrusage``; with ``--tracemalloc`` also the tracemalloc
  peak of Python allocations, which slows the close down);
* checks the close: N ledger entries, sum of balances == -N x price, N/5 invoices,
  N/5 accounts done in the run;
* times the floor: the rows the close wrote (N/5 result rows, N/5 documents, N document
  lines, N ledger entries), written again with the same batched ORM inserts, 500 rows a
  statement and one transaction per chunk of accounts, but nothing read or computed; a
  second floor adds the updates the close makes (N/5 balance updates, N subscription
  updates through ``core.db.bulk``); on PostgreSQL a third floor writes the same rows with
  COPY (``--no-copy-floor`` skips it). Prints close/floor ratios.

Progress goes to stderr, the results to stdout (``--json`` for one JSON line).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import resource
import secrets
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUSINESS_DATE = date(2026, 3, 1)
PERIOD_END = date(2026, 3, 31)
CLOCK = date(2026, 3, 2)
PRODUCTS = 5  # subscriptions per client: one of every product
PRICE_E4 = 10_000_000  # 1000.00 RUB a month
PRICE_MINOR = 100_000
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# Seeding.

async def seed(tenant_id: int, n: int, batch: int) -> list[int]:
    """5 products, N/5 clients with an account each, N active subscriptions due on BUSINESS_DATE.
    Rows are made by INSERT … SELECT over a generated range, ``batch`` clients a statement."""
    from core.db.tables import Account, Client, Product, ProductPrice, Subscription

    products = []
    for k in range(1, PRODUCTS + 1):
        rows = await Product.insert(Product(tenant=tenant_id, code=f"bench-{k}", name=f"Bench service {k}",
                                            kind="recurring", vat_rate="none")).returning(Product.id)
        products.append(rows[0]["id"])
        await ProductPrice.insert(ProductPrice(tenant=tenant_id, product=rows[0]["id"], cycle="monthly",
                                               unit_price_e4=PRICE_E4, effective_from=date(2018, 1, 1)))
    clients = n // PRODUCTS
    started = time.monotonic()
    for first in range(1, clients + 1, batch):
        last = min(first + batch - 1, clients)
        sequence = ('WITH RECURSIVE seq(k) AS (SELECT CAST({} AS INTEGER) '
                    'UNION ALL SELECT k + 1 FROM seq WHERE k < CAST({} AS INTEGER)) ')
        await Client.raw(
            sequence + 'INSERT INTO "client" (tenant, type, display_name, company_name, search_text, email, inn, '
            'legal_address) SELECT {}, \'legal\', \'ООО «Клиент \' || k || \'»\', \'ООО «Клиент \' || k || \'»\', '
            '\'клиент \' || k, \'client\' || k || \'@bench.test\', \'7708305901\', \'Москва\' FROM seq',
            first, last, tenant_id)
        low, high = await _client_range(tenant_id, first, last)
        await Account.raw('INSERT INTO "account" (tenant, client, currency, balance_minor) '
                          "SELECT {}, id, 'RUB', 0 FROM \"client\" WHERE tenant = {} AND id BETWEEN {} AND {} "
                          'ORDER BY id', tenant_id, tenant_id, low, high)
        await Subscription.raw(
            'INSERT INTO "subscription" (tenant, client, product, status, cycle, quantity_e3, billing_day, '
            'start_date, period_start, period_end, next_billing_date) '
            "SELECT {}, c.id, p.id, 'active', 'monthly', 1000, 1, {}, {}, {}, {} "
            'FROM "client" c CROSS JOIN "product" p WHERE c.tenant = {} AND p.tenant = {} AND c.id BETWEEN {} AND {} '
            'ORDER BY c.id, p.id', tenant_id, BUSINESS_DATE, BUSINESS_DATE, PERIOD_END, BUSINESS_DATE,
            tenant_id, tenant_id, low, high)
        done = last * PRODUCTS
        rate = done / max(time.monotonic() - started, 1e-9)
        log(f"  seeded {done}/{n} subscriptions ({last} clients, {rate:,.0f} subs/s)")
    return products


async def _client_range(tenant_id: int, first: int, last: int) -> tuple[int, int]:
    from core.db.tables import Client

    rows = await Client.raw('SELECT MIN(id) AS low, MAX(id) AS high FROM "client" WHERE tenant = {} AND email IN ({}, {})',
                            tenant_id, f"client{first}@bench.test", f"client{last}@bench.test")
    return rows[0]["low"], rows[0]["high"]


# The floor: the same rows, written without reading or computing anything.

async def _floor_run(tenant_id: int) -> int:
    """A sandbox run (no close key) to hang the floor's result rows on: (run, account) is unique."""
    from core.db.queries import day_close as day_q

    return await day_q.insert_run(tenant_id, BUSINESS_DATE, "sandbox", "floor")


async def floor(tenant_id: int, chunk: int, with_updates: bool) -> float:
    from core.db import bulk
    from core.db.tables import Account, DayCloseAccount, Document, DocumentLine, LedgerEntry, Subscription
    from core.db.transaction import atomic

    accounts = await Account.select(Account.id, Account.client).where(Account.tenant == tenant_id).order_by(Account.id)
    subs: dict[int, list[int]] = {}
    for s in await Subscription.select(Subscription.id, Subscription.client).where(
            Subscription.tenant == tenant_id).order_by(Subscription.id):
        subs.setdefault(s["client"], []).append(s["id"])
    tag = secrets.token_hex(3)
    run_id = await _floor_run(tenant_id)
    party = json.dumps({"name": "ООО «Клиент»", "inn": "7708305901", "kpp": "", "address": "Москва"}, ensure_ascii=False)
    result = json.dumps({"lines": [], "documents": 1})
    started = time.monotonic()
    now = datetime.now(timezone.utc)
    for start in range(0, len(accounts), chunk):
        part = accounts[start:start + chunk]
        async with atomic():
            await _batched(DayCloseAccount, [DayCloseAccount(
                tenant=tenant_id, run=run_id, account=a["id"], client=a["client"], business_date=BUSINESS_DATE,
                state="floor", charges_minor=PRICE_MINOR * PRODUCTS, documents=1, result=result) for a in part])
            docs = [Document(tenant=tenant_id, type="invoice", status="posted", client=a["client"], account=a["id"],
                             number_series=f"floor:{tag}", number=start + n + 1, issue_date=BUSINESS_DATE, period_start=BUSINESS_DATE,
                             period_end=PERIOD_END, currency="RUB", total_minor=PRICE_MINOR * PRODUCTS,
                             net_minor=PRICE_MINOR * PRODUCTS, seller=party, buyer=party, source=f"floor:{tag}",
                             posted_at=now) for n, a in enumerate(part)]
            ids = []
            for s in range(0, len(docs), 500):
                ids += [r["id"] for r in await Document.insert(*docs[s:s + 500]).returning(Document.id)]
            lines, entries = [], []
            for document_id, a in zip(ids, part):
                for position, sub_id in enumerate(subs[a["client"]], 1):
                    lines.append(DocumentLine(
                        tenant=tenant_id, document=document_id, position=position, kind="charge",
                        description=f"Bench service {position}", quantity_e3=1000, unit_price_e4=PRICE_E4,
                        net_minor=PRICE_MINOR, total_minor=PRICE_MINOR, period_start=BUSINESS_DATE,
                        period_end=PERIOD_END, subscription=sub_id))
                    entries.append(LedgerEntry(
                        tenant=tenant_id, account=a["id"], kind="charge", amount_minor=-PRICE_MINOR,
                        booked_on=BUSINESS_DATE, description=f"Bench service {position} (01.03.2026 – 31.03.2026)",
                        source_type="document", source_id=str(document_id), actor_label="floor",
                        idempotency_key=f"floor:{tag}:{a['id']}#{position}"))
            await _batched(DocumentLine, lines)
            await _batched(LedgerEntry, entries)
            if with_updates:
                await bulk.add_to_column(Account, tenant_id, "balance_minor",
                                         {a["id"]: 0 for a in part})  # + 0: the balances stay as the close left them
                rows = [(sub_id, date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 1), "monthly")
                        for a in part for sub_id in subs[a["client"]]]
                await bulk.update_rows(Subscription, tenant_id, ["period_start", "period_end", "next_billing_date",
                                                                 "cycle"], rows, guard="next_billing_date")
    return time.monotonic() - started


async def _batched(table, rows) -> None:
    for start in range(0, len(rows), 500):
        await table.insert(*rows[start:start + 500])


async def copy_floor(tenant_id: int, chunk: int) -> float:
    """PostgreSQL only: the same inserted rows through COPY, one transaction per chunk."""
    from core.db.tables import Account, Subscription, Tenant

    accounts = await Account.select(Account.id, Account.client).where(Account.tenant == tenant_id).order_by(Account.id)
    subs: dict[int, list[int]] = {}
    for s in await Subscription.select(Subscription.id, Subscription.client).where(
            Subscription.tenant == tenant_id).order_by(Subscription.id):
        subs.setdefault(s["client"], []).append(s["id"])
    import asyncpg

    connection = await asyncpg.connect(Tenant._meta.db.config["dsn"])
    tag = secrets.token_hex(3)
    run_id = await _floor_run(tenant_id)
    party = json.dumps({"name": "ООО «Клиент»", "inn": "7708305901"}, ensure_ascii=False)
    now = datetime.now(timezone.utc)
    started = time.monotonic()
    try:
        for start in range(0, len(accounts), chunk):
            part = accounts[start:start + chunk]
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "day_close_account", columns=["tenant", "run", "account", "client", "business_date", "state",
                                                  "charges_minor", "credits_minor", "documents", "result",
                                                  "fingerprint", "error", "decided_by", "updated_at"],
                    records=[(tenant_id, run_id, a["id"], a["client"], BUSINESS_DATE, "copy", PRICE_MINOR * PRODUCTS,
                              0, 1, "{}", "", "", "", now) for a in part])
                ids = [r["id"] for r in await connection.fetch(
                    "SELECT nextval(pg_get_serial_sequence('document', 'id')) AS id FROM generate_series(1, $1)",
                    len(part))]
                await connection.copy_records_to_table(
                    "document", columns=["id", "tenant", "type", "status", "client", "account", "number_series",
                                         "number", "issue_date", "period_start", "period_end", "currency",
                                         "net_minor", "vat_minor", "total_minor", "seller", "buyer", "source",
                                         "created_at", "posted_at"],
                    records=[(i, tenant_id, "invoice", "posted", a["client"], a["id"], f"copy:{tag}", start + n + 1,
                              BUSINESS_DATE, BUSINESS_DATE, PERIOD_END, "RUB", PRICE_MINOR * PRODUCTS, 0,
                              PRICE_MINOR * PRODUCTS, party, party, f"copy:{tag}", now, now)
                             for n, (i, a) in enumerate(zip(ids, part))])
                lines, entries = [], []
                for document_id, a in zip(ids, part):
                    for position, sub_id in enumerate(subs[a["client"]], 1):
                        lines.append((tenant_id, document_id, position, "charge", f"Bench service {position}", 1000,
                                      "", "", PRICE_E4, 0, PRICE_MINOR, "none", 0, PRICE_MINOR, BUSINESS_DATE,
                                      PERIOD_END, sub_id))
                        entries.append((tenant_id, a["id"], "charge", -PRICE_MINOR, BUSINESS_DATE,
                                        f"Bench service {position} (01.03.2026 – 31.03.2026)", "document",
                                        str(document_id), "copy", f"copy:{tag}:{a['id']}#{position}", now))
                await connection.copy_records_to_table(
                    "document_line", columns=["tenant", "document", "position", "kind", "description", "quantity_e3",
                                              "unit", "unit_okei", "unit_price_e4", "discount_minor", "net_minor",
                                              "vat_rate", "vat_minor", "total_minor", "period_start", "period_end",
                                              "subscription"], records=lines)
                await connection.copy_records_to_table(
                    "ledger_entry", columns=["tenant", "account", "kind", "amount_minor", "booked_on", "description",
                                             "source_type", "source_id", "actor_label", "idempotency_key",
                                             "created_at"], records=entries)
    finally:
        await connection.close()
    return time.monotonic() - started


# Checking the close.

async def check(tenant_id: int, run, n: int) -> dict:
    from core.db.tables import Account, DayCloseAccount, Document, LedgerEntry, Subscription

    entries = await LedgerEntry.count().where((LedgerEntry.tenant == tenant_id)
                                              & LedgerEntry.idempotency_key.like("dayclose:%"))
    balances = (await Account.raw('SELECT COALESCE(SUM(balance_minor), 0) AS total FROM "account" WHERE tenant = {}',
                                  tenant_id))[0]["total"]
    documents = await Document.count().where((Document.tenant == tenant_id) & (Document.type == "invoice")
                                             & Document.source.like("day_close:%"))
    done = await DayCloseAccount.count().where((DayCloseAccount.run == run.id) & (DayCloseAccount.state == "done"))
    moved = await Subscription.count().where((Subscription.tenant == tenant_id)
                                             & (Subscription.next_billing_date == date(2026, 4, 1)))
    found = {"ledger_entries": entries, "sum_balances_minor": int(balances), "invoices": documents,
             "accounts_done": done, "subscriptions_moved": moved, "run_state": run.state}
    expected = {"ledger_entries": n, "sum_balances_minor": -n * PRICE_MINOR, "invoices": n // PRODUCTS,
                "accounts_done": n // PRODUCTS, "subscriptions_moved": n, "run_state": "done"}
    wrong = {k: (found[k], expected[k]) for k in expected if found[k] != expected[k]}
    found["ok"] = not wrong
    if wrong:
        found["wrong"] = {k: {"found": f, "expected": e} for k, (f, e) in wrong.items()}
    return found


# The run.

async def run(args) -> dict:
    from piccolo.table import Table  # noqa: F401  (imported before the engine is chosen)

    from core.db.databases import postgres_admin, use_database, with_database
    from core.db.migrate import migrate

    if args.db == "sqlite":
        folder = tempfile.mkdtemp(prefix="saldo-bench-")
        url = f"sqlite:///{folder}/bench.sqlite"
        cleanup = lambda: __import__("shutil").rmtree(folder, ignore_errors=True)  # noqa: E731
        use_database(url)
        admin_url = name = None
    else:
        admin_url = args.postgres_url
        name = f"saldo_bench_{os.getpid()}"
        await postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await postgres_admin(admin_url, f'CREATE DATABASE "{name}"')
        url = with_database(admin_url, name)
        use_database(url)
        cleanup = None
    try:
        return await _measure(args, url, migrate)
    finally:
        if cleanup:
            cleanup()
        if name and not args.keep:
            await postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        elif name:
            log(f"kept database {name}")


async def _measure(args, url: str, migrate) -> dict:
    from core.db.engine import is_postgres
    from core.db.tables import Tenant
    from core.plugins.manager import PluginRegistry
    from core.services import day_close, tenants
    from core.services.actor import Actor

    t0 = time.monotonic()
    await migrate()
    log(f"migrated {args.db} database in {time.monotonic() - t0:.1f}s")
    engine = Tenant._meta.db
    pooled = is_postgres(engine) and args.pool > 0
    if pooled:
        await engine.start_connection_pool(max_size=args.pool)
    try:
        tenant = await tenants.create(slug=f"bench-{os.getpid()}", name="Bench tenant")
        actor = Actor.cli(tenant.id)
        await tenants.set_clock(actor, mode="simulated", on=CLOCK)
        t0 = time.monotonic()
        await seed(tenant.id, args.n, args.seed_batch)
        seed_seconds = time.monotonic() - t0
        if is_postgres(engine):
            await Tenant.raw("ANALYZE")
        log(f"seeded {args.n} subscriptions in {seed_seconds:.1f}s")
        registry = PluginRegistry.build(load_entrypoints=False)
        day_close.CHUNK = args.chunk
        accounts = args.n // PRODUCTS
        last = [0.0]

        def progress(seen: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 2 or seen == accounts:
                last[0] = now
                log(f"  closed {seen}/{accounts} accounts ({seen * PRODUCTS / (now - started):,.0f} subs/s)")

        rss_before = maxrss_mb()
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        load_before = os.getloadavg()[0]
        if args.tracemalloc:
            tracemalloc.start()
        profiler = cProfile.Profile() if args.profile else None
        started = time.monotonic()
        if profiler:
            profiler.enable()
        record = await day_close.close_day(actor, registry, BUSINESS_DATE, mode="auto", progress=progress)
        if profiler:
            profiler.disable()
        close_seconds = time.monotonic() - started
        traced_peak = None
        if args.tracemalloc:
            traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        rss_after = maxrss_mb()
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        cpu_seconds = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        load_after = os.getloadavg()[0]
        if profiler:
            _report_profile(profiler, args.profile)
        log(f"closed in {close_seconds:.1f}s; checking")
        verdict = await check(tenant.id, record, args.n)
        results = {
            "db": args.db, "n": args.n, "accounts": accounts, "chunk": args.chunk, "pool": args.pool if pooled else 0,
            "seed_s": round(seed_seconds, 2), "close_s": round(close_seconds, 2),
            "close_subs_per_s": round(args.n / close_seconds), "close_cpu_s": round(cpu_seconds, 2),
            "close_subs_per_cpu_s": round(args.n / cpu_seconds), "loadavg_1m": [load_before, load_after],
            "maxrss_before_mb": round(rss_before, 1),
            "maxrss_after_mb": round(rss_after, 1), "close_maxrss_delta_mb": round(rss_after - rss_before, 1),
            "tracemalloc_peak_mb": None if traced_peak is None else round(traced_peak, 1),
            "profiled": bool(profiler), "check": verdict,
        }
        if not args.no_floor:
            log("floor: batched ORM inserts of the same rows")
            seconds = await floor(tenant.id, args.chunk, with_updates=False)
            results |= {"floor_s": round(seconds, 2), "close_over_floor": round(close_seconds / seconds, 2)}
            log("floor: the same inserts plus the balance and subscription updates")
            seconds = await floor(tenant.id, args.chunk, with_updates=True)
            results |= {"floor_updates_s": round(seconds, 2),
                        "close_over_floor_updates": round(close_seconds / seconds, 2)}
            if is_postgres(engine) and not args.no_copy_floor:
                log("floor: the same inserted rows through COPY")
                seconds = await copy_floor(tenant.id, args.chunk)
                results |= {"copy_floor_s": round(seconds, 2), "close_over_copy_floor": round(close_seconds / seconds, 2)}
        return results
    finally:
        if pooled:
            await engine.close_connection_pool()


def _report_profile(profiler: cProfile.Profile, path: str) -> None:
    profiler.dump_stats(path)
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(40)
        Path(f"{path}.{order}.txt").write_text(out.getvalue())
    log(f"profile written to {path} (+ .cumulative.txt, .tottime.txt)")


def _print(results: dict) -> None:
    r = results
    print(f"day close, {r['db']}, N={r['n']} subscriptions over {r['accounts']} accounts, chunk {r['chunk']}"
          + (f", pool {r['pool']}" if r['pool'] else "") + (" (under cProfile)" if r["profiled"] else ""))
    print(f"  seed           {r['seed_s']:8.2f} s")
    print(f"  close_day      {r['close_s']:8.2f} s   {r['close_subs_per_s']:>9,} subs/s")
    print(f"  CPU of this process over the close {r['close_cpu_s']:.2f} s ({r['close_subs_per_cpu_s']:,} subs per CPU s); "
          f"1-minute load average {r['loadavg_1m'][0]:.2f} before, {r['loadavg_1m'][1]:.2f} after")
    print(f"  peak memory    maxrss grew {r['close_maxrss_delta_mb']:.1f} MB over the close "
          f"({r['maxrss_before_mb']:.0f} -> {r['maxrss_after_mb']:.0f} MB, resource.getrusage)"
          + (f"; tracemalloc peak {r['tracemalloc_peak_mb']:.1f} MB" if r["tracemalloc_peak_mb"] is not None else ""))
    if "floor_s" in r:
        print(f"  floor (ORM inserts)           {r['floor_s']:8.2f} s   close/floor = {r['close_over_floor']:.2f}")
        print(f"  floor (+ balance/sub updates) {r['floor_updates_s']:8.2f} s   "
              f"close/floor = {r['close_over_floor_updates']:.2f}")
    if "copy_floor_s" in r:
        print(f"  floor (COPY, inserts only)    {r['copy_floor_s']:8.2f} s   "
              f"close/floor = {r['close_over_copy_floor']:.2f}")
    c = r["check"]
    print(f"  check          {'OK' if c['ok'] else 'FAILED'}: {c['ledger_entries']} ledger entries, "
          f"sum of balances {c['sum_balances_minor']}, {c['invoices']} invoices, {c['accounts_done']} accounts done, "
          f"{c['subscriptions_moved']} subscriptions moved to the next period")
    if not c["ok"]:
        print(f"  wrong: {c['wrong']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="subscriptions (a multiple of 5)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--chunk", type=int, default=500, help="accounts per chunk of the close (default 500)")
    parser.add_argument("--postgres-url", default=os.environ.get("SALDO_BENCH_POSTGRES_URL", DEFAULT_PG),
                        help="admin URL of the PostgreSQL server (a database is created and dropped on it)")
    parser.add_argument("--pool", type=int, default=10,
                        help="PostgreSQL connection pool size, as the web server has (0: no pool)")
    parser.add_argument("--seed-batch", type=int, default=5000, help="clients per seeding statement")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--profile", metavar="FILE", help="run the close under cProfile; write stats to FILE")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor measurements")
    parser.add_argument("--no-copy-floor", action="store_true", help="skip the COPY floor on PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON line")
    args = parser.parse_args()
    if args.n <= 0 or args.n % PRODUCTS:
        parser.error(f"--n must be a positive multiple of {PRODUCTS}")
    results = asyncio.run(run(args))
    if args.json:
        print(json.dumps(results, default=str))
    else:
        _print(results)
    return 0 if results["check"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of payment notifications over HTTP: N online payments confirmed by Robokassa's
ResultURL calls, a share of them sent twice, against a trivial route of the same app.

    .venv/bin/python bench/payments.py --n 2000 --db postgres [--duplicates 0.2] [--concurrency 32]

It creates a fresh PostgreSQL database ``saldo_bench_payments_<pid>`` (dropped at the end;
``--keep`` keeps it), runs the migrations, and seeds a tenant with the Robokassa plugin
(plugins/robokassa) enabled and configured (MD5 signatures), N clients each with an account
charged 1220.00 and a posted invoice of 1220.00, and N pending payment attempts made by
``core.services.payments.start`` (one per invoice, as the portal's «Оплатить» makes them;
the attempt's id is Robokassa's InvId).

The app runs in a separate process (uvicorn, one worker, a PostgreSQL pool of ``--pool``
connections) on a random loopback port. One ``httpx.AsyncClient`` with at most
``--concurrency`` requests in flight then

1. sends as many ``GET /healthz`` (one ``SELECT 1``) as there are notifications;
2. sends the notifications to ``/p/{slug}/robokassa/result`` as Robokassa does (a POST form
   of OutSum as live mode writes it, InvId and the upper-case MD5 SignatureValue over
   ``OutSum:InvId:Password#2``): one per attempt plus duplicates of randomly chosen attempts,
   so that duplicates are ``--duplicates`` of all notifications, in a shuffled order (a
   duplicate may be in flight together with its original);
3. sends the ``/healthz`` requests again;

and prints the rate of each phase, the notifications' rate over the trivial route's (the
mean of the two runs), the CPU time of the server and of the client per phase, and the
server's CPU time a /healthz over a notification's (what the ratio would be if the server's
CPU alone limited both: the client shares the machine and may be the bottleneck of the
trivial route). Then it
checks that nothing was applied twice: every notification answered ``200 OK{InvId}``, N
payments succeeded and none is pending, N payment ledger entries, N allocations, N invoices
paid, and every account's balance back to 0.00. The exit code is 1 when a check fails.

Progress goes to stderr, the results to stdout (``--json`` for one JSON line).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from saldo_robokassa import plugin as robokassa  # noqa: E402
from saldo_robokassa.config import HashAlgorithm  # noqa: E402
from saldo_robokassa.signature import digest  # noqa: E402

from core.domain.money import Money  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
PLUGIN_ID = "robokassa"
SHOP = {"merchant_login": "bench-shop", "password1": "bench password one", "password2": "bench password two",
        "hash_algorithm": HashAlgorithm.MD5.value}
AMOUNT = Money.of("1220.00")
BUSINESS_DATE = date(2026, 3, 2)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def registry():
    """The built-in plugins and Robokassa."""
    from core.plugins.manager import PluginRegistry

    built = PluginRegistry.build(load_entrypoints=False)
    built.register(robokassa)
    return built


# The server process.

def serve(url: str, pool: int) -> None:
    """Run the app over ``url`` on a free loopback port; print the port first."""
    import uvicorn

    from core.db.databases import use_database
    from core.settings import get_settings
    from web.app import create_app

    use_database(url)
    os.environ["SALDO_DATABASE_POOL_SIZE"] = str(pool)
    get_settings.cache_clear()
    app = create_app(registry=registry())
    # IPPROTO_TCP named, so that asyncio sets TCP_NODELAY on the accepted connections (it
    # checks the protocol; without it each response waits ~40 ms for the client's delayed ACK)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)  # connections wait in the backlog until uvicorn has started
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])


class Server:
    """``bench/payments.py --serve`` in a subprocess."""

    def __init__(self, url: str, pool: int) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", url, "--pool", str(pool)],
                                        stdout=subprocess.PIPE, text=True,
                                        env=os.environ | {"SALDO_LOG_LEVEL": "ERROR"})  # the warm-up's refusals
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise RuntimeError(f"the server did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def cpu_seconds(self) -> float:
        """The server process's user + system CPU time so far (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# Seeding.

async def seed(tenant_id: int, n: int) -> None:
    """N clients, each with an RUB account charged 1220.00 (a ledger entry) and a posted
    invoice of 1220.00, made by INSERT … SELECT over a generated range."""
    from core.db.tables import Client

    now = datetime.now(timezone.utc)
    amount = AMOUNT.minor
    await Client.raw(
        'WITH RECURSIVE seq(k) AS (SELECT CAST(1 AS INTEGER) UNION ALL SELECT k + 1 FROM seq '
        'WHERE k < CAST({} AS INTEGER)) '
        'INSERT INTO "client" (tenant, type, display_name, company_name, search_text, email, inn, legal_address) '
        "SELECT {}, 'legal', 'ООО «Плательщик ' || k || '»', 'ООО «Плательщик ' || k || '»', 'плательщик ' || k, "
        "'payer' || k || '@bench.test', '7708305901', 'Москва' FROM seq", n, tenant_id)
    await Client.raw('INSERT INTO "account" (tenant, client, currency, balance_minor) '
                     "SELECT {}, id, 'RUB', {} FROM \"client\" WHERE tenant = {} ORDER BY id",
                     tenant_id, -amount, tenant_id)
    await Client.raw(
        'INSERT INTO "ledger_entry" (tenant, account, kind, amount_minor, booked_on, description, source_type, '
        "source_id, actor_label, idempotency_key, created_at) SELECT {}, id, 'charge', {}, {}, 'Хостинг', "
        "'bench', CAST(id AS VARCHAR), 'bench', 'bench:' || CAST(id AS VARCHAR), {} FROM \"account\" "
        'WHERE tenant = {}', tenant_id, -amount, BUSINESS_DATE, now, tenant_id)
    await Client.raw(
        'INSERT INTO "document" (tenant, type, status, client, account, number_series, number, number_text, '
        'issue_date, currency, net_minor, vat_minor, total_minor, paid_minor, seller, buyer, source, created_at, '
        "posted_at) SELECT {}, 'invoice', 'posted', client, id, 'bench', id, 'Б-' || CAST(id AS VARCHAR), {}, "
        "'RUB', {}, 0, {}, 0, {}, {}, 'bench', {}, {} FROM \"account\" WHERE tenant = {}",
        tenant_id, BUSINESS_DATE, amount, amount, "{}", "{}", now, now, tenant_id)


async def attempts(tenant_id: int, plugins_registry, parallel: int) -> list[int]:
    """A pending attempt of every invoice, through ``payments.start``; their ids."""
    from core.db.tables import Document
    from core.services import payments

    invoices = [r["id"] for r in await Document.select(Document.id).where(Document.tenant == tenant_id)]
    limit = asyncio.Semaphore(parallel)
    started_at, done = time.monotonic(), [0]

    async def start(invoice_id: int) -> int:
        async with limit:
            started = await payments.start(tenant_id, plugins_registry, PLUGIN_ID, invoice_id,
                                           return_url="http://127.0.0.1/portal/")
            done[0] += 1
            if done[0] % 1000 == 0:
                log(f"  {done[0]}/{len(invoices)} attempts ({done[0] / (time.monotonic() - started_at):,.0f}/s)")
            return int(started.external_id)  # Robokassa's InvId: the attempt's id

    return await asyncio.gather(*(start(i) for i in invoices))


# Measuring.

async def fire(http, requests: list[tuple[str, str, dict | None]], concurrency: int) -> tuple[float, list]:
    """Send ``requests`` (method, path, form) with at most ``concurrency`` in flight; the wall
    time and the (status, body) answers in order."""
    limit = asyncio.Semaphore(concurrency)

    async def send(method: str, path: str, form: dict | None):
        async with limit:
            response = await http.request(method, path, data=form)
            return response.status_code, response.text

    started = time.monotonic()
    answers = await asyncio.gather(*(send(*r) for r in requests))
    return time.monotonic() - started, answers


def _cpu_seconds() -> float:
    """This (the client's) process's user + system CPU time so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def notifications(ids: list[int], share: float, seed: int) -> list[tuple[str, str, dict]]:
    """Robokassa's ResultURL calls: one per attempt and duplicates of random attempts (``share``
    of all), shuffled; OutSum as live mode sends it, the MD5 signature in upper case."""
    rng = random.Random(seed)
    duplicates = round(len(ids) * share / (1 - share))
    chosen = ids + [rng.choice(ids) for _ in range(duplicates)]
    rng.shuffle(chosen)
    out_sum = f"{AMOUNT.amount:.6f}"

    def signed(inv_id: int) -> dict:
        signature = digest(HashAlgorithm.MD5, f"{out_sum}:{inv_id}:{SHOP['password2']}").upper()
        return {"OutSum": out_sum, "InvId": str(inv_id), "SignatureValue": signature}

    return [("POST", "result", signed(i)) for i in chosen]


async def check(tenant_id: int, n: int, answers: list, sent: list) -> dict:
    from core.db.tables import Account, Document, LedgerEntry, Payment, PaymentAllocation

    wrong_answers = sum(1 for (status, body), (_, _, form) in zip(answers, sent)
                        if (status, body) != (200, f"OK{form['InvId']}"))
    succeeded = await Payment.count().where((Payment.tenant == tenant_id) & (Payment.provider == PLUGIN_ID)
                                            & (Payment.status == "succeeded"))
    pending = await Payment.count().where((Payment.tenant == tenant_id) & (Payment.status == "pending"))
    entries = await LedgerEntry.count().where((LedgerEntry.tenant == tenant_id) & (LedgerEntry.kind == "payment"))
    allocations = await PaymentAllocation.count().where(PaymentAllocation.tenant == tenant_id)
    paid = await Document.count().where((Document.tenant == tenant_id) & (Document.status == "paid")
                                        & (Document.paid_minor == AMOUNT.minor))
    unbalanced = await Account.count().where((Account.tenant == tenant_id) & (Account.balance_minor != 0))
    total = (await Account.raw('SELECT COALESCE(SUM(balance_minor), 0) AS total FROM "account" WHERE tenant = {}',
                               tenant_id))[0]["total"]
    found = {"wrong_answers": wrong_answers, "payments_succeeded": succeeded, "payments_pending": pending,
             "payment_entries": entries, "allocations": allocations, "invoices_paid": paid,
             "accounts_not_zero": unbalanced, "sum_balances_minor": int(total)}
    expected = {"wrong_answers": 0, "payments_succeeded": n, "payments_pending": 0, "payment_entries": n,
                "allocations": n, "invoices_paid": n, "accounts_not_zero": 0, "sum_balances_minor": 0}
    wrong = {k: {"found": found[k], "expected": v} for k, v in expected.items() if found[k] != v}
    found["ok"] = not wrong
    if wrong:
        found["wrong"] = wrong
    return found


async def run(args) -> dict:
    from core.db.databases import postgres_admin, use_database, with_database
    from core.db.migrate import migrate
    from core.db.tables import Tenant

    name = f"saldo_bench_payments_{os.getpid()}"
    await postgres_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await postgres_admin(args.postgres_url, f'CREATE DATABASE "{name}"')
    url = with_database(args.postgres_url, name)
    use_database(url)
    try:
        await migrate()
        engine = Tenant._meta.db
        await engine.start_connection_pool(min_size=1, max_size=args.pool)
        try:
            tenant_id, ids = await _prepare(args)
        finally:
            await engine.close_connection_pool()
        return await _measure(args, url, tenant_id, ids)
    finally:
        if args.keep:
            log(f"kept database {name}")
        else:
            await postgres_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _prepare(args) -> tuple[int, list[int]]:
    from core.db.tables import Tenant
    from core.services import plugins, tenants
    from core.services.actor import Actor

    tenant = await tenants.create(slug=f"bench-{os.getpid()}", name="Bench tenant")
    actor = Actor.cli(tenant.id)
    await tenants.set_clock(actor, mode="simulated", on=BUSINESS_DATE)
    plugins_registry = registry()
    await plugins.configure(actor, plugins_registry, PLUGIN_ID, enabled=True, config=SHOP)
    t0 = time.monotonic()
    await seed(tenant.id, args.n)
    await Tenant.raw("ANALYZE")
    log(f"seeded {args.n} clients, accounts and invoices in {time.monotonic() - t0:.1f}s")
    t0 = time.monotonic()
    ids = await attempts(tenant.id, plugins_registry, args.pool)
    log(f"started {len(ids)} payment attempts in {time.monotonic() - t0:.1f}s")
    await Tenant.raw("ANALYZE")
    return tenant.id, ids


async def _measure(args, url: str, tenant_id: int, ids: list[int]) -> dict:
    import httpx

    from core.db.tables import Tenant

    sent = notifications(ids, args.duplicates, args.seed)
    slug = (await Tenant.select(Tenant.slug).where(Tenant.id == tenant_id).first())["slug"]
    trivial = [("GET", "/healthz", None)] * len(sent)
    sent = [(method, f"/p/{slug}/{PLUGIN_ID}/{path}", form) for method, path, form in sent]
    server = Server(url, args.pool)
    phases = {}
    try:
        limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=120) as http:
            forged = [("POST", sent[0][1], {"OutSum": "1.00", "InvId": "1", "SignatureValue": "0"})] * args.concurrency
            await fire(http, trivial[:args.concurrency * 4] + forged, args.concurrency)  # warm up both routes
            for phase, requests in (("trivial_before", trivial), ("notifications", sent),
                                    ("trivial_after", trivial)):
                load = os.getloadavg()[0]
                cpu, own = server.cpu_seconds(), _cpu_seconds()
                seconds, answers = await fire(http, requests, args.concurrency)
                server_cpu = server.cpu_seconds() - cpu
                phases[phase] = {"requests": len(requests), "seconds": round(seconds, 2),
                                 "per_s": round(len(requests) / seconds, 1), "server_cpu_s": round(server_cpu, 2),
                                 "server_cpu_ms_per_request": round(server_cpu / len(requests) * 1000, 2),
                                 "client_cpu_s": round(_cpu_seconds() - own, 2), "loadavg_1m": load}
                log(f"{phase}: {len(requests)} requests in {seconds:.2f}s ({len(requests) / seconds:,.0f}/s)")
                if phase == "notifications":
                    notified = answers
                elif any(status != 200 for status, _ in answers):
                    raise RuntimeError(f"{phase}: {sum(s != 200 for s, _ in answers)} requests failed")
    finally:
        server.stop()
    trivial_rate = (phases["trivial_before"]["per_s"] + phases["trivial_after"]["per_s"]) / 2
    trivial_cpu = (phases["trivial_before"]["server_cpu_s"] + phases["trivial_after"]["server_cpu_s"]) / 2
    return {"db": "postgres", "n": args.n, "sent": len(sent), "duplicates": len(sent) - args.n,
            "concurrency": args.concurrency, "pool": args.pool, "cores": os.cpu_count(), **phases,
            "applied_per_s": round(args.n / phases["notifications"]["seconds"], 1),
            "trivial_per_s": round(trivial_rate, 1),
            "ratio": round(phases["notifications"]["per_s"] / trivial_rate, 3),
            "server_cpu_ratio": round(trivial_cpu / phases["notifications"]["server_cpu_s"], 3),
            "check": await check(tenant_id, args.n, notified, sent)}


def report(results: dict) -> str:
    lines = [f"payment notifications over HTTP on PostgreSQL: N={results['n']} attempts, "
             f"{results['sent']} notifications ({results['duplicates']} duplicates), "
             f"concurrency {results['concurrency']}, server pool {results['pool']}, {results['cores']} cores"]
    for phase in ("trivial_before", "notifications", "trivial_after"):
        p = results[phase]
        lines.append(f"  {phase:15} {p['requests']:7} requests {p['seconds']:8.2f}s {p['per_s']:9.1f}/s  "
                     f"CPU server {p['server_cpu_s']:.2f}s ({p['server_cpu_ms_per_request']:.2f} ms a request) "
                     f"client {p['client_cpu_s']:.2f}s  load {p['loadavg_1m']:.1f}")
    lines.append(f"  notifications {results['notifications']['per_s']:.1f}/s (applied {results['applied_per_s']:.1f}/s)"
                 f" vs /healthz {results['trivial_per_s']:.1f}/s: ratio {results['ratio']:.3f} (target >= 0.25)")
    lines.append(f"  server CPU a /healthz over a notification's: {results['server_cpu_ratio']:.3f} (the ratio "
                 "if the server's CPU alone limited both)")
    check_ = results["check"]
    lines.append(f"  check: {'ok' if check_['ok'] else 'FAILED'} "
                 + ", ".join(f"{k}={v}" for k, v in check_.items() if k not in ("ok", "wrong")))
    if not check_["ok"]:
        lines.append(f"  wrong: {check_['wrong']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="payment attempts (distinct notifications)")
    parser.add_argument("--db", choices=["postgres"], default="postgres",
                        help="the database (PostgreSQL: the notifications are concurrent writers)")
    parser.add_argument("--postgres-url", default=os.environ.get("SALDO_BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of all notifications that repeat one")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight at once")
    parser.add_argument("--pool", type=int, default=10, help="PostgreSQL pool of the server (and of the seeding)")
    parser.add_argument("--seed", type=int, default=6, help="random seed of the duplicates and the order")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of the report")
    parser.add_argument("--serve", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.pool)
        return
    if not 0 <= args.duplicates < 1:
        parser.error("--duplicates is a share: 0 <= share < 1")
    os.environ.setdefault("SALDO_SECRET_KEY", secrets.token_hex(32))  # the server inherits both
    os.environ.setdefault("SALDO_DATA_DIR", tempfile.mkdtemp(prefix="saldo-bench-payments-"))
    results = asyncio.run(run(args))
    print(json.dumps(results, ensure_ascii=False) if args.json else report(results))
    sys.exit(0 if results["check"]["ok"] else 1)


if __name__ == "__main__":
    main()

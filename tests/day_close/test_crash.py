"""A day close killed with SIGKILL at any point and run again writes exactly what an
uninterrupted run writes: the same entries, balances and documents, numbered without
gaps or duplicates.

`saldo close-day` runs as a real subprocess over the test database; the test kills it
right after it starts, right after its run is recorded, after some chunks of accounts
are written, near the end, and at moments in time that fall inside its transactions.
There are more accounts than fit in one chunk so that a run is written in several
transactions and kills land between and inside them.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest

from core.db.tables import Account, Client, DayCloseAccount, DayCloseRun, Document, LedgerEntry, Subscription
from core.services import ledger, subscriptions
from core.services.day_close import CHUNK
from tests.web.test_subscriptions import customer, on_day, product

ACCOUNTS = 2 * CHUNK + 200  # three chunks: two full ones and a shorter last one
DAY = date(2026, 4, 1)  # bills March from the 10th and all of April
BATCH = 250


async def _tenant(make_tenant):
    """A tenant with ACCOUNTS clients, each with a monthly VPS active since 10 March (in
    varying quantities) and an account, all made in the same order in every twin."""
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "3100"})
    first = await customer(tenant, email="c0@crash.test")
    await on_day(tenant, date(2026, 3, 10))
    sub = await subscriptions.create(tenant.actor, client_id=first.id, product_id=vps, cycle="monthly")
    await subscriptions.change_status(tenant.actor, sub.id, "active")
    template = await Subscription.select().where(Subscription.id == sub.id).first()
    template.pop("id")
    client_ids = [first.id]
    for start in range(1, ACCOUNTS, BATCH):
        rows = [Client(tenant=tenant.id, type="legal", company_name=f"ООО «Клиент {n}»",
                       display_name=f"ООО «Клиент {n}»", search_text=f"клиент {n}", email=f"c{n}@crash.test",
                       inn="7708305901", kpp="770801001")
                for n in range(start, min(start + BATCH, ACCOUNTS))]
        client_ids += [r["id"] for r in await Client.insert(*rows).returning(Client.id)]
    for start in range(1, ACCOUNTS, BATCH):
        await Subscription.insert(*[
            Subscription(**(template | {"client": client_ids[n], "quantity_e3": 1000 * (1 + n % 3)}))
            for n in range(start, min(start + BATCH, ACCOUNTS))])
    for start in range(0, ACCOUNTS, BATCH):
        await Account.insert(*[Account(tenant=tenant.id, client=c, currency="RUB", balance_minor=0)
                               for c in client_ids[start:start + BATCH]])
    await on_day(tenant, date(2026, 4, 2))
    return tenant


def _start(saldo_db: str, tenant) -> subprocess.Popen:
    env = {**os.environ, "SALDO_DATABASE_URL": saldo_db}
    return subprocess.Popen([sys.executable, "-c", "from core.cli.main import cli; cli()", "close-day",
                             "--tenant", tenant.slug, "--date", DAY.isoformat()],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _kill(process: subprocess.Popen) -> bool:
    """SIGKILL the process; False when it had finished already."""
    if process.poll() is not None:
        process.communicate()
        return False
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    return True


def _finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, f"close-day failed ({process.returncode}):\n{out}\n{err}"
    assert "Traceback" not in err
    return out


async def _written(tenant) -> int:
    return await DayCloseAccount.count().where(DayCloseAccount.tenant == tenant.id)


async def _written_at_least(tenant, count: int) -> bool:
    return await _written(tenant) >= count


async def _run_recorded(tenant) -> bool:
    return bool(await DayCloseRun.count().where(DayCloseRun.tenant == tenant.id))


async def _when(condition, process: subprocess.Popen, timeout: float = 300) -> bool:
    """Wait until ``condition()`` holds; False when the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return True
        if process.poll() is not None:
            return await condition()
        await asyncio.sleep(0.01)
    raise AssertionError("timed out waiting for the day close")


async def _snapshot(tenant) -> dict:
    """What the day wrote, per client in creation order (ids differ between twins)."""
    clients = [r["id"] for r in await Client.select(Client.id).where(Client.tenant == tenant.id).order_by(Client.id)]
    index = {client_id: n for n, client_id in enumerate(clients)}
    accounts = await Account.select(Account.id, Account.client, Account.balance_minor).where(
        Account.tenant == tenant.id).order_by(Account.id)
    of_account = {a["id"]: index[a["client"]] for a in accounts}
    entries = {}
    for e in await LedgerEntry.select(LedgerEntry.account, LedgerEntry.kind, LedgerEntry.amount_minor,
                                      LedgerEntry.booked_on, LedgerEntry.description).where(
            LedgerEntry.tenant == tenant.id).order_by(LedgerEntry.id):
        entries.setdefault(of_account[e["account"]], []).append(
            (e["kind"], e["amount_minor"], e["booked_on"], e["description"]))
    documents = {}
    for d in await Document.select(Document.client, Document.type, Document.number, Document.total_minor,
                                   Document.vat_minor, Document.issue_date, Document.period_start,
                                   Document.period_end).where(Document.tenant == tenant.id).order_by(Document.id):
        documents.setdefault(index[d.pop("client")], []).append(tuple(d.values()))
    results = await DayCloseAccount.select(DayCloseAccount.account, DayCloseAccount.state,
                                           DayCloseAccount.charges_minor, DayCloseAccount.documents).where(
        DayCloseAccount.tenant == tenant.id)
    runs = await DayCloseRun.select(DayCloseRun.business_date, DayCloseRun.mode, DayCloseRun.state,
                                    DayCloseRun.totals).where(DayCloseRun.tenant == tenant.id)
    for account in accounts:
        assert await ledger.balance_matches_entries(tenant.id, account["id"])
    return {
        "balances": {of_account[a["id"]]: a["balance_minor"] for a in accounts},
        "entries": entries,
        "documents": documents,
        "results": sorted((of_account[r["account"]], r["state"], r["charges_minor"], r["documents"]) for r in results),
        "runs": [(r["business_date"], r["mode"], r["state"],
                  r["totals"] if isinstance(r["totals"], dict) else json.loads(r["totals"])) for r in runs],
    }


_TWIN: dict[str, dict] = {}


@pytest.fixture
async def twin(make_tenant, saldo_db):
    """What an uninterrupted run on an identical tenant writes (made once per database)."""
    if saldo_db not in _TWIN:
        _TWIN[saldo_db] = await _uninterrupted(make_tenant, saldo_db)
    return _TWIN[saldo_db]


async def _uninterrupted(make_tenant, saldo_db) -> dict:
    tenant = await _tenant(make_tenant)
    process = _start(saldo_db, tenant)
    assert await _when(lambda: _run_recorded(tenant), process)
    started = time.monotonic()
    out = _finish(process)
    seconds = time.monotonic() - started
    assert f"{DAY.isoformat()} auto done: accounts done {ACCOUNTS};" in out
    snapshot = await _snapshot(tenant)
    assert len(snapshot["entries"]) == ACCOUNTS and all(len(e) == 2 for e in snapshot["entries"].values())
    assert all(balance < 0 for balance in snapshot["balances"].values())
    assert all(len(docs) == 1 for docs in snapshot["documents"].values())
    numbers = sorted(doc[1] for docs in snapshot["documents"].values() for doc in docs)
    assert numbers == list(range(1, ACCOUNTS + 1))  # one invoice each, numbered 1..n: no gap, no duplicate
    return {"snapshot": snapshot, "seconds": seconds}


async def test_killed_at_chosen_points_and_resumed_writes_what_an_uninterrupted_run_writes(make_tenant, saldo_db,
                                                                                           twin):
    tenant = await _tenant(make_tenant)
    assert _kill(_start(saldo_db, tenant))  # right after start: still loading
    assert not await _run_recorded(tenant)

    process = _start(saldo_db, tenant)  # right after the run is recorded, before any account
    assert await _when(lambda: _run_recorded(tenant), process)
    assert _kill(process)

    at_kill = []
    for target in (1, CHUNK + 1, 2 * CHUNK + 1):  # some accounts written; more; near the end
        process = _start(saldo_db, tenant)
        await _when(lambda: _written_at_least(tenant, target), process)
        if _kill(process):
            at_kill.append(await _written(tenant))
    assert any(0 < n < ACCOUNTS for n in at_kill), at_kill  # at least one run was cut between its chunks
    [run] = await DayCloseRun.select(DayCloseRun.state).where(DayCloseRun.tenant == tenant.id)
    assert run["state"] == "running"

    out = _finish(_start(saldo_db, tenant))
    assert f"{DAY.isoformat()} auto done: accounts done {ACCOUNTS};" in out
    assert await _snapshot(tenant) == twin["snapshot"]


async def test_killed_at_moments_in_time_and_resumed_writes_what_an_uninterrupted_run_writes(make_tenant, saldo_db,
                                                                                             twin):
    tenant = await _tenant(make_tenant)
    cut = []
    for share in (0.02, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9):  # of an uninterrupted run's time: inside transactions
        process = _start(saldo_db, tenant)
        if not await _when(lambda: _run_recorded(tenant), process):
            break
        await asyncio.sleep(share * twin["seconds"])
        if not _kill(process):
            break
        cut.append(await _written(tenant))
    assert cut, "no kill landed before the run ended"
    out = _finish(_start(saldo_db, tenant))
    assert f"{DAY.isoformat()} auto done: accounts done {ACCOUNTS};" in out
    assert await _snapshot(tenant) == twin["snapshot"]

"""`saldo close-day` and `saldo simulate`, run as real subprocesses against the test database."""

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

from core.db.tables import DayCloseRun, ProductPrice
from core.domain.money import Money
from core.services import tenants
from tests.day_close.test_close_day import _vps
from tests.web.test_subscriptions import balance, on_day


@pytest.fixture
def saldo(saldo_db):
    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess:
        env = {**os.environ, "SALDO_DATABASE_URL": saldo_db}
        result = subprocess.run([sys.executable, "-c", "from core.cli.main import cli; cli()", *args],
                                capture_output=True, text=True, env=env, timeout=300)
        if result.returncode != expect:
            raise AssertionError(f"saldo {' '.join(args)} exited with {result.returncode}, not {expect}:\n"
                                 f"{result.stdout}\n{result.stderr}")
        assert "Traceback" not in result.stderr
        return result

    return run


async def _dates(tenant):
    rows = await DayCloseRun.select(DayCloseRun.business_date, DayCloseRun.mode).where(
        DayCloseRun.tenant == tenant.id).order_by(DayCloseRun.id)
    return [(r["business_date"], r["mode"]) for r in rows]


async def test_close_day_catches_up_to_yesterday_and_prints_each_run(make_tenant, saldo):
    tenant = await make_tenant()
    client, _ = await _vps(tenant)  # a monthly VPS at 3100 from 10 March
    await on_day(tenant, date(2026, 3, 13))

    first = saldo("close-day", "--tenant", tenant.slug)
    # never closed before: only yesterday, with everything fallen due by then
    assert f"{tenant.slug} 2026-03-12 auto done: accounts done 1; charges 2200.00 RUB" in first.stdout
    assert "documents 1;" in first.stdout and "(run " in first.stdout
    assert await balance(tenant, client.id) == Money.of("-2200")

    await on_day(tenant, date(2026, 3, 16))
    second = saldo("close-day", "--tenant", tenant.slug).stdout.splitlines()
    assert [line.split()[1] for line in second] == ["2026-03-13", "2026-03-14", "2026-03-15"]
    assert all("none with anything due" in line for line in second)
    assert "nothing to close" in saldo("close-day", "--tenant", tenant.slug).stdout
    assert await _dates(tenant) == [(date(2026, 3, d), "auto") for d in (12, 13, 14, 15)]


async def test_close_day_of_a_date_in_a_mode_and_its_errors(make_tenant, saldo):
    tenant = await make_tenant()
    client, _ = await _vps(tenant)
    await on_day(tenant, date(2026, 3, 11))

    preview = saldo("close-day", "--tenant", tenant.slug, "--date", "2026-03-10", "--mode", "sandbox")
    assert "2026-03-10 sandbox done: accounts preview 1; charges 2200.00 RUB" in preview.stdout
    assert await balance(tenant, client.id) == Money.of("0")  # a sandbox run changes nothing

    early = saldo("close-day", "--tenant", tenant.slug, "--date", "2026-03-11", expect=1)
    assert "has not ended yet" in early.stderr
    usage = saldo("close-day", "--tenant", tenant.slug, "--mode", "sandbox", expect=2)
    assert "give --date" in usage.stderr
    missing = saldo("close-day", "--tenant", "no-such-tenant", expect=1)
    assert "not found" in missing.stderr

    done = saldo("close-day", "--tenant", tenant.slug, "--date", "2026-03-10")
    assert "2026-03-10 auto done: accounts done 1; charges 2200.00 RUB" in done.stdout
    again = saldo("close-day", "--tenant", tenant.slug, "--date", "2026-03-10")  # a done day changes nothing
    assert "2026-03-10 auto done: accounts done 1" in again.stdout
    assert await balance(tenant, client.id) == Money.of("-2200")


async def test_parked_accounts_give_exit_status_3_and_are_retried(make_tenant, saldo):
    tenant = await make_tenant()
    client, sub = await _vps(tenant)
    prices = await ProductPrice.select().where(ProductPrice.product == sub.product_id)
    await ProductPrice.delete().where(ProductPrice.product == sub.product_id)  # the VPS cannot be priced
    await on_day(tenant, date(2026, 3, 11))

    failed = saldo("close-day", "--tenant", tenant.slug, "--date", "2026-03-10", expect=3)
    assert "accounts parked 1; charges 0.00 RUB" in failed.stdout
    run_id = (await DayCloseRun.select(DayCloseRun.id).where(DayCloseRun.tenant == tenant.id).first())["id"]
    assert "1 account(s) parked" in failed.stderr
    assert f"saldo close-day --retry {run_id} --tenant {tenant.slug}" in failed.stderr
    assert await balance(tenant, client.id) == Money.of("0")

    await ProductPrice.insert(*[ProductPrice(**{k: v for k, v in p.items() if k != "id"}) for p in prices])
    fixed = saldo("close-day", "--retry", str(run_id))  # the tenant is found from the run
    assert "2026-03-10 auto done: accounts done 1; charges 2200.00 RUB" in fixed.stdout
    assert await balance(tenant, client.id) == Money.of("-2200")


async def test_simulate_lives_through_days_and_resumes(make_tenant, saldo):
    tenant = await make_tenant()
    client, _ = await _vps(tenant)  # the clock is simulated at 10 March

    refused = saldo("simulate", "--tenant", tenant.slug, "--until", "2026-03-01", expect=1)
    assert "only moves forward" in refused.stderr

    result = saldo("simulate", "--tenant", tenant.slug, "--until", "2026-04-03")
    assert "business date 2026-04-03" in result.stdout
    assert "Simulating" in result.stderr  # the progress bar
    closed = [d for d, _ in await _dates(tenant)]
    # the eve of the start (never closed before), then 10 March to 2 April
    assert closed == [date(2026, 3, 9) + timedelta(days=n) for n in range(25)]
    assert await balance(tenant, client.id) == Money.of("-5300")  # March from the 10th, and April

    # a crash after the clock moved but before its day was closed: the next run closes it first
    await tenants.advance_clock(tenant.actor, 2)
    result = saldo("simulate", "--tenant", tenant.slug, "--until", "2026-04-06")
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith(f"{tenant.slug} ")] == [
        "2026-04-03", "2026-04-04", "2026-04-05"]

    real = await make_tenant()
    refused = saldo("simulate", "--tenant", real.slug, "--until", "2030-01-01", expect=1)
    assert "real clock" in refused.stderr and "saldo clock set" in refused.stderr

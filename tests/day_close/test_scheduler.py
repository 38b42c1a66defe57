"""The day-close schedule: a tick closes each tenant's days once their close time has
passed by its clock; the server runs it in a background task tied to its lifespan."""

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import AsyncTestClient

from core.db.queries import day_close as day_q
from core.db.tables import DayCloseRun, LedgerEntry
from core.domain.money import Money
from core.services import day_close, scheduler, tenants
from core.settings import Settings
from tests.day_close.test_close_day import _vps
from tests.web.test_subscriptions import balance


@pytest.fixture
def only(monkeypatch):
    """Let a tick see only the given tenants (the test database holds every test's tenants)."""

    def restrict(*chosen):
        async def all_tenants():
            return [await tenants.get(t.id) for t in chosen]

        monkeypatch.setattr(tenants, "all_tenants", all_tenants)

    return restrict


async def _at(tenant, day: date, hour: int) -> None:
    zone = ZoneInfo(tenant.tenant.timezone)
    await tenants.set_clock(tenant.actor, mode="simulated", at=datetime(day.year, day.month, day.day, hour, tzinfo=zone))


async def _closed(tenant) -> list[date]:
    rows = await DayCloseRun.select(DayCloseRun.business_date).where(DayCloseRun.tenant == tenant.id).order_by(
        DayCloseRun.business_date)
    return [r["business_date"] for r in rows]


async def test_a_tick_closes_yesterday_once_the_close_time_has_passed(make_tenant, plugin_registry, only):
    tenant = await make_tenant()
    client, _ = await _vps(tenant)  # a monthly VPS at 3100 active from 10 March
    only(tenant)

    await _at(tenant, date(2026, 3, 10), 5)
    assert [r.business_date for r in await day_close.scheduled_tick(plugin_registry)] == [date(2026, 3, 9)]
    assert await balance(tenant, client.id) == Money.of("0")  # nothing was due on 9 March

    await _at(tenant, date(2026, 3, 11), 3)  # before 04:00: 10 March is not closed yet
    assert await day_close.scheduled_tick(plugin_registry) == []
    assert await _closed(tenant) == [date(2026, 3, 9)]

    await _at(tenant, date(2026, 3, 11), 5)  # after 04:00: it is
    [run] = await day_close.scheduled_tick(plugin_registry)
    assert (run.business_date, run.state, run.totals["done"]["charges_minor"]) == (date(2026, 3, 10), "done", 220000)
    assert await balance(tenant, client.id) == Money.of("-2200.00")
    assert await day_close.scheduled_tick(plugin_registry) == []  # and only once
    assert await _closed(tenant) == [date(2026, 3, 9), date(2026, 3, 10)]


async def test_a_tick_honours_the_tenants_close_time(make_tenant, plugin_registry, only):
    tenant = await make_tenant()
    await tenants.update_settings(tenant.actor, rules={"day_close_time": "06:30"})
    await _vps(tenant)
    only(tenant)
    await _at(tenant, date(2026, 3, 11), 6)
    assert [r.business_date for r in await day_close.scheduled_tick(plugin_registry)] == [date(2026, 3, 9)]
    await _at(tenant, date(2026, 3, 11), 7)
    assert [r.business_date for r in await day_close.scheduled_tick(plugin_registry)] == [date(2026, 3, 10)]


async def test_a_tick_finishes_a_run_a_crash_left_running(make_tenant, plugin_registry, only):
    tenant = await make_tenant()
    client, _ = await _vps(tenant)
    only(tenant)
    await _at(tenant, date(2026, 3, 11), 5)
    [run] = await day_close.scheduled_tick(plugin_registry)
    await day_q.update_run(tenant.id, run.id, state="running", finished_at=None)  # as if killed before its end

    [resumed] = await day_close.scheduled_tick(plugin_registry)  # nothing new to close, but the run is finished
    assert resumed.id == run.id and (await day_q.get_run(tenant.id, run.id)).state == "done"
    assert await day_close.scheduled_tick(plugin_registry) == []
    assert await balance(tenant, client.id) == Money.of("-2200.00")  # without writing anything twice
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 1


async def test_the_server_lifespan_starts_and_stops_the_scheduler(saldo_db, plugin_registry, monkeypatch, only):
    ticks = []

    async def tick(registry):
        ticks.append(registry)
        if len(ticks) == 2:
            raise RuntimeError("the database went away")  # logged; the next tick comes as usual
        return []

    monkeypatch.setattr(day_close, "scheduled_tick", tick)
    only()  # no tenant's PDFs or mails to see to: a tick is quick
    from web.app import create_app

    app = create_app(settings=Settings(scheduler_interval=0.02), registry=plugin_registry, scheduler=True)
    async with AsyncTestClient(app=app) as client:
        task = app.state.scheduler_task
        for _ in range(200):
            if len(ticks) >= 4:
                break
            await asyncio.sleep(0.01)
        assert len(ticks) >= 4 and ticks[0] is plugin_registry
        assert not task.done()
        assert (await client.get("/healthz")).status_code == 200
    assert task.done()
    stopped = len(ticks)
    await asyncio.sleep(0.1)
    assert len(ticks) == stopped


async def test_the_scheduler_runs_only_where_asked(saldo_db, plugin_registry, monkeypatch):
    ticks = []

    async def tick(registry):
        ticks.append(registry)
        return []

    monkeypatch.setattr(day_close, "scheduled_tick", tick)
    from web.app import create_app, create_served_app

    for app in (create_app(settings=Settings(scheduler_interval=0.02), registry=plugin_registry),  # tests, embedding
                create_app(settings=Settings(scheduler_interval=0), registry=plugin_registry, scheduler=True)):
        async with AsyncTestClient(app=app):
            await asyncio.sleep(0.1)
            assert app.state.scheduler_task is None
    assert ticks == []
    assert create_served_app().state.scheduler is True  # `saldo serve`
    assert Settings(_env_file=None).scheduler_interval == 60


async def test_the_background_task_closes_due_days(make_tenant, plugin_registry, only):
    tenant = await make_tenant()
    client, _ = await _vps(tenant)
    only(tenant)
    await _at(tenant, date(2026, 3, 11), 5)
    async with scheduler.running(plugin_registry, 0.02) as task:
        for _ in range(500):
            if await DayCloseRun.count().where((DayCloseRun.tenant == tenant.id) & (DayCloseRun.state == "done")):
                break
            await asyncio.sleep(0.02)
    assert task.done()
    assert await _closed(tenant) == [date(2026, 3, 10)]
    assert await balance(tenant, client.id) == Money.of("-2200.00")

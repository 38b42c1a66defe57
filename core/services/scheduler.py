"""What runs the day close on time: simulated time (a simulated clock moved day by day,
each day closed on the way), and the background task of the server that closes days
when they are due and then sends the document e-mails that are due."""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import AsyncIterator, Callable

from core.db.queries.day_close import RunRecord
from core.domain.clock import SIMULATED
from core.plugins.manager import PluginRegistry
from core.services import day_close, document_mail, document_render, tenants
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput

logger = logging.getLogger("saldo.scheduler")
MAIL_BATCH = 50  # document e-mails taken at a time
PRERENDER_BATCH = 20  # PDFs rendered at once across the worker pool
PRERENDER_SECONDS = 30

DayProgress = Callable[[date, int], None]  # (business date, accounts seen so far)
SimulationProgress = Callable[[int, int, date], None]  # (days done, days in all, the clock's new date)


async def simulate(actor: Actor, registry: PluginRegistry, until: date, *,
                   progress: SimulationProgress | None = None,
                   day_progress: DayProgress | None = None) -> list[RunRecord]:
    """Move the tenant's simulated clock forward one day at a time up to ``until``, closing
    after each step the day that has just ended, so every close on the way runs as it would
    have in real time. Resumable: it first closes what a crash left open (the unfinished run
    and the days before the clock's date), then goes on from wherever the clock is.

    A tenant on the real clock is refused: moving it would put a live tenant in the future."""
    tenant = await tenants.get(actor.tenant_id)
    if tenant.clock_mode != SIMULATED:
        raise Conflict(f"tenant {tenant.slug} runs on the real clock; put it on a simulated date first "
                       f"(saldo clock set --tenant {tenant.slug} --date YYYY-MM-DD)",
                       [{"field": "clock", "message": "not simulated"}])
    today = tenants.clock_of(tenant).today()
    if until < today:
        raise InvalidInput.field("until", f"the clock is at {today.isoformat()} already; it only moves forward")
    runs = await day_close.catch_up(actor, registry, today - timedelta(days=1), progress=day_progress)
    total = (until - today).days
    if progress:
        progress(0, total, today)
    for step in range(1, total + 1):
        tenant = await tenants.advance_clock(actor, 1)
        today = tenants.clock_of(tenant).today()
        runs += await day_close.catch_up(actor, registry, today - timedelta(days=1), progress=day_progress)
        if progress:
            progress(step, total, today)
    return runs


# The background task of the server.

async def deliver_mail(registry: PluginRegistry) -> document_mail.Report:
    """Send each tenant's due document e-mails, batch after batch until none is due."""
    report = document_mail.Report()
    for tenant in await tenants.all_tenants():
        while True:
            batch = await document_mail.deliver_due(tenant_id=tenant.id, limit=MAIL_BATCH, registry=registry)
            report += batch
            if batch.total < MAIL_BATCH:
                break
    return report


async def prerender(registry: PluginRegistry) -> int:
    """Render the PDFs each tenant's posted documents lack, batch after batch, for up to
    PRERENDER_SECONDS a tick (the rest waits for the next one)."""
    done, started = 0, time.monotonic()
    for tenant in await tenants.all_tenants():
        while time.monotonic() - started < PRERENDER_SECONDS:
            batch = await document_render.prerender(tenant.id, registry=registry, limit=PRERENDER_BATCH)
            done += batch
            if batch < PRERENDER_BATCH:
                break
    return done


async def run_forever(registry: PluginRegistry, interval: float) -> None:
    """Tick now and then every ``interval`` seconds until cancelled; an error is logged and
    the next tick comes as usual."""
    while True:
        try:
            done = await day_close.scheduled_tick(registry)
            if done:
                logger.info("scheduler: closed %d day(s)", len(done))
            rendered = await prerender(registry)
            if rendered:
                logger.info("scheduler: rendered %d document PDF(s)", rendered)
            mailed = await deliver_mail(registry)
            if mailed.total:
                logger.info("scheduler: document mails sent %d, to retry %d, given up %d",
                            mailed.sent, mailed.retried, mailed.failed)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("scheduler: the tick failed; trying again in %s s", interval)
        await asyncio.sleep(interval)


@asynccontextmanager
async def running(registry: PluginRegistry, interval: float) -> AsyncIterator[asyncio.Task | None]:
    """Run the schedule in a background task for the duration of the block (nothing when
    ``interval`` is 0); the task is cancelled and awaited at the end."""
    if interval <= 0:
        yield None
        return
    task = asyncio.create_task(run_forever(registry, interval), name="saldo-scheduler")
    try:
        yield task
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception:  # pragma: no cover - run_forever logs its own errors
            logger.exception("scheduler: the task ended with an error")

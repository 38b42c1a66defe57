"""Tenants: one provider company each, with its time zone, currency, language and clock."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.db.queries import tenants as tenants_q
from core.db.queries.tenants import TenantRecord
from core.db.transaction import atomic
from core.domain.clock import REAL, SIMULATED, TenantClock
from core.domain.roles import MANAGE_TENANT
from core.domain.rules import BillingRules, RuleError
from core.services import audit
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
LANGUAGES = ("ru", "en")


def public(tenant: TenantRecord) -> dict:
    clock = clock_of(tenant)
    return {
        "id": tenant.id,
        "slug": tenant.slug,
        "name": tenant.name,
        "timezone": tenant.timezone,
        "currency": tenant.currency,
        "language": tenant.language,
        "rules": BillingRules.from_settings(tenant.settings).public(),
        "clock": {"mode": tenant.clock_mode, "now": clock.now().isoformat(), "today": clock.today().isoformat()},
    }


def clock_of(tenant: TenantRecord) -> TenantClock:
    return TenantClock(tenant.timezone, tenant.clock_mode, tenant.clock_simulated_at)


async def today(tenant_id: int) -> date:
    """The tenant's business date by its clock (real or simulated)."""
    return clock_of(await tenants_q.by_id(tenant_id)).today()


def _check(slug: str | None = None, name: str | None = None, timezone: str | None = None,
           currency: str | None = None, language: str | None = None) -> None:
    if slug is not None and not SLUG_RE.match(slug):
        raise InvalidInput.field("slug", "use lowercase latin letters, digits and dashes (1-63 characters)")
    if name is not None and not name.strip():
        raise InvalidInput.field("name", "must not be empty")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput.field("timezone", f"unknown time zone {timezone!r}") from None
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidInput.field("currency", "must be an ISO 4217 code such as RUB")
    if language is not None and language not in LANGUAGES:
        raise InvalidInput.field("language", "must be ru or en")


async def create(*, slug: str, name: str, timezone: str = "Europe/Moscow", currency: str = "RUB",
                 language: str = "ru") -> TenantRecord:
    """Create a tenant (a platform operation, done from the CLI)."""
    _check(slug, name, timezone, currency, language)
    async with atomic():
        if await tenants_q.by_slug(slug):
            raise Conflict(f"tenant {slug!r} already exists", [{"field": "slug", "message": "already exists"}])
        tenant = await tenants_q.insert(slug=slug, name=name.strip(), timezone=timezone, currency=currency,
                                        language=language)
        await audit.record(Actor.cli(tenant.id), "tenant.create", "tenant", tenant.id, None, public_settings(tenant))
    return tenant


def public_settings(tenant: TenantRecord) -> dict:
    return {"name": tenant.name, "timezone": tenant.timezone, "currency": tenant.currency,
            "language": tenant.language, "rules": BillingRules.from_settings(tenant.settings).public()}


async def get(tenant_id: int) -> TenantRecord:
    tenant = await tenants_q.by_id(tenant_id)
    if tenant is None:
        raise NotFound("tenant", tenant_id)
    return tenant


async def by_slug(slug: str) -> TenantRecord:
    tenant = await tenants_q.by_slug(slug)
    if tenant is None:
        raise NotFound("tenant", slug)
    return tenant


async def all_tenants() -> list[TenantRecord]:
    return await tenants_q.all_tenants()


async def update_settings(actor: Actor, *, name: str | None = None, timezone: str | None = None,
                          language: str | None = None, rules: dict | None = None) -> TenantRecord:
    """Change the tenant's name, time zone, language or business rules. The currency is fixed."""
    actor.require(MANAGE_TENANT)
    _check(name=name, timezone=timezone, language=language)
    changes = {k: v for k, v in {"name": name, "timezone": timezone, "language": language}.items() if v is not None}
    async with atomic():
        before = await get(actor.tenant_id)
        if rules:
            try:
                new_rules = BillingRules.from_settings(before.settings).with_changes(rules)
            except RuleError as exc:
                raise InvalidInput.field(f"rules.{exc.field}", str(exc)) from None
            changes["settings"] = before.settings | {"rules": new_rules.public()}
        after = await tenants_q.update(actor.tenant_id, **changes) if changes else before
        await audit.record(actor, "tenant.update", "tenant", actor.tenant_id, public_settings(before),
                           public_settings(after))
    return after


async def set_clock(actor: Actor, *, mode: str, on: date | None = None, at: datetime | None = None) -> TenantRecord:
    """Put the tenant on the real clock, or on a simulated clock at a date (local midnight) or an instant."""
    actor.require(MANAGE_TENANT)
    async with atomic():
        tenant = await get(actor.tenant_id)
        if mode == REAL:
            clock = TenantClock(tenant.timezone)
        elif mode == SIMULATED:
            if at is not None and at.tzinfo is None:
                raise InvalidInput.field("at", "needs a time zone offset")
            base = clock_of(tenant)
            clock = TenantClock(tenant.timezone, SIMULATED, at) if at else base.simulated_on(on or base.today())
        else:
            raise InvalidInput.field("mode", "must be real or simulated")
        return await _save_clock(actor, tenant, clock)


async def advance_clock(actor: Actor, days: int) -> TenantRecord:
    """Move a simulated clock forward by whole business days."""
    actor.require(MANAGE_TENANT)
    if days < 1:
        raise InvalidInput.field("days", "must be at least 1")
    async with atomic():
        tenant = await get(actor.tenant_id)
        if tenant.clock_mode != SIMULATED:
            raise Conflict("the tenant runs on the real clock; set a simulated clock first",
                           [{"field": "mode", "message": "not simulated"}])
        return await _save_clock(actor, tenant, clock_of(tenant).advanced(days))


async def _save_clock(actor: Actor, tenant: TenantRecord, clock: TenantClock) -> TenantRecord:
    updated = await tenants_q.update(tenant.id, clock_mode=clock.mode, clock_simulated_at=clock.simulated_at)
    await audit.record(actor, "tenant.clock", "tenant", tenant.id, _clock_state(tenant), _clock_state(updated))
    return updated


def _clock_state(tenant: TenantRecord) -> dict:
    return {"mode": tenant.clock_mode,
            "simulated_at": tenant.clock_simulated_at.isoformat() if tenant.clock_simulated_at else None}

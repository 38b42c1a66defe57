"""The tenant clock: real time, or a simulated instant that is moved by hand.

Business dates are taken in the tenant's time zone. Security timestamps (session
expiry, key use) are real UTC time and do not follow a simulated clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

REAL = "real"
SIMULATED = "simulated"
CLOCK_MODES = (REAL, SIMULATED)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class TenantClock:
    timezone: str
    mode: str = REAL
    simulated_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.mode not in CLOCK_MODES:
            raise ValueError(f"clock mode must be one of {CLOCK_MODES}, got {self.mode!r}")
        if self.mode == SIMULATED and self.simulated_at is None:
            raise ValueError("a simulated clock needs an instant")
        ZoneInfo(self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> datetime:
        """The current instant, aware, in the tenant's time zone."""
        instant = self.simulated_at if self.mode == SIMULATED else utc_now()
        return instant.astimezone(self.zone)

    def today(self) -> date:
        """The tenant's business date."""
        return self.now().date()

    def start_of(self, day: date) -> datetime:
        """Midnight of ``day`` in the tenant's time zone."""
        return datetime.combine(day, time.min, tzinfo=self.zone)

    def simulated_on(self, day: date) -> "TenantClock":
        return TenantClock(self.timezone, SIMULATED, self.start_of(day))

    def advanced(self, days: int) -> "TenantClock":
        """A simulated clock ``days`` business days later (a real clock starts from today)."""
        if days < 0:
            raise ValueError("a clock only moves forward")
        return self.simulated_on(self.today() + timedelta(days=days))

"""When an invoice may be corrected by a credit note, and where its subscriptions are billed
again from (seed 004)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from core.domain.periods import Period


@dataclass(frozen=True)
class UnpostedLine:
    """A billing line of a subscription that is on no document or on a draft."""

    subscription_id: int
    description: str
    draft_id: int | None


def credit_refusal(invoice_id: int, latest: Mapping[int, tuple[int, str]],
                   unposted: Iterable[UnpostedLine]) -> str | None:
    """Why the invoice's lines of these subscriptions cannot be credited now, or None.

    ``latest`` maps each subscription on the lines to its latest posted invoice (id,
    number): only the latest one may be credited. A subscription with billing lines not
    yet posted must have them posted or deleted first.
    """
    for subscription_id, (document_id, number) in sorted(latest.items()):
        if document_id != invoice_id:
            return (f"invoice {number} of subscription {subscription_id} is later: credit it first; "
                    f"only the latest invoice of a subscription can be credited")
    for line in unposted:
        where = f"on draft {line.draft_id}" if line.draft_id else "not yet invoiced"
        return (f"subscription {line.subscription_id} has a billing line that is {where} "
                f"({line.description}): post or delete it first")
    return None


def rebilled_from(payment_model: str, credited: Iterable[Period]) -> tuple[Period, date]:
    """The period a subscription returns to and its next billing date once credited periods
    are reversed: the earliest credited period, due again at its start (prepaid, one-time)
    or its end (postpaid)."""
    period = min(credited, key=lambda p: p.start)
    return period, period.end if payment_model == "postpaid" else period.start

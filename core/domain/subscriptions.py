"""Subscription statuses (seed 003) and the transitions between them.

Operation states (installing, activating, renewing, updating, switching, stopping,
deleting) stand for an operation in progress on the provider's side; each can end
in its ``*_failed`` state, from which the operation is retried or abandoned.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    ORDERED = "ordered"
    INSTALLING = "installing"
    INSTALLATION_FAILED = "installation_failed"
    ACTIVATING = "activating"
    ACTIVATION_FAILED = "activation_failed"
    ACTIVE = "active"
    DELIVERED = "delivered"
    GRACED = "graced"
    STOPPING = "stopping"
    STOPPING_FAILED = "stopping_failed"
    STOPPED = "stopped"
    BLOCKED = "blocked"
    RENEWING = "renewing"
    RENEWAL_FAILED = "renewal_failed"
    UPDATING = "updating"
    UPDATING_FAILED = "updating_failed"
    SWITCHING = "switching"
    SWITCHING_FAILED = "switching_failed"
    WAITING_FOR_MANUAL_APPROVE = "waiting_for_manual_approve"
    DELETING = "deleting"
    DELETION_FAILED = "deletion_failed"
    CANCELLED = "cancelled"

    @property
    def billable(self) -> bool:
        """Whether recurring charges run in this status (a stopped subscription may still be charged)."""
        return self in BILLABLE


S = Status
BILLABLE = frozenset({S.ACTIVE, S.GRACED, S.STOPPED, S.BLOCKED, S.RENEWING, S.RENEWAL_FAILED, S.UPDATING,
                      S.UPDATING_FAILED, S.SWITCHING, S.SWITCHING_FAILED, S.STOPPING, S.STOPPING_FAILED})
IN_SERVICE = frozenset({S.ACTIVE, S.GRACED, S.RENEWING, S.RENEWAL_FAILED, S.UPDATING, S.UPDATING_FAILED,
                        S.SWITCHING, S.SWITCHING_FAILED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.ORDERED: frozenset({S.INSTALLING, S.ACTIVATING, S.ACTIVE, S.DELIVERED, S.WAITING_FOR_MANUAL_APPROVE,
                          S.CANCELLED}),
    S.INSTALLING: frozenset({S.ACTIVATING, S.ACTIVE, S.INSTALLATION_FAILED}),
    S.INSTALLATION_FAILED: frozenset({S.INSTALLING, S.CANCELLED}),
    S.ACTIVATING: frozenset({S.ACTIVE, S.ACTIVATION_FAILED}),
    S.ACTIVATION_FAILED: frozenset({S.ACTIVATING, S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.GRACED, S.STOPPING, S.STOPPED, S.BLOCKED, S.RENEWING, S.UPDATING, S.SWITCHING,
                         S.WAITING_FOR_MANUAL_APPROVE, S.DELETING, S.CANCELLED}),
    S.DELIVERED: frozenset({S.CANCELLED}),
    S.GRACED: frozenset({S.ACTIVE, S.STOPPING, S.STOPPED, S.BLOCKED, S.CANCELLED}),
    S.STOPPING: frozenset({S.STOPPED, S.STOPPING_FAILED}),
    S.STOPPING_FAILED: frozenset({S.STOPPING, S.ACTIVE}),
    S.STOPPED: frozenset({S.ACTIVATING, S.ACTIVE, S.DELETING, S.CANCELLED}),
    S.BLOCKED: frozenset({S.ACTIVE, S.DELETING, S.CANCELLED}),
    S.RENEWING: frozenset({S.ACTIVE, S.RENEWAL_FAILED}),
    S.RENEWAL_FAILED: frozenset({S.RENEWING, S.ACTIVE, S.GRACED}),
    S.UPDATING: frozenset({S.ACTIVE, S.UPDATING_FAILED}),
    S.UPDATING_FAILED: frozenset({S.UPDATING, S.ACTIVE}),
    S.SWITCHING: frozenset({S.ACTIVE, S.SWITCHING_FAILED}),
    S.SWITCHING_FAILED: frozenset({S.SWITCHING, S.ACTIVE}),
    S.WAITING_FOR_MANUAL_APPROVE: frozenset({S.ACTIVE, S.STOPPED, S.CANCELLED, S.DELETING}),
    S.DELETING: frozenset({S.CANCELLED, S.DELETION_FAILED}),
    S.DELETION_FAILED: frozenset({S.DELETING, S.ACTIVE}),
    S.CANCELLED: frozenset(),
}


class TransitionError(ValueError):
    pass


def check_transition(current: Status, target: Status) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none"
        raise TransitionError(f"a subscription cannot go from {current.value} to {target.value} (allowed: {allowed})")

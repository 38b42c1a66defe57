import pytest

from core.domain.subscriptions import TRANSITIONS, Status, TransitionError, check_transition


def test_every_status_has_its_transitions_and_cancelled_is_final():
    assert set(TRANSITIONS) == set(Status)
    assert TRANSITIONS[Status.CANCELLED] == frozenset()
    assert all(target in Status for targets in TRANSITIONS.values() for target in targets)


def test_every_operation_state_can_fail_and_every_failure_can_be_retried():
    pairs = {
        Status.INSTALLING: Status.INSTALLATION_FAILED, Status.ACTIVATING: Status.ACTIVATION_FAILED,
        Status.RENEWING: Status.RENEWAL_FAILED, Status.UPDATING: Status.UPDATING_FAILED,
        Status.SWITCHING: Status.SWITCHING_FAILED, Status.STOPPING: Status.STOPPING_FAILED,
        Status.DELETING: Status.DELETION_FAILED,
    }
    assert set(pairs.values()) == {s for s in Status if s.value.endswith("_failed")}
    for operation, failed in pairs.items():
        assert failed in TRANSITIONS[operation], operation
        assert operation in TRANSITIONS[failed], failed


def test_every_status_is_reachable_from_ordered():
    seen, frontier = {Status.ORDERED}, [Status.ORDERED]
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(Status)


def test_refused_transition_names_what_is_allowed():
    with pytest.raises(TransitionError, match="from cancelled to active .allowed: none"):
        check_transition(Status.CANCELLED, Status.ACTIVE)
    with pytest.raises(TransitionError, match="from ordered to graced"):
        check_transition(Status.ORDERED, Status.GRACED)
    check_transition(Status.GRACED, Status.ACTIVE)

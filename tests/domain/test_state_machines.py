"""Every state machine, every (from, to) pair: allowed steps work, all others are refused
with the machine's own error code and leave the object as it was."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

import pytest

from safepassage.domain import alarm as alarm_module
from safepassage.domain import case as case_module
from safepassage.domain import journey as journey_module
from safepassage.domain import safe_house as safe_house_module
from safepassage.domain.alarm import ALARM_TRANSITIONS, Alarm, AlarmKind, AlarmStatus
from safepassage.domain.case import CASE_TRANSITIONS, CaseStatus
from safepassage.domain.errors import IllegalTransition, InvalidValue
from safepassage.domain.journey import LEG_TRANSITIONS, STAY_TRANSITIONS, LegStatus, StayStatus
from safepassage.domain.safe_house import SAFE_HOUSE_TRANSITIONS, SafeHouseStatus
from safepassage.domain.transitions import allowed_from, is_final

from .factories import at, case, house, leg, stay

WHEN = at(90)


def _case_in(status: CaseStatus) -> Any:
    return case(status=status, closed_at=at(1) if status is CaseStatus.CLOSED else None)


def _alarm_in(status: AlarmStatus) -> Alarm:
    return Alarm(
        "a1",
        "c1",
        AlarmKind.MISSED_CHECKIN,
        "m1",
        at(0),
        status=status,
        acknowledged_at=at(1) if status is not AlarmStatus.OPEN else None,
        acknowledged_by="m9" if status is not AlarmStatus.OPEN else None,
        resolved_at=at(2) if status is AlarmStatus.RESOLVED else None,
    )


MACHINES: dict[
    str,
    tuple[Mapping[Any, frozenset[Any]], type[StrEnum], Callable[..., Any], Callable[..., Any], str],
] = {
    "case": (
        CASE_TRANSITIONS,
        CaseStatus,
        _case_in,
        lambda obj, to: case_module.transition(obj, to, WHEN),
        "case.illegal_transition",
    ),
    "leg": (
        LEG_TRANSITIONS,
        LegStatus,
        lambda s: leg(status=s),
        lambda obj, to: journey_module.transition_leg(obj, to, WHEN),
        "leg.illegal_transition",
    ),
    "stay": (
        STAY_TRANSITIONS,
        StayStatus,
        lambda s: stay(status=s),
        lambda obj, to: journey_module.transition_stay(obj, to, WHEN),
        "stay.illegal_transition",
    ),
    "alarm": (
        ALARM_TRANSITIONS,
        AlarmStatus,
        _alarm_in,
        lambda obj, to: alarm_module.transition_alarm(obj, to, WHEN, by="m9"),
        "alarm.illegal_transition",
    ),
    "safe_house": (
        SAFE_HOUSE_TRANSITIONS,
        SafeHouseStatus,
        lambda s: house(status=s),
        safe_house_module.transition,
        "safe_house.illegal_transition",
    ),
}


def _pairs() -> list[tuple[str, Any, Any]]:
    return [
        (name, a, b)
        for name, (_, statuses, *_rest) in MACHINES.items()
        for a, b in itertools.product(list(statuses), repeat=2)
    ]


@pytest.mark.parametrize("name", MACHINES)
def test_table_names_every_status(name: str) -> None:
    table, statuses, *_ = MACHINES[name]
    assert set(table) == set(statuses)
    for targets in table.values():
        assert targets <= set(statuses)


@pytest.mark.parametrize(("name", "current", "target"), _pairs())
def test_every_pair(name: str, current: Any, target: Any) -> None:
    table, _, build, step, code = MACHINES[name]
    before = build(current)
    snapshot = dataclasses.replace(before)
    if target in table[current]:
        after = step(before, target)
        assert after.status is target
        assert before == snapshot
    else:
        with pytest.raises(IllegalTransition) as caught:
            step(before, target)
        assert caught.value.code == code
        assert caught.value.status == 409
        assert before == snapshot


@pytest.mark.parametrize("name", MACHINES)
def test_every_status_is_reachable_from_the_first(name: str) -> None:
    table, statuses, *_ = MACHINES[name]
    first = next(iter(statuses))
    seen = {first}
    frontier = [first]
    while frontier:
        for nxt in allowed_from(table, frontier.pop()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(statuses)


def test_final_statuses() -> None:
    assert is_final(CASE_TRANSITIONS, CaseStatus.CLOSED)
    assert not is_final(CASE_TRANSITIONS, CaseStatus.SAFE)
    finals = {s for s in LegStatus if is_final(LEG_TRANSITIONS, s)}
    assert finals == {
        LegStatus.DELIVERED,
        LegStatus.DECLINED,
        LegStatus.FAILED,
        LegStatus.CANCELLED,
    }
    assert is_final(SAFE_HOUSE_TRANSITIONS, SafeHouseStatus.COMPROMISED)
    assert is_final(ALARM_TRANSITIONS, AlarmStatus.RESOLVED)


def test_case_happy_path_stamps_times_and_closing() -> None:
    c = case()
    for i, status in enumerate(
        [CaseStatus.VETTED, CaseStatus.PLANNED, CaseStatus.IN_TRANSIT, CaseStatus.SAFE]
    ):
        c = case_module.transition(c, status, at(i))
        assert c.status_since == at(i)
        assert c.closed_at is None
    c = case_module.transition(c, CaseStatus.CLOSED, at(10))
    assert c.closed_at == at(10)


def test_case_invariants() -> None:
    with pytest.raises(InvalidValue) as caught:
        case(party_size=0)
    assert caught.value.field == "party_size"
    with pytest.raises(InvalidValue):
        case(language=" ")
    with pytest.raises(ValueError, match="UTC"):
        case(status_since=at(0).replace(tzinfo=None))
    assert "north district" not in repr(case())
    with pytest.raises(ValueError, match="closed_at"):
        case(status=CaseStatus.CLOSED)
    with pytest.raises(ValueError, match="closed_at"):
        case(closed_at=at(1))
    with pytest.raises(ValueError, match="UTC"):
        case_module.transition(case(), CaseStatus.VETTED, WHEN.replace(tzinfo=None))


def test_leg_stamps_pickup_delivery_and_failure() -> None:
    accepted = leg(status=LegStatus.ACCEPTED)
    picked = journey_module.transition_leg(accepted, LegStatus.PICKED_UP, at(5))
    assert picked.picked_up_at == at(5)
    delivered = journey_module.transition_leg(picked, LegStatus.DELIVERED, at(50))
    assert (delivered.delivered_at, delivered.status_since) == (at(50), at(50))
    failed = journey_module.transition_leg(picked, LegStatus.FAILED, at(20))
    assert failed.failed_at == at(20)
    assert failed.delivered_at is None
    dispatched = journey_module.transition_leg(leg(), LegStatus.DISPATCHED, at(-60))
    assert (dispatched.picked_up_at, dispatched.delivered_at, dispatched.failed_at) == (
        None,
        None,
        None,
    )


def test_stay_stamps_start_and_end() -> None:
    started = journey_module.transition_stay(stay(), StayStatus.ACTIVE, at(3))
    assert started.started_at == at(3)
    ended = journey_module.transition_stay(started, StayStatus.ENDED, at(300))
    assert ended.ended_at == at(300)
    cancelled = journey_module.transition_stay(stay(), StayStatus.CANCELLED, at(3))
    assert (cancelled.started_at, cancelled.ended_at) == (None, None)


def test_alarm_acknowledgement_names_who() -> None:
    opened = _alarm_in(AlarmStatus.OPEN)
    with pytest.raises(ValueError, match="who"):
        alarm_module.transition_alarm(opened, AlarmStatus.ACKNOWLEDGED, WHEN)
    acked = alarm_module.transition_alarm(opened, AlarmStatus.ACKNOWLEDGED, WHEN, by="m7")
    assert (acked.acknowledged_at, acked.acknowledged_by) == (WHEN, "m7")
    resolved = alarm_module.transition_alarm(opened, AlarmStatus.RESOLVED, WHEN)
    assert resolved.resolved_at == WHEN
    assert resolved.acknowledged_at is None


def test_mark_compromised_is_final_and_refused_twice() -> None:
    marked = safe_house_module.mark_compromised(house(status=SafeHouseStatus.FULL))
    assert marked.status is SafeHouseStatus.COMPROMISED
    with pytest.raises(IllegalTransition):
        safe_house_module.mark_compromised(marked)


def test_tables_hold_the_paths_the_network_relies_on() -> None:
    """Pin the tables to the agreed lifecycle, so a careless edit to a table fails here."""
    c = CaseStatus
    main = [c.REQUESTED, c.VETTED, c.PLANNED, c.IN_TRANSIT, c.SAFE, c.CLOSED]
    for a, b in itertools.pairwise(main):
        assert b in CASE_TRANSITIONS[a]
    assert c.LOST_CONTACT in CASE_TRANSITIONS[c.IN_TRANSIT]
    assert c.WITHDRAWN in CASE_TRANSITIONS[c.REQUESTED]
    assert c.REQUESTED not in set().union(*CASE_TRANSITIONS.values())
    assert c.SAFE not in CASE_TRANSITIONS[c.PLANNED]
    s = LegStatus
    main_leg = [s.PLANNED, s.DISPATCHED, s.ACCEPTED, s.PICKED_UP, s.DELIVERED]
    for before, after in itertools.pairwise(main_leg):
        assert after in LEG_TRANSITIONS[before]
    assert s.DECLINED in LEG_TRANSITIONS[s.DISPATCHED]
    # Nobody cancels a leg with the party aboard, and nobody skips the pickup.
    assert s.CANCELLED not in LEG_TRANSITIONS[s.PICKED_UP]
    assert s.DELIVERED not in LEG_TRANSITIONS[s.ACCEPTED]
    assert SafeHouseStatus.OPEN not in SAFE_HOUSE_TRANSITIONS[SafeHouseStatus.COMPROMISED]

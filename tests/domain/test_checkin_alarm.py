"""Check-in arming, missed signs of life, and alarm escalation."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.alarm import (
    Alarm,
    AlarmKind,
    AlarmStatus,
    EscalationLevel,
    EscalationPolicy,
    alarm_for_missed,
    alarm_recipients,
    escalation_level,
    next_escalation_at,
)
from safepassage.domain.checkin import (
    CheckIn,
    CheckInPolicy,
    Watch,
    WatchSubject,
    last_seen,
    missed_due,
    next_due,
    watch_for_leg,
    watch_for_stay,
)
from safepassage.domain.journey import LegStatus, StayStatus
from safepassage.domain.member import Member, Role

from .factories import T0, at, leg, member, span, stay

POLICY = CheckInPolicy(every=dt.timedelta(minutes=30), grace=dt.timedelta(minutes=10))
MIN = dt.timedelta(minutes=1)


@pytest.mark.parametrize("status", list(LegStatus))
def test_legs_are_watched_only_once_accepted_and_until_done(status: LegStatus) -> None:
    watch = watch_for_leg(leg(status=status, window=span(0, 120), carrier_id="d1"))
    if status in (LegStatus.ACCEPTED, LegStatus.PICKED_UP):
        assert watch == Watch(WatchSubject.LEG, "l1", "c1", "d1", at(0), at(120))
    else:
        assert watch is None


@pytest.mark.parametrize("status", list(StayStatus))
def test_stays_are_watched_while_active(status: StayStatus) -> None:
    started = at(5) if status in (StayStatus.ACTIVE, StayStatus.ENDED) else None
    ended = at(500) if status is StayStatus.ENDED else None
    watch = watch_for_stay(stay(status=status, started_at=started, ended_at=ended))
    if status is StayStatus.ACTIVE:
        assert watch == Watch(WatchSubject.STAY, "st1", "c1", "host", at(5), None)
    else:
        assert watch is None


def test_next_due_counts_from_the_last_sign_and_stops_at_the_checkpoint() -> None:
    watch = Watch(WatchSubject.LEG, "l1", "c1", "d1", at(0), at(100))
    assert next_due(watch, None, POLICY) == at(30)
    # A sign from before the watch began does not count.
    assert next_due(watch, at(-50), POLICY) == at(30)
    assert next_due(watch, at(20), POLICY) == at(50)
    # The window's end is due anyway: by then the party should be delivered.
    assert next_due(watch, at(80), POLICY) == at(100)
    # Past the window, still expected every interval until delivered.
    assert next_due(watch, at(100), POLICY) == at(130)
    assert next_due(watch, at(140), POLICY) == at(170)


def test_missed_only_after_grace() -> None:
    watch = Watch(WatchSubject.STAY, "st1", "c1", "host", at(0))
    assert missed_due(watch, None, at(39), POLICY) is None
    assert missed_due(watch, None, at(40), POLICY) == at(30)
    assert missed_due(watch, at(35), at(40), POLICY) is None
    assert missed_due(watch, at(35), at(75), POLICY) == at(65)
    with pytest.raises(ValueError, match="UTC"):
        missed_due(watch, None, T0.replace(tzinfo=None), POLICY)


def test_last_seen_takes_any_sign_for_the_subject() -> None:
    watch = Watch(WatchSubject.LEG, "l1", "c1", "d1", at(0), at(100))
    signs = [
        CheckIn("k1", "c1", WatchSubject.LEG, "l1", at(10), "d1"),
        CheckIn("k2", "c1", WatchSubject.LEG, "l1", at(25)),  # the party itself
        CheckIn("k3", "c1", WatchSubject.LEG, "l2", at(90), "d1"),
        CheckIn("k4", "c1", WatchSubject.STAY, "l1", at(95), "d1"),
    ]
    assert last_seen(watch, signs) == at(25)
    assert last_seen(watch, []) is None
    with pytest.raises(ValueError, match="UTC"):
        CheckIn("k", "c1", WatchSubject.LEG, "l1", T0.replace(tzinfo=None))


def test_checkin_policy_validation() -> None:
    with pytest.raises(ValueError, match="positive"):
        CheckInPolicy(every=dt.timedelta(0))
    with pytest.raises(ValueError, match="grace"):
        CheckInPolicy(grace=-MIN)


# --- escalation -------------------------------------------------------------------------

ESCALATION = EscalationPolicy()


def alarm(**fields: object) -> Alarm:
    defaults: dict[str, object] = {
        "id": "a1",
        "case_id": "c1",
        "kind": AlarmKind.MISSED_CHECKIN,
        "member_id": "d1",
        "raised_at": at(0),
    }
    return Alarm(**{**defaults, **fields})  # type: ignore[arg-type]


def test_alarm_for_missed_checkin() -> None:
    watch = Watch(WatchSubject.LEG, "l1", "c1", "d1", at(0), at(100))
    a = alarm_for_missed("a9", watch, at(30), at(40))
    assert (a.kind, a.member_id, a.subject_id, a.due_at, a.raised_at) == (
        AlarmKind.MISSED_CHECKIN,
        "d1",
        "l1",
        at(30),
        at(40),
    )
    assert a.status is AlarmStatus.OPEN


@pytest.mark.parametrize(
    ("minute", "level"),
    [
        (0, EscalationLevel.CARRIER),
        (14.9, EscalationLevel.CARRIER),
        (15, EscalationLevel.CELL_COORDINATOR),
        (29.9, EscalationLevel.CELL_COORDINATOR),
        (30, EscalationLevel.ALL_COORDINATORS),
        (600, EscalationLevel.ALL_COORDINATORS),
    ],
)
def test_open_alarm_climbs_with_time(minute: float, level: EscalationLevel) -> None:
    assert escalation_level(alarm(), at(minute), ESCALATION) is level


def test_acknowledgement_stops_the_climb() -> None:
    acked = alarm(status=AlarmStatus.ACKNOWLEDGED, acknowledged_at=at(20), acknowledged_by="c")
    assert escalation_level(acked, at(600), ESCALATION) is EscalationLevel.CELL_COORDINATOR
    assert escalation_level(acked, at(10), ESCALATION) is EscalationLevel.CARRIER
    assert next_escalation_at(acked, at(21), ESCALATION) is None
    resolved = alarm(status=AlarmStatus.RESOLVED, resolved_at=at(5))
    assert escalation_level(resolved, at(600), ESCALATION) is EscalationLevel.CARRIER


def test_next_escalation_time() -> None:
    assert next_escalation_at(alarm(), at(1), ESCALATION) == at(15)
    assert next_escalation_at(alarm(), at(15), ESCALATION) == at(30)
    assert next_escalation_at(alarm(), at(31), ESCALATION) is None
    with pytest.raises(ValueError, match="UTC"):
        next_escalation_at(alarm(), T0.replace(tzinfo=None), ESCALATION)


def test_configurable_policy() -> None:
    quick = EscalationPolicy(dt.timedelta(minutes=2), dt.timedelta(minutes=4))
    assert escalation_level(alarm(), at(3), quick) is EscalationLevel.CELL_COORDINATOR
    assert next_escalation_at(alarm(), at(3), quick) == at(4)
    with pytest.raises(ValueError, match="in order"):
        EscalationPolicy(dt.timedelta(minutes=30), dt.timedelta(minutes=15))
    with pytest.raises(ValueError, match="in order"):
        EscalationPolicy(-MIN, dt.timedelta(minutes=15))


def test_duress_starts_at_the_cell_and_never_tells_the_member() -> None:
    duress = alarm(kind=AlarmKind.DURESS)
    assert escalation_level(duress, at(0), ESCALATION) is EscalationLevel.CELL_COORDINATOR
    assert next_escalation_at(duress, at(0), ESCALATION) == at(30)
    team = _team()
    assert alarm_recipients(duress, EscalationLevel.CELL_COORDINATOR, team) == {"ca"}
    assert alarm_recipients(duress, EscalationLevel.ALL_COORDINATORS, team) == {"ca", "cb"}


def _team() -> list[Member]:
    return [
        member(id="d1", cell_ids=("a",)),
        member(id="ca", roles=frozenset({Role.COORDINATOR}), cell_ids=("a",)),
        member(id="cb", roles=frozenset({Role.COORDINATOR}), cell_ids=("b",)),
        member(id="d2", cell_ids=("b",)),
    ]


def test_recipients_widen_level_by_level() -> None:
    team = _team()
    a = alarm()
    assert alarm_recipients(a, EscalationLevel.CARRIER, team) == {"d1"}
    assert alarm_recipients(a, EscalationLevel.CELL_COORDINATOR, team) == {"d1", "ca"}
    assert alarm_recipients(a, EscalationLevel.ALL_COORDINATORS, team) == {"d1", "ca", "cb"}


def test_a_cell_without_coordinator_does_not_swallow_the_alarm() -> None:
    team = _team()
    a = alarm(member_id="lonely")
    lonely = member(id="lonely", cell_ids=("z",))
    assert alarm_recipients(a, EscalationLevel.CELL_COORDINATOR, [*team, lonely]) == {
        "lonely",
        "ca",
        "cb",
    }
    # A member unknown to the list (already removed) still gets every coordinator told.
    assert alarm_recipients(a, EscalationLevel.CELL_COORDINATOR, team) == {"lonely", "ca", "cb"}


def test_a_coordinator_under_duress_is_not_their_own_cell_coordinator() -> None:
    team = _team()
    duress = alarm(kind=AlarmKind.DURESS, member_id="ca")
    assert alarm_recipients(duress, EscalationLevel.CELL_COORDINATOR, team) == {"cb"}


def test_alarm_times_must_be_utc() -> None:
    with pytest.raises(ValueError, match="UTC"):
        alarm(raised_at=T0.replace(tzinfo=None))


def test_policy_delay_per_level() -> None:
    assert ESCALATION.delay(EscalationLevel.CARRIER) == dt.timedelta(0)
    assert ESCALATION.delay(EscalationLevel.CELL_COORDINATOR) == dt.timedelta(minutes=15)
    assert ESCALATION.delay(EscalationLevel.ALL_COORDINATORS) == dt.timedelta(minutes=30)

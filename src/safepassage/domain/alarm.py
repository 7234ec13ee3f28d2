"""Alarms and their escalation: carrier -> cell coordinator -> all coordinators.

    open -> acknowledged -> resolved   (and open -> resolved, e.g. a late check-in)

An open alarm climbs one level each time its policy's delay passes unacknowledged.
Acknowledging stops the climb; the level reached stays. Duress and compromise alarms start
at the cell coordinators and never reach the member they are about: that member may be
in someone else's hands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from safepassage.domain.cell import cell_coordinators, coordinators
from safepassage.domain.checkin import Watch, WatchSubject
from safepassage.domain.errors import AlarmIllegalTransition
from safepassage.domain.interval import require_utc
from safepassage.domain.member import Member
from safepassage.domain.transitions import check_transition


class AlarmStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


ALARM_TRANSITIONS: dict[AlarmStatus, frozenset[AlarmStatus]] = {
    AlarmStatus.OPEN: frozenset({AlarmStatus.ACKNOWLEDGED, AlarmStatus.RESOLVED}),
    AlarmStatus.ACKNOWLEDGED: frozenset({AlarmStatus.RESOLVED}),
    AlarmStatus.RESOLVED: frozenset(),
}


class AlarmKind(StrEnum):
    MISSED_CHECKIN = "missed_checkin"
    DURESS = "duress"
    COMPROMISE = "compromise"
    MANUAL = "manual"


# Alarms about a member who may be coerced: they are not told, and it starts higher.
SILENT_KINDS = frozenset({AlarmKind.DURESS, AlarmKind.COMPROMISE})


class EscalationLevel(StrEnum):
    CARRIER = "carrier"
    CELL_COORDINATOR = "cell_coordinator"
    ALL_COORDINATORS = "all_coordinators"


LEVELS = (
    EscalationLevel.CARRIER,
    EscalationLevel.CELL_COORDINATOR,
    EscalationLevel.ALL_COORDINATORS,
)


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Delays after raising, unacknowledged, before each next level."""

    to_cell_coordinator: dt.timedelta = dt.timedelta(minutes=15)
    to_all_coordinators: dt.timedelta = dt.timedelta(minutes=30)

    def __post_init__(self) -> None:
        if not dt.timedelta(0) <= self.to_cell_coordinator <= self.to_all_coordinators:
            raise ValueError("escalation delays must be non-negative and in order")

    def delay(self, level: EscalationLevel) -> dt.timedelta:
        if level is EscalationLevel.CARRIER:
            return dt.timedelta(0)
        if level is EscalationLevel.CELL_COORDINATOR:
            return self.to_cell_coordinator
        return self.to_all_coordinators


@dataclass(frozen=True, slots=True)
class Alarm:
    """An alarm about a case. `member_id` is the member it concerns first (the carrier or
    host who missed a check-in, the member under duress); `subject_id` is the leg or stay."""

    id: str
    case_id: str | None
    kind: AlarmKind
    member_id: str
    raised_at: dt.datetime
    subject: WatchSubject | None = None
    subject_id: str | None = None
    due_at: dt.datetime | None = None
    status: AlarmStatus = AlarmStatus.OPEN
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("raised_at", "due_at", "acknowledged_at", "resolved_at"):
            moment = getattr(self, name)
            if moment is not None:
                require_utc(moment, name)

    @property
    def first_level(self) -> EscalationLevel:
        if self.kind in SILENT_KINDS:
            return EscalationLevel.CELL_COORDINATOR
        return EscalationLevel.CARRIER


def alarm_for_missed(alarm_id: str, watch: Watch, due: dt.datetime, now: dt.datetime) -> Alarm:
    """The alarm `tick` raises when the sign of life due at `due` did not come."""
    return Alarm(
        alarm_id,
        watch.case_id,
        AlarmKind.MISSED_CHECKIN,
        watch.member_id,
        now,
        subject=watch.subject,
        subject_id=watch.subject_id,
        due_at=due,
    )


def transition_alarm(
    alarm: Alarm, to: AlarmStatus, at: dt.datetime, by: str | None = None
) -> Alarm:
    """The alarm acknowledged (by member `by`) or resolved; or AlarmIllegalTransition."""
    require_utc(at, "at")
    check_transition(ALARM_TRANSITIONS, alarm.status, to, AlarmIllegalTransition)
    if to is AlarmStatus.ACKNOWLEDGED:
        if by is None:
            raise ValueError("an acknowledgement names who acknowledged")
        return dataclasses.replace(alarm, status=to, acknowledged_at=at, acknowledged_by=by)
    return dataclasses.replace(alarm, status=to, resolved_at=at)


def _climb_stopped_at(alarm: Alarm) -> dt.datetime | None:
    return alarm.acknowledged_at or alarm.resolved_at


def escalation_level(alarm: Alarm, now: dt.datetime, policy: EscalationPolicy) -> EscalationLevel:
    """The level the alarm has reached at `now`; it stops climbing once acknowledged."""
    require_utc(now, "now")
    stopped = _climb_stopped_at(alarm)
    moment = now if stopped is None else min(now, stopped)
    elapsed = moment - alarm.raised_at
    reached = alarm.first_level
    for level in LEVELS[LEVELS.index(alarm.first_level) + 1 :]:
        if elapsed >= policy.delay(level):
            reached = level
    return reached


def next_escalation_at(
    alarm: Alarm, now: dt.datetime, policy: EscalationPolicy
) -> dt.datetime | None:
    """When the alarm climbs next, or None if it no longer climbs (handled, or at the top)."""
    require_utc(now, "now")
    if alarm.status is not AlarmStatus.OPEN:
        return None
    following = LEVELS.index(escalation_level(alarm, now, policy)) + 1
    if following == len(LEVELS):
        return None
    return alarm.raised_at + policy.delay(LEVELS[following])


def alarm_recipients(
    alarm: Alarm, level: EscalationLevel, members: Iterable[Member]
) -> frozenset[str]:
    """The ids of members to alert at `level` (everyone of the lower levels too).

    A cell without a coordinator must not swallow an alarm: then all coordinators are told.
    """
    everyone = tuple(members)
    subject = next((m for m in everyone if m.id == alarm.member_id), None)
    chosen: set[str] = {alarm.member_id}
    if level is not EscalationLevel.CARRIER:
        cells = subject.cell_ids if subject is not None else ()
        in_cells = {c.id for cell in cells for c in cell_coordinators(cell, everyone)}
        chosen |= in_cells
        if level is EscalationLevel.ALL_COORDINATORS or not in_cells - {alarm.member_id}:
            chosen |= {c.id for c in coordinators(everyone)}
    if alarm.kind in SILENT_KINDS:
        chosen.discard(alarm.member_id)
    return frozenset(chosen)

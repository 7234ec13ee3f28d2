"""Alarms: raised when a check-in is missed, by a member in danger, or by a duress login;
escalated carrier -> cell coordinator -> all coordinators; acknowledged and resolved.

Escalation is sealing: an alarm is sealed to the member concerned, then also to its cells'
keys, then to every cell's key (`domain/alarm_audience.py`). `tick` escalates without any
member's keys, so an alarm's body holds nothing its header does not: the server rebuilds
the body from the header and writes it again, sealed wider.

Header: links `subject` (the leg or stay; the member when there is none), `member`,
`case` when known, `cell` (the cells it belongs to, which are not always the cells it is
sealed to), `acknowledged_by`; times `raised`, `due`, `acknowledged`, `resolved`; attrs
`status`, `level`, `kind` and `subject` (leg or stay).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from safepassage.domain.alarm import (
    LEVELS,
    SILENT_KINDS,
    Alarm,
    AlarmKind,
    AlarmStatus,
    EscalationLevel,
    alarm_for_missed,
    escalation_level,
    transition_alarm,
)
from safepassage.domain.alarm_audience import alarm_audience, level_rank
from safepassage.domain.checkin import Watch, WatchSubject
from safepassage.domain.errors import AlarmIllegalTransition
from safepassage.domain.member import Role
from safepassage.domain.record_header import RecordHeader
from safepassage.domain.retention import alarm_expiry
from safepassage.services.access import access_alarm_for_member, access_alarms_for_member
from safepassage.services.checkins import Received, current_watches
from safepassage.services.context import Context
from safepassage.services.errors import AlarmAtTop, NotAvailable
from safepassage.services.guards import require_active
from safepassage.services.members import ACTIVE, Session, cells_of
from safepassage.services.records import ALARM, CELL, MEMBER, Records, linked, new_id

# The header's `kind` for the one-tap "I am in danger": the domain treats it as duress
# (silent, starts at the cell coordinators, never shown to the member), but coordinators
# should see that the member asked for help, not that a duress login happened.
DANGER = "danger"


@dataclass(frozen=True, slots=True)
class BoardAlarm:
    """An alarm as the live board shows it: with the level it reached and its kind."""

    alarm: Alarm
    level: EscalationLevel
    kind: str


# -- the record ------------------------------------------------------------------------


def _domain_kind(label: str) -> AlarmKind:
    return AlarmKind.DURESS if label == DANGER else AlarmKind(label)


def alarm_from_header(alarm_id: str, header: RecordHeader) -> Alarm:
    """The alarm as its header tells it, which is all of it."""
    subject = header.attrs.get("subject")
    cases = linked(header, "case")
    by = linked(header, "acknowledged_by")
    return Alarm(
        id=alarm_id,
        case_id=cases[0] if cases else None,
        kind=_domain_kind(header.attrs["kind"]),
        member_id=linked(header, "member")[0],
        raised_at=header.times["raised"],
        subject=WatchSubject(subject) if subject else None,
        subject_id=linked(header, "subject")[0] if subject else None,
        due_at=header.times.get("due"),
        status=AlarmStatus(header.attrs["status"]),
        acknowledged_at=header.times.get("acknowledged"),
        acknowledged_by=by[0] if by else None,
        resolved_at=header.times.get("resolved"),
    )


def level_of(header: RecordHeader) -> EscalationLevel:
    return EscalationLevel(header.attrs["level"])


def coordinators_by_cell(ctx: Context) -> dict[str, set[str]]:
    """Every cell of the network, with its active coordinators (from member headers)."""
    records = Records(ctx.vault)
    cells: dict[str, set[str]] = {cell_id: set() for cell_id, _ in records.of_kind(CELL)}
    for member_id, header in records.of_kind(MEMBER):
        if header.attrs.get("status") != ACTIVE:
            continue
        if Role.COORDINATOR.value not in header.attrs.get("roles", "").split(","):
            continue
        for cell_id in linked(header, "cell"):
            cells.setdefault(cell_id, set()).add(member_id)
    return cells


def write_alarm(
    ctx: Context, alarm: Alarm, level: EscalationLevel, kind: str, own_cells: Iterable[str]
) -> None:
    """Write (or rewrite) the alarm sealed to its audience at `level`."""
    records = Records(ctx.vault)
    own = sorted(set(own_cells))
    audience = alarm_audience(alarm, level, own, coordinators_by_cell(ctx))
    links: dict[str, Sequence[str]] = {
        "subject": (alarm.subject_id or alarm.member_id,),
        "member": (alarm.member_id,),
        # Given last, this replaces the `cell` link `Records.write` derives from the keys
        # sealed to: an alarm belongs to its own cells even while only the carrier reads it.
        "cell": own,
    }
    if alarm.case_id is not None:
        links["case"] = (alarm.case_id,)
    if alarm.acknowledged_by is not None:
        links["acknowledged_by"] = (alarm.acknowledged_by,)
    times = {"raised": alarm.raised_at}
    for name, moment in (
        ("due", alarm.due_at),
        ("acknowledged", alarm.acknowledged_at),
        ("resolved", alarm.resolved_at),
    ):
        if moment is not None:
            times[name] = moment
    attrs = {"status": alarm.status.value, "level": level.value, "kind": kind}
    if alarm.subject is not None:
        attrs["subject"] = alarm.subject.value
    records.write(
        ALARM,
        alarm,
        record_id=alarm.id,
        cells=sorted(audience.cells),
        readers=[records.public_key(m) for m in sorted(audience.members)],
        links=links,
        times=times,
        attrs=attrs,
        expires=alarm_expiry(alarm, ctx.policies.retention),
    )


def _rewrite(ctx: Context, alarm: Alarm, level: EscalationLevel, header: RecordHeader) -> None:
    write_alarm(ctx, alarm, level, header.attrs["kind"], linked(header, "cell"))


# -- raised by the server --------------------------------------------------------------


def missed_checkin_dues(ctx: Context) -> set[tuple[str, dt.datetime]]:
    """(subject, due) of every missed check-in already alarmed: never raise one twice."""
    return {
        (linked(header, "subject")[0], header.times["due"])
        for _, header in Records(ctx.vault).of_kind(ALARM)
        if header.attrs.get("kind") == AlarmKind.MISSED_CHECKIN.value and "due" in header.times
    }


def raise_missed_checkin_alarm(ctx: Context, watch: Watch, due: dt.datetime) -> str:
    """The alarm for the sign of life due at `due`, raised as of when it became missed
    (due + grace), so a late tick (a server locked for a while) does not delay escalation."""
    missed_at = due + ctx.policies.checkin.grace
    alarm = alarm_for_missed(new_id(), watch, due, missed_at)
    subject = Records(ctx.vault).header(watch.subject_id)
    own = linked(subject, "cell") if subject is not None else cells_of(ctx, watch.member_id)
    level = escalation_level(alarm, ctx.clock.now(), ctx.policies.escalation)
    write_alarm(ctx, alarm, level, alarm.kind.value, own)
    return alarm.id


def escalate_open_alarms(ctx: Context) -> int:
    """Reseal every open alarm whose escalation delay has passed; how many climbed."""
    now = ctx.clock.now()
    climbed = 0
    for alarm_id, header in Records(ctx.vault).of_kind(ALARM):
        if header.attrs.get("status") != AlarmStatus.OPEN.value:
            continue
        alarm = alarm_from_header(alarm_id, header)
        reached = escalation_level(alarm, now, ctx.policies.escalation)
        if level_rank(reached) > level_rank(level_of(header)):
            _rewrite(ctx, alarm, reached, header)
            climbed += 1
    return climbed


def next_escalation(ctx: Context) -> dt.datetime | None:
    """When an open alarm climbs next, if any does."""
    policy = ctx.policies.escalation
    moments = []
    for _, header in Records(ctx.vault).of_kind(ALARM):
        if header.attrs.get("status") != AlarmStatus.OPEN.value:
            continue
        following = level_rank(level_of(header)) + 1
        if following < len(LEVELS):
            moments.append(header.times["raised"] + policy.delay(LEVELS[following]))
    return min(moments, default=None)


def raise_duress_alarm(ctx: Context, member_id: str) -> str:
    """The silent alarm of a duress login: straight to the member's cells, never to them."""
    if Records(ctx.vault).header(member_id) is None:
        raise NotAvailable
    alarm = Alarm(new_id(), None, AlarmKind.DURESS, member_id, ctx.clock.now())
    write_alarm(ctx, alarm, alarm.first_level, alarm.kind.value, cells_of(ctx, member_id))
    return alarm.id


# -- raised by a member ----------------------------------------------------------------


def _current_task(ctx: Context, member_id: str, now: dt.datetime) -> Watch | None:
    """The leg or stay the member answers for right now, if any."""
    for watch in current_watches(ctx).watches:
        if watch.member_id == member_id and watch.start <= now:
            return watch
    return None


def raise_danger_alarm(ctx: Context, session: Session) -> Received:
    """The one-tap "I am in danger". Silent: the member is told exactly what a check-in
    tells them, and the alarm is sealed straight to the cells' keys, never to the member.

    Raised whatever the session (a duress one too): a call for help is never refused.
    """
    now = ctx.clock.now()
    member_id = session.member_id
    task = _current_task(ctx, member_id, now)
    own = list(cells_of(ctx, member_id))
    if task is not None:
        subject = Records(ctx.vault).header(task.subject_id)
        own.extend(linked(subject, "cell") if subject is not None else ())
    alarm = Alarm(
        new_id(),
        task.case_id if task else None,
        AlarmKind.DURESS,
        member_id,
        now,
        subject=task.subject if task else None,
        subject_id=task.subject_id if task else None,
    )
    write_alarm(ctx, alarm, alarm.first_level, DANGER, own)
    return Received(now)


# -- handled by a coordinator ----------------------------------------------------------


def _handle(ctx: Context, session: Session, alarm_id: str) -> tuple[Alarm, RecordHeader]:
    """The alarm, for a coordinator whose keys open it. Nobody handles an alarm about
    themselves: a member who may be coerced must not be able to quiet their own alarm."""
    require_active(ctx, session)
    if not session.member.has_role(Role.COORDINATOR):
        raise NotAvailable
    alarm = access_alarm_for_member(ctx, session, alarm_id)
    if alarm.member_id == session.member_id:
        raise NotAvailable
    header = Records(ctx.vault).header(alarm_id)
    assert header is not None  # it was just opened
    return alarm, header


def acknowledge_alarm(ctx: Context, session: Session, alarm_id: str) -> Alarm:
    """Someone is on it: the alarm stops climbing, at the level it reached."""
    alarm, header = _handle(ctx, session, alarm_id)
    moved = transition_alarm(alarm, AlarmStatus.ACKNOWLEDGED, ctx.clock.now(), session.member_id)
    _rewrite(ctx, moved, level_of(header), header)
    return moved


def resolve_alarm(ctx: Context, session: Session, alarm_id: str) -> Alarm:
    """Closed; retention counts from now."""
    alarm, header = _handle(ctx, session, alarm_id)
    moved = transition_alarm(alarm, AlarmStatus.RESOLVED, ctx.clock.now(), session.member_id)
    _rewrite(ctx, moved, level_of(header), header)
    return moved


def escalate_alarm(ctx: Context, session: Session, alarm_id: str) -> EscalationLevel:
    """One level up now, without waiting for the delay; the level reached."""
    alarm, header = _handle(ctx, session, alarm_id)
    if alarm.status is AlarmStatus.RESOLVED:
        raise AlarmIllegalTransition
    following = level_rank(level_of(header)) + 1
    if following == len(LEVELS):
        raise AlarmAtTop
    _rewrite(ctx, alarm, LEVELS[following], header)
    return LEVELS[following]


def _silent_about(header: RecordHeader, member_id: str) -> bool:
    """Left out before opening, so not even the read log hints at it."""
    silent = _domain_kind(header.attrs["kind"]) in SILENT_KINDS
    return silent and member_id in linked(header, "member")


def open_alarms(ctx: Context, session: Session) -> list[BoardAlarm]:
    """The unresolved alarms this session's keys open, most urgent first: open before
    acknowledged, higher levels first, then oldest first. A silent alarm is never shown to
    the member it is about, even one who holds the cell's key."""
    headers = {
        alarm_id: header
        for alarm_id, header in Records(ctx.vault).of_kind(ALARM)
        if header.attrs.get("status") != AlarmStatus.RESOLVED.value
        and not _silent_about(header, session.member_id)
    }
    opened = access_alarms_for_member(ctx, session, sorted(headers))
    board = [
        BoardAlarm(alarm, level_of(headers[alarm_id]), headers[alarm_id].attrs["kind"])
        for alarm_id, alarm in opened.items()
    ]
    board.sort(
        key=lambda b: (
            b.alarm.status is not AlarmStatus.OPEN,
            -level_rank(b.level),
            b.alarm.raised_at,
            b.alarm.id,
        )
    )
    return board

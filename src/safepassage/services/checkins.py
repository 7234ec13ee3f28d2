"""Check-ins: signs of life for a leg or a stay, and the watches that expect them.

`tick` runs without any member's keys, so watches are armed from leg and stay headers
alone (see the header conventions in `records.py`'s users): a leg accepted or picked up is
watched from its window's start, with the window's end as a checkpoint; an active stay
from when it started. The rules themselves are the domain's (`domain/checkin.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safepassage.domain.checkin import CheckIn, Watch, watch_for_leg, watch_for_stay
from safepassage.domain.interval import Interval
from safepassage.domain.journey import Stay, StayStatus
from safepassage.domain.record_header import RecordHeader
from safepassage.domain.retention import checkin_expiry
from safepassage.services.context import Context
from safepassage.services.errors import NotAvailable, NotUnderWatch
from safepassage.services.guards import require_active
from safepassage.services.members import Session
from safepassage.services.records import CHECKIN, LEG, STAY, Records, linked, new_id
from safepassage.services.task_records import leg_from_header

# Who answers for a watched record: the leg's carrier, the stay's host.
ANSWERS_FOR = {LEG: "carrier", STAY: "host"}


@dataclass(frozen=True, slots=True)
class Received:
    """What a member is told after a sign of life. A danger signal gets the very same."""

    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Watching:
    """The watches armed now, and how many leg or stay headers could not be understood
    (counted, not fatal: one bad header must not stop every other alarm)."""

    watches: tuple[Watch, ...]
    malformed: int


def _stay_from_header(stay_id: str, header: RecordHeader) -> Stay:
    """The stay as far as its header tells. Beds are not in the header and a watch does not
    need them. It started when the party arrived (`started`), else at its booking's start."""
    status = StayStatus(header.attrs["status"])
    started = header.times.get("started", header.times["start"])
    return Stay(
        id=stay_id,
        case_id=linked(header, "case")[0],
        safe_house_id=linked(header, "house")[0],
        host_id=linked(header, "host")[0],
        interval=Interval(header.times["start"], header.times["end"]),
        beds=1,
        status=status,
        started_at=started if status is StayStatus.ACTIVE else None,
    )


def watch_from_header(subject_id: str, header: RecordHeader) -> Watch | None:
    """The watch a leg or stay header arms now, or None. ValueError if it is malformed."""
    try:
        if header.kind == LEG:
            return watch_for_leg(leg_from_header(subject_id, header))
        if header.kind == STAY:
            return watch_for_stay(_stay_from_header(subject_id, header))
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError("a watched record's header is malformed") from error
    return None


def current_watches(ctx: Context) -> Watching:
    """Every watch the legs and stays arm now, from their headers."""
    records = Records(ctx.vault)
    watches: list[Watch] = []
    malformed = 0
    for kind in (LEG, STAY):
        for subject_id, header in records.of_kind(kind):
            try:
                watch = watch_from_header(subject_id, header)
            except ValueError:
                malformed += 1
                continue
            if watch is not None:
                watches.append(watch)
    watches.sort(key=lambda w: (w.start, w.subject_id))
    return Watching(tuple(watches), malformed)


def last_seen_by_subject(ctx: Context) -> dict[str, dt.datetime]:
    """The latest sign of life per leg or stay, from anyone, from check-in headers."""
    seen: dict[str, dt.datetime] = {}
    for _, header in Records(ctx.vault).of_kind(CHECKIN):
        at = header.times.get("at")
        for subject_id in linked(header, "subject"):
            if at is not None and (subject_id not in seen or at > seen[subject_id]):
                seen[subject_id] = at
    return seen


def record_checkin(ctx: Context, session: Session, subject_id: str) -> Received:
    """A sign of life from the carrier of a leg or the host of a stay under watch.

    Sealed to the owning cell and to the member. Anyone else, and any record that is not
    a leg or stay, gets `NotAvailable`; a task not (or no longer) watched `NotUnderWatch`.
    A duress session is told the same as a real one, and nothing is recorded: a sign of
    life given under duress must not hold back the alarm.
    """
    now = ctx.clock.now()
    if session.duress:
        return Received(now)
    require_active(ctx, session)
    records = Records(ctx.vault)
    header = records.header(subject_id)
    if header is None:
        raise NotAvailable
    if header.kind not in ANSWERS_FOR:
        raise NotAvailable
    if session.member_id not in linked(header, ANSWERS_FOR[header.kind]):
        raise NotAvailable
    watch = watch_from_header(subject_id, header)
    if watch is None or now < watch.start:
        raise NotUnderWatch
    checkin = CheckIn(new_id(), watch.case_id, watch.subject, subject_id, now, session.member_id)
    records.write(
        CHECKIN,
        checkin,
        record_id=checkin.id,
        cells=linked(header, "cell")[:1],
        readers=[records.public_key(session.member_id)],
        links={"subject": (subject_id,), "member": (session.member_id,)},
        times={"at": now},
        expires=checkin_expiry(checkin, ctx.policies.retention),
    )
    return Received(now)

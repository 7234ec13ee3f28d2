"""Check-ins: expected signs of life tied to a leg or a stay, and when one is missed.

While a watch is armed, a sign of life is expected every `every` after the last one (or
after the watch began), and at the watch's checkpoint (a leg's window end: by then the
party should be delivered). A sign is missed once its due time plus `grace` has passed;
`tick` then raises an alarm (see alarm.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from safepassage.domain.interval import require_utc
from safepassage.domain.journey import Leg, LegStatus, Stay, StayStatus


@dataclass(frozen=True, slots=True)
class CheckInPolicy:
    every: dt.timedelta = dt.timedelta(minutes=30)
    grace: dt.timedelta = dt.timedelta(minutes=10)

    def __post_init__(self) -> None:
        if self.every <= dt.timedelta(0):
            raise ValueError("check-ins must be expected at a positive interval")
        if self.grace < dt.timedelta(0):
            raise ValueError("grace cannot be negative")


class WatchSubject(StrEnum):
    LEG = "leg"
    STAY = "stay"


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A sign of life received for a leg or stay. `member_id` is None when the party
    itself checked in."""

    id: str
    case_id: str
    subject: WatchSubject
    subject_id: str
    at: dt.datetime
    member_id: str | None = None

    def __post_init__(self) -> None:
        require_utc(self.at, "at")


@dataclass(frozen=True, slots=True)
class Watch:
    """An armed expectation of check-ins. `member_id` is who answers for it first (the
    carrier of a leg, the host of a stay); `checkpoint` is a moment a sign is due anyway."""

    subject: WatchSubject
    subject_id: str
    case_id: str
    member_id: str
    start: dt.datetime
    checkpoint: dt.datetime | None = None


# A leg is watched from its window's start once its carrier accepted it, until delivered.
_WATCHED_LEG = frozenset({LegStatus.ACCEPTED, LegStatus.PICKED_UP})


def watch_for_leg(leg: Leg) -> Watch | None:
    """The watch a leg arms, or None while it needs none (not yet accepted, or over)."""
    if leg.status not in _WATCHED_LEG:
        return None
    return Watch(
        WatchSubject.LEG, leg.id, leg.case_id, leg.carrier_id, leg.window.start, leg.window.end
    )


def watch_for_stay(stay: Stay) -> Watch | None:
    """An active stay is watched from when it started until it ends, however long."""
    if stay.status is not StayStatus.ACTIVE:
        return None
    assert stay.started_at is not None
    return Watch(WatchSubject.STAY, stay.id, stay.case_id, stay.host_id, stay.started_at)


def last_seen(watch: Watch, checkins: Iterable[CheckIn]) -> dt.datetime | None:
    """The latest sign of life for the watch's subject, from anyone, or None."""
    times = [
        c.at for c in checkins if c.subject is watch.subject and c.subject_id == watch.subject_id
    ]
    return max(times, default=None)


def next_due(watch: Watch, seen: dt.datetime | None, policy: CheckInPolicy) -> dt.datetime:
    """When the next sign of life is due, given the last one seen."""
    base = watch.start if seen is None or seen < watch.start else seen
    due = base + policy.every
    if watch.checkpoint is not None and base < watch.checkpoint:
        due = min(due, watch.checkpoint)
    return due


def missed_due(
    watch: Watch, seen: dt.datetime | None, now: dt.datetime, policy: CheckInPolicy
) -> dt.datetime | None:
    """The due time of a missed sign of life, or None while nothing is overdue."""
    require_utc(now, "now")
    due = next_due(watch, seen, policy)
    return due if now >= due + policy.grace else None

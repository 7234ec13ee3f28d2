"""Need-to-know windows: when a volunteer may read their own task.

A driver or guide may read a leg they carry from `before` its window opens until `after`
it closes; a host may read a stay in their house the same way around the stay. Outside
that, the task is not theirs to read, even though it is still theirs on record. A leg
the carrier declined or that was cancelled is not theirs at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from safepassage.domain.interval import Interval, require_utc
from safepassage.domain.journey import Leg, LegStatus, Stay, StayStatus

_UNREAD = frozenset({LegStatus.DECLINED, LegStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class NeedToKnowPolicy:
    before: dt.timedelta = dt.timedelta(hours=2)
    after: dt.timedelta = dt.timedelta(hours=6)

    def __post_init__(self) -> None:
        if self.before < dt.timedelta(0) or self.after < dt.timedelta(0):
            raise ValueError("need-to-know margins cannot be negative")


def leg_readable_interval(leg: Leg, policy: NeedToKnowPolicy) -> Interval:
    """The interval during which the leg's carrier may read it."""
    return Interval(leg.window.start - policy.before, leg.window.end + policy.after)


def may_read_leg(leg: Leg, member_id: str, at: dt.datetime, policy: NeedToKnowPolicy) -> bool:
    """Whether `member_id`, as carrier, may read `leg` at moment `at`."""
    require_utc(at, "at")
    if member_id != leg.carrier_id:
        return False
    if leg.status in _UNREAD:
        return False
    return leg_readable_interval(leg, policy).contains(at)


def stay_readable_interval(stay: Stay, policy: NeedToKnowPolicy) -> Interval:
    """Around the stay's booking, stretched to when it really ended if later."""
    end = max(stay.interval.end, stay.ended_at or stay.interval.end)
    return Interval(stay.interval.start - policy.before, end + policy.after)


def may_read_stay(stay: Stay, member_id: str, at: dt.datetime, policy: NeedToKnowPolicy) -> bool:
    """Whether `member_id`, as host, may read `stay` at moment `at`."""
    require_utc(at, "at")
    if member_id != stay.host_id:
        return False
    if stay.status is StayStatus.CANCELLED:
        return False
    return stay_readable_interval(stay, policy).contains(at)


def legs_readable_by(
    member_id: str, legs: Iterable[Leg], until: dt.datetime, policy: NeedToKnowPolicy
) -> tuple[Leg, ...]:
    """The legs `member_id` could have read at some moment before `until`: their part of
    a blast radius (records sealed to their cells are added by the services).

    Conservative on purpose: a leg declined or cancelled counts if its window for reading
    opened before it was declined or cancelled, since the carrier may have read it then.
    """
    require_utc(until, "until")
    exposed = []
    for leg in legs:
        if leg.carrier_id != member_id:
            continue
        stop = until
        if leg.status in _UNREAD and leg.status_since is not None:
            stop = min(until, leg.status_since)
        if leg_readable_interval(leg, policy).start < stop:
            exposed.append(leg)
    return tuple(exposed)

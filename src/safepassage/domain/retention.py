"""Retention: the expiry day of each record, from its kind and its lifecycle.

The store seals each record's key under the epoch key of its expiry day, and the daily
purge destroys the epoch keys of days before today: a record is readable through the end
of its expiry day and then gone. Expiry is counted from when a record stops mattering
(a leg's window ends, a case is closed), so the day is recomputed on every write.
A record whose lifecycle has not ended yet has no expiry day (None): it is standing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from safepassage.domain.alarm import Alarm
from safepassage.domain.case import Case
from safepassage.domain.checkin import CheckIn
from safepassage.domain.handoff import Handoff
from safepassage.domain.interval import require_utc
from safepassage.domain.journey import Leg, Stay

_HOUR = dt.timedelta(hours=1)
_DAY = dt.timedelta(days=1)


class RecordKind(StrEnum):
    CASE = "case"
    JOURNEY = "journey"
    LEG = "leg"
    STAY = "stay"
    HANDOFF = "handoff"
    CHECKIN = "checkin"
    ALARM = "alarm"


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long each kind of record is kept after its lifecycle ends."""

    case: dt.timedelta = 30 * _DAY
    leg: dt.timedelta = 72 * _HOUR
    stay: dt.timedelta = 72 * _HOUR
    checkin: dt.timedelta = 72 * _HOUR
    alarm: dt.timedelta = 30 * _DAY

    def __post_init__(self) -> None:
        for kind in ("case", "leg", "stay", "checkin", "alarm"):
            if getattr(self, kind) < dt.timedelta(0):
                raise ValueError("a retention period cannot be negative")

    def keep(self, kind: RecordKind) -> dt.timedelta:
        """How long a record of `kind` outlives its lifecycle. A journey lives as long as
        its case; a handoff as long as the legs and stays it links (see `handoff_expiry`)."""
        periods = {
            RecordKind.CASE: self.case,
            RecordKind.JOURNEY: self.case,
            RecordKind.LEG: self.leg,
            RecordKind.STAY: self.stay,
            RecordKind.HANDOFF: self.leg,
            RecordKind.CHECKIN: self.checkin,
            RecordKind.ALARM: self.alarm,
        }
        return periods[kind]


def expiry_day(ended: dt.datetime, keep: dt.timedelta) -> dt.date:
    """The UTC day through which a record that stopped mattering at `ended` is kept."""
    require_utc(ended, "ended")
    return (ended + keep).date()


def is_expired(day: dt.date, today: dt.date) -> bool:
    """Expired once its day is over: the purge on `today` destroys days before today."""
    return day < today


def case_expiry(case: Case, policy: RetentionPolicy) -> dt.date | None:
    """Days after closing. A journey record takes its case's expiry."""
    if case.closed_at is None:
        return None
    return expiry_day(case.closed_at, policy.case)


def leg_expiry(leg: Leg, policy: RetentionPolicy) -> dt.date:
    """Hours after the window ends, or after the leg actually finished if that was later."""
    ended = max(t for t in (leg.window.end, leg.delivered_at, leg.failed_at, leg.status_since) if t)
    return expiry_day(ended, policy.leg)


def stay_expiry(stay: Stay, policy: RetentionPolicy) -> dt.date:
    """Hours after the booking ends, or after the party actually left if that was later."""
    ended = max(t for t in (stay.interval.end, stay.ended_at) if t)
    return expiry_day(ended, policy.stay)


def handoff_expiry(
    handoff: Handoff, legs: Iterable[Leg], stays: Iterable[Stay], policy: RetentionPolicy
) -> dt.date | None:
    """As long as the latest of the legs and stays it links; None if it links none given."""
    linked_legs = {handoff.from_leg_id, handoff.to_leg_id}
    linked_stays = {handoff.from_stay_id, handoff.to_stay_id}
    days = [leg_expiry(leg, policy) for leg in legs if leg.id in linked_legs]
    days += [stay_expiry(stay, policy) for stay in stays if stay.id in linked_stays]
    return max(days, default=None)


def checkin_expiry(checkin: CheckIn, policy: RetentionPolicy) -> dt.date:
    return expiry_day(checkin.at, policy.checkin)


def alarm_expiry(alarm: Alarm, policy: RetentionPolicy) -> dt.date | None:
    """Days after it was resolved; an alarm still open or acknowledged is standing."""
    if alarm.resolved_at is None:
        return None
    return expiry_day(alarm.resolved_at, policy.alarm)

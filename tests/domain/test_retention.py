from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.alarm import Alarm, AlarmKind, AlarmStatus
from safepassage.domain.case import CaseStatus
from safepassage.domain.checkin import CheckIn, WatchSubject
from safepassage.domain.handoff import Handoff
from safepassage.domain.journey import LegStatus, StayStatus
from safepassage.domain.retention import (
    RecordKind,
    RetentionPolicy,
    alarm_expiry,
    case_expiry,
    checkin_expiry,
    expiry_day,
    handoff_expiry,
    is_expired,
    leg_expiry,
    stay_expiry,
)

from .factories import T0, at, case, leg, span, stay

POLICY = RetentionPolicy()
DAY = dt.timedelta(days=1)


def test_defaults_match_the_issue() -> None:
    assert POLICY.keep(RecordKind.LEG) == dt.timedelta(hours=72)
    assert POLICY.keep(RecordKind.CASE) == dt.timedelta(days=30)
    assert POLICY.keep(RecordKind.JOURNEY) == POLICY.case
    assert POLICY.keep(RecordKind.HANDOFF) == POLICY.leg
    for kind in RecordKind:
        assert POLICY.keep(kind) > dt.timedelta(0)


def test_negative_periods_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        RetentionPolicy(leg=-DAY)


def test_expiry_day_and_purge_boundary() -> None:
    ended = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)
    day = expiry_day(ended, dt.timedelta(hours=1))
    assert day == dt.date(2026, 11, 26)
    assert not is_expired(day, dt.date(2026, 11, 26))
    assert is_expired(day, dt.date(2026, 11, 27))
    with pytest.raises(ValueError, match="UTC"):
        expiry_day(ended.replace(tzinfo=None), DAY)


def test_leg_expires_72_hours_after_its_window() -> None:
    first = leg(window=span(0, 60))  # 06:00-07:00 on 25 Nov
    assert leg_expiry(first, POLICY) == dt.date(2026, 11, 28)
    # Delivered late at night: counted from then.
    late = leg(window=span(0, 60), delivered_at=T0.replace(hour=23), status=LegStatus.DELIVERED)
    assert leg_expiry(late, POLICY) == dt.date(2026, 11, 28)
    very_late = leg(window=span(0, 60), failed_at=T0 + 2 * DAY)
    assert leg_expiry(very_late, POLICY) == dt.date(2026, 11, 30)
    shorter = RetentionPolicy(leg=dt.timedelta(hours=1))
    assert leg_expiry(first, shorter) == dt.date(2026, 11, 25)


def test_case_expires_30_days_after_closing_and_stands_until_then() -> None:
    assert case_expiry(case(), POLICY) is None
    closed = case(status=CaseStatus.CLOSED, closed_at=T0)
    assert case_expiry(closed, POLICY) == dt.date(2026, 12, 25)


def test_stay_expiry_counts_from_the_later_of_booking_end_and_leaving() -> None:
    booked = stay(interval=span(0, 60))
    assert stay_expiry(booked, POLICY) == dt.date(2026, 11, 28)
    overstayed = stay(
        interval=span(0, 60), status=StayStatus.ENDED, started_at=at(0), ended_at=T0 + 3 * DAY
    )
    assert stay_expiry(overstayed, POLICY) == dt.date(2026, 12, 1)


def test_handoff_lives_as_long_as_what_it_links() -> None:
    h = Handoff("h", "c1", "p", "m1", "host", from_leg_id="l1", to_stay_id="st1")
    l1 = leg(id="l1", window=span(0, 60))
    st1 = stay(id="st1", interval=span(60, 60 + 24 * 60))
    unrelated = leg(id="l9", window=span(0, 60 * 24 * 20))
    assert handoff_expiry(h, [l1, unrelated], [st1], POLICY) == dt.date(2026, 11, 29)
    assert handoff_expiry(h, [l1], [], POLICY) == dt.date(2026, 11, 28)
    assert handoff_expiry(h, [], [], POLICY) is None


def test_checkin_and_alarm_expiry() -> None:
    sign = CheckIn("k", "c1", WatchSubject.LEG, "l1", T0)
    assert checkin_expiry(sign, POLICY) == dt.date(2026, 11, 28)
    open_alarm = Alarm("a", "c1", AlarmKind.MISSED_CHECKIN, "m1", T0)
    assert alarm_expiry(open_alarm, POLICY) is None
    resolved = Alarm(
        "a", "c1", AlarmKind.MISSED_CHECKIN, "m1", T0, status=AlarmStatus.RESOLVED, resolved_at=T0
    )
    assert alarm_expiry(resolved, POLICY) == dt.date(2026, 12, 25)

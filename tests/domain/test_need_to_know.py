from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.journey import LegStatus, StayStatus
from safepassage.domain.need_to_know import (
    NeedToKnowPolicy,
    leg_readable_interval,
    legs_readable_by,
    may_read_leg,
    may_read_stay,
    stay_readable_interval,
)

from .factories import T0, at, leg, span, stay

POLICY = NeedToKnowPolicy()


def test_defaults_two_hours_before_six_after() -> None:
    first = leg(window=span(0, 60))
    assert leg_readable_interval(first, POLICY) == span(-120, 60 + 360)


@pytest.mark.parametrize(
    ("minute", "readable"),
    [(-121, False), (-120, True), (30, True), (419, True), (420, False)],
)
def test_carrier_reads_own_leg_only_in_its_window(minute: float, readable: bool) -> None:
    assert may_read_leg(leg(window=span(0, 60)), "m1", at(minute), POLICY) is readable


def test_nobody_else_reads_the_leg() -> None:
    assert not may_read_leg(leg(), "m2", at(10), POLICY)


@pytest.mark.parametrize("status", [LegStatus.DECLINED, LegStatus.CANCELLED])
def test_declined_or_cancelled_leg_is_not_the_carriers_any_more(status: LegStatus) -> None:
    assert not may_read_leg(leg(status=status), "m1", at(10), POLICY)


def test_margins_are_configurable_and_not_negative() -> None:
    tight = NeedToKnowPolicy(before=dt.timedelta(0), after=dt.timedelta(0))
    assert not may_read_leg(leg(window=span(0, 60)), "m1", at(-1), tight)
    assert not may_read_leg(leg(window=span(0, 60)), "m1", at(60), tight)
    with pytest.raises(ValueError, match="negative"):
        NeedToKnowPolicy(before=-dt.timedelta(hours=1))
    with pytest.raises(ValueError, match="UTC"):
        may_read_leg(leg(), "m1", T0.replace(tzinfo=None), POLICY)


def test_host_reads_stay_around_it_stretched_by_an_overstay() -> None:
    s = stay(interval=span(0, 600))
    assert may_read_stay(s, "host", at(-120), POLICY)
    assert not may_read_stay(s, "host", at(-121), POLICY)
    assert not may_read_stay(s, "someone", at(10), POLICY)
    assert not may_read_stay(stay(status=StayStatus.CANCELLED), "host", at(10), POLICY)
    over = stay(interval=span(0, 600), status=StayStatus.ENDED, started_at=at(0), ended_at=at(900))
    assert stay_readable_interval(over, POLICY).end == at(900 + 360)
    with pytest.raises(ValueError, match="UTC"):
        may_read_stay(s, "host", T0.replace(tzinfo=None), POLICY)


def test_blast_radius_legs_readable_before_a_moment() -> None:
    legs = [
        leg(id="past", window=span(0, 60)),
        leg(id="soon", window=span(200, 260)),  # readable from 80
        leg(id="later", window=span(2000, 2060)),
        leg(id="other", window=span(0, 60), carrier_id="m2"),
        # Declined at 10, before its reading window opened at 180: never readable.
        leg(
            id="declined-early",
            window=span(300, 360),
            status=LegStatus.DECLINED,
            status_since=at(10),
        ),
        # Cancelled at 250, after it opened at 180: may have been read.
        leg(
            id="cancelled-late",
            window=span(300, 360),
            status=LegStatus.CANCELLED,
            status_since=at(250),
        ),
    ]
    exposed = {x.id for x in legs_readable_by("m1", legs, at(1000), POLICY)}
    assert exposed == {"past", "soon", "cancelled-late"}
    assert {x.id for x in legs_readable_by("m1", legs, at(80), POLICY)} == {"past"}
    with pytest.raises(ValueError, match="UTC"):
        legs_readable_by("m1", legs, T0.replace(tzinfo=None), POLICY)

"""Seats, carriers, vehicles and beds are never overbooked.

Property tests add random legs and stays one by one, keep only those the rules accept, and
then check the accepted set against a brute-force count at every boundary moment.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.domain.errors import (
    BedsOverbooked,
    CarrierOverlap,
    DomainError,
    SafeHouseCompromised,
    SafeHouseFull,
    SeatsOverbooked,
    VehicleOverlap,
)
from safepassage.domain.journey import (
    Leg,
    LegStatus,
    Stay,
    StayStatus,
    check_carrier_free,
    check_leg_capacity,
    check_vehicle_free,
)
from safepassage.domain.safe_house import SafeHouseStatus, check_beds

from .factories import at, house, leg, span, stay, vehicle


def test_party_must_fit_in_the_seats() -> None:
    car = vehicle(seats=3)
    check_leg_capacity(leg(vehicle_id="v1"), 3, car)
    with pytest.raises(SeatsOverbooked) as caught:
        check_leg_capacity(leg(vehicle_id="v1"), 4, car)
    assert caught.value.code == "leg.seats_overbooked"


def test_foot_leg_has_no_seats_and_vehicle_must_be_the_legs() -> None:
    check_leg_capacity(leg(), 40, None)
    with pytest.raises(ValueError, match="not given"):
        check_leg_capacity(leg(vehicle_id="v1"), 1, None)
    with pytest.raises(ValueError, match="not the leg's"):
        check_leg_capacity(leg(vehicle_id="v2"), 1, vehicle())


def test_carrier_overlap_and_back_to_back() -> None:
    existing = [leg(id="a", window=span(0, 60))]
    check_carrier_free(leg(id="b", window=span(60, 120)), existing)
    check_carrier_free(leg(id="b", window=span(30, 90), carrier_id="m2"), existing)
    # Re-checking a leg against itself (an edit) is not a clash.
    check_carrier_free(leg(id="a", window=span(30, 90)), existing)
    with pytest.raises(CarrierOverlap) as caught:
        check_carrier_free(leg(id="b", window=span(59, 120)), existing)
    assert caught.value.code == "carrier.overlap"


@pytest.mark.parametrize("status", [LegStatus.DECLINED, LegStatus.CANCELLED])
def test_declined_and_cancelled_legs_free_their_time(status: LegStatus) -> None:
    existing = [leg(id="a", window=span(0, 60), vehicle_id="v1", status=status)]
    new = leg(id="b", window=span(0, 60), vehicle_id="v1")
    check_carrier_free(new, existing)
    check_vehicle_free(new, existing)


def test_failed_leg_still_holds_its_carrier() -> None:
    existing = [leg(id="a", window=span(0, 60), status=LegStatus.FAILED)]
    with pytest.raises(CarrierOverlap):
        check_carrier_free(leg(id="b", window=span(0, 60)), existing)


def test_vehicle_overlap() -> None:
    existing = [leg(id="a", window=span(0, 60), vehicle_id="v1", carrier_id="m1")]
    with pytest.raises(VehicleOverlap) as caught:
        check_vehicle_free(
            leg(id="b", window=span(10, 20), vehicle_id="v1", carrier_id="m2"), existing
        )
    assert caught.value.code == "vehicle.overlap"
    check_vehicle_free(leg(id="b", window=span(10, 20), vehicle_id="v2"), existing)
    # Two guides on foot share no vehicle.
    check_vehicle_free(leg(id="b", window=span(10, 20), carrier_id="m2"), [leg(id="a")])


def test_beds_counted_at_each_moment_not_over_the_whole_stay() -> None:
    home = house(beds=4)
    stays = [
        stay(id="x", interval=span(0, 100), beds=2),
        stay(id="y", interval=span(100, 200), beds=2),
    ]
    # 2 + 2 at every moment of [50, 150), never the 2 + 2 + 2 a naive sum would give.
    check_beds(home, stays, stay(id="n", interval=span(50, 150), beds=2))
    with pytest.raises(BedsOverbooked) as caught:
        check_beds(home, stays, stay(id="n", interval=span(50, 150), beds=3))
    assert caught.value.code == "safe_house.beds_overbooked"


def test_beds_ignore_other_houses_cancelled_and_the_stay_itself() -> None:
    home = house(beds=2)
    stays = [
        stay(id="other-house", safe_house_id="h2", beds=2),
        stay(id="gone", beds=2, status=StayStatus.CANCELLED),
        stay(id="n", beds=2),
    ]
    check_beds(home, stays, stay(id="n", beds=2))


def test_an_ended_stay_frees_beds_from_when_the_party_left() -> None:
    home = house(beds=2)
    left_early = stay(id="x", beds=2, status=StayStatus.ENDED, started_at=at(0), ended_at=at(100))
    check_beds(home, [left_early], stay(id="n", interval=span(100, 300), beds=2))
    with pytest.raises(BedsOverbooked):
        check_beds(home, [left_early], stay(id="n", interval=span(99, 300), beds=2))
    ended_before_start = stay(
        id="y", interval=span(50, 60), status=StayStatus.ENDED, started_at=at(50), ended_at=at(40)
    )
    assert ended_before_start.holds() is None


def test_a_cancelled_new_stay_needs_no_beds() -> None:
    check_beds(house(beds=1), [stay(id="x", beds=1)], stay(id="n", status=StayStatus.CANCELLED))


def test_beds_for_another_house_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="another safe house"):
        check_beds(house(id="h1"), [], stay(safe_house_id="h2"))


@pytest.mark.parametrize(
    ("status", "error"),
    [(SafeHouseStatus.COMPROMISED, SafeHouseCompromised), (SafeHouseStatus.FULL, SafeHouseFull)],
)
def test_a_compromised_or_full_house_receives_nobody(
    status: SafeHouseStatus, error: type[DomainError]
) -> None:
    with pytest.raises(error):
        check_beds(house(beds=100, status=status), [], stay(beds=1))


# --- properties --------------------------------------------------------------------------

# Whole hours in one day, so that touching and identical intervals come up often.
minutes = st.integers(min_value=0, max_value=24).map(lambda h: h * 60)
durations = st.integers(min_value=1, max_value=8).map(lambda h: h * 60)


@st.composite
def stay_requests(draw: st.DrawFn) -> list[Stay]:
    count = draw(st.integers(min_value=1, max_value=25))
    out = []
    for i in range(count):
        start = draw(minutes)
        out.append(
            stay(
                id=f"s{i}",
                interval=span(start, start + draw(durations)),
                beds=draw(st.integers(min_value=1, max_value=5)),
                status=draw(st.sampled_from([StayStatus.PLANNED, StayStatus.CANCELLED])),
            )
        )
    return out


def _occupied_at(stays: list[Stay], moment: dt.datetime) -> int:
    total = 0
    for s in stays:
        held = s.holds()
        if held is not None and held.start <= moment < held.end:
            total += s.beds
    return total


@given(requests=stay_requests(), beds=st.integers(min_value=1, max_value=8))
def test_accepted_stays_never_overbook_any_moment(requests: list[Stay], beds: int) -> None:
    home = house(beds=beds)
    accepted: list[Stay] = []
    for request in requests:
        try:
            check_beds(home, accepted, request)
        except BedsOverbooked:
            # The rule may only refuse what really would overbook some moment.
            held = request.holds()
            assert held is not None
            moments = [held.start] + [
                b
                for s in accepted
                if (h := s.holds())
                for b in (h.start, h.end)
                if held.start <= b < held.end
            ]
            assert any(_occupied_at([*accepted, request], m) > beds for m in moments)
            continue
        accepted.append(request)
    # Occupancy only changes at a start, so checking every start checks every moment.
    starts = {h.start for s in accepted if (h := s.holds())}
    for moment in starts:
        assert _occupied_at(accepted, moment) <= beds


@st.composite
def leg_requests(draw: st.DrawFn) -> list[Leg]:
    count = draw(st.integers(min_value=1, max_value=25))
    out = []
    for i in range(count):
        start = draw(minutes)
        out.append(
            leg(
                id=f"l{i}",
                window=span(start, start + draw(durations)),
                carrier_id=draw(st.sampled_from(["m1", "m2", "m3"])),
                vehicle_id=draw(st.sampled_from([None, "v1", "v2"])),
                status=draw(st.sampled_from(list(LegStatus))),
            )
        )
    return out


@given(requests=leg_requests())
def test_accepted_legs_never_overlap_for_a_carrier_or_vehicle(requests: list[Leg]) -> None:
    accepted: list[Leg] = []
    for request in requests:
        try:
            check_carrier_free(request, accepted)
            check_vehicle_free(request, accepted)
        except (CarrierOverlap, VehicleOverlap):
            # Refused only for a real clash with an accepted leg that holds its time.
            assert any(
                _share_a_minute(request, x)
                and (
                    x.carrier_id == request.carrier_id
                    or (x.vehicle_id is not None and x.vehicle_id == request.vehicle_id)
                )
                for x in accepted
                if x.holds_time
            )
            continue
        accepted.append(request)
    holding = [x for x in accepted if x.holds_time]
    for a, b in itertools.combinations(holding, 2):
        if _share_a_minute(a, b):
            assert a.carrier_id != b.carrier_id
            assert a.vehicle_id is None or a.vehicle_id != b.vehicle_id


def _m(moment: dt.datetime) -> int:
    return int((moment - at(0)).total_seconds() // 60)


def _share_a_minute(a: Leg, b: Leg) -> bool:
    """Brute force over the minutes both windows span, not the Interval.overlaps rule."""
    minutes_a = set(range(_m(a.window.start), _m(a.window.end)))
    return bool(minutes_a & set(range(_m(b.window.start), _m(b.window.end))))

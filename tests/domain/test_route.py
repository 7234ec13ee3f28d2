"""Places, segments, vehicles, and whether a leg may travel its segment."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.domain.errors import (
    InvalidValue,
    LegOffSegment,
    NotADriver,
    SegmentClosed,
    VehicleWrongMode,
)
from safepassage.domain.journey import check_leg_route
from safepassage.domain.place import (
    Place,
    PlaceKind,
    Segment,
    SegmentMode,
    SegmentStatus,
    check_segment_open,
    set_segment_status,
)
from safepassage.domain.vehicle import VehicleMode, check_vehicle_mode

from .factories import leg, vehicle

HOUR = dt.timedelta(hours=1)


def segment(**fields: object) -> Segment:
    defaults: dict[str, object] = {
        "id": "s1",
        "from_place_id": "p1",
        "to_place_id": "p2",
        "mode": SegmentMode.ROAD,
        "typical_duration": HOUR,
    }
    return Segment(**{**defaults, **fields})  # type: ignore[arg-type]


def test_place() -> None:
    p = Place("p", "ferry steps", PlaceKind.CROSSING)
    assert "ferry" not in repr(p)
    with pytest.raises(InvalidValue):
        Place("p", "")


def test_segment_invariants() -> None:
    with pytest.raises(InvalidValue):
        segment(to_place_id="p1")
    with pytest.raises(InvalidValue):
        segment(typical_duration=dt.timedelta(0))


def test_closed_segment_carries_nobody_and_can_reopen() -> None:
    s = segment()
    check_segment_open(s)
    closed = set_segment_status(s, SegmentStatus.CLOSED)
    with pytest.raises(SegmentClosed) as caught:
        check_segment_open(closed)
    assert caught.value.code == "segment.closed"
    check_segment_open(set_segment_status(closed, SegmentStatus.OPEN))


def test_vehicle_seats_must_be_positive() -> None:
    with pytest.raises(InvalidValue):
        vehicle(seats=0)


@pytest.mark.parametrize(
    ("vehicle_mode", "segment_mode", "ok"),
    [
        (VehicleMode.ROAD, SegmentMode.ROAD, True),
        (VehicleMode.BOAT, SegmentMode.BOAT, True),
        (VehicleMode.ROAD, SegmentMode.BOAT, False),
        (VehicleMode.BOAT, SegmentMode.ROAD, False),
        (VehicleMode.ROAD, SegmentMode.FOOT, False),
        (None, SegmentMode.FOOT, True),
        (None, SegmentMode.ROAD, False),
        (None, SegmentMode.BOAT, False),
    ],
)
def test_vehicle_mode(
    vehicle_mode: VehicleMode | None, segment_mode: SegmentMode, ok: bool
) -> None:
    car = None if vehicle_mode is None else vehicle(mode=vehicle_mode)
    if ok:
        check_vehicle_mode(car, segment_mode)
    else:
        with pytest.raises(VehicleWrongMode):
            check_vehicle_mode(car, segment_mode)


def test_leg_route() -> None:
    check_leg_route(leg(vehicle_id="v1"), segment(), vehicle())
    check_leg_route(leg(), segment(mode=SegmentMode.FOOT), None)
    with pytest.raises(LegOffSegment):
        check_leg_route(leg(to_place_id="p3"), segment(), vehicle())
    with pytest.raises(LegOffSegment):
        # A segment is directed: the way back is another segment.
        check_leg_route(leg(from_place_id="p2", to_place_id="p1"), segment(), vehicle())
    with pytest.raises(SegmentClosed):
        check_leg_route(leg(), segment(status=SegmentStatus.CLOSED), vehicle())
    with pytest.raises(NotADriver) as caught:
        check_leg_route(leg(carrier_id="m9"), segment(), vehicle())
    assert caught.value.code == "vehicle.not_a_driver"
    with pytest.raises(ValueError, match="segment given"):
        check_leg_route(leg(segment_id="s9"), segment(), vehicle())

"""Journeys, legs and stays, their state machines, and the rules that keep a plan sound.

A journey is the plan for one case: an ordered chain of legs, with stays in safe houses
between them. A leg moves the party from one place to the next in a time window, with a
carrier (driver or guide), perhaps a vehicle, and a recognition phrase for the handoff.

    leg:  planned -> dispatched -> accepted -> picked_up -> delivered
          plus declined (by the carrier), failed, cancelled
    stay: planned -> active -> ended, plus cancelled
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from safepassage.domain.errors import (
    CarrierOverlap,
    InvalidValue,
    JourneyEmpty,
    JourneyNotChained,
    LegIllegalTransition,
    LegOffSegment,
    StayIllegalTransition,
    VehicleOverlap,
)
from safepassage.domain.interval import Interval, require_utc
from safepassage.domain.place import Segment, check_segment_open
from safepassage.domain.transitions import check_transition
from safepassage.domain.vehicle import Vehicle, check_driver, check_seats, check_vehicle_mode


@dataclass(frozen=True, slots=True)
class Journey:
    """The plan for one case. Its legs and stays are records of their own, linked by id."""

    id: str
    case_id: str
    leg_ids: tuple[str, ...]
    stay_ids: tuple[str, ...] = ()


class LegStatus(StrEnum):
    PLANNED = "planned"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    DECLINED = "declined"
    FAILED = "failed"
    CANCELLED = "cancelled"


L = LegStatus
LEG_TRANSITIONS: dict[LegStatus, frozenset[LegStatus]] = {
    L.PLANNED: frozenset({L.DISPATCHED, L.CANCELLED}),
    L.DISPATCHED: frozenset({L.ACCEPTED, L.DECLINED, L.CANCELLED}),
    # Failed: the carrier did not show, or something went wrong on the way.
    L.ACCEPTED: frozenset({L.PICKED_UP, L.FAILED, L.CANCELLED}),
    # Once the party is aboard the leg cannot be cancelled, only finished or failed.
    L.PICKED_UP: frozenset({L.DELIVERED, L.FAILED}),
    # A declined leg is replaced by a new one, so a carrier's "no" stays on record.
    L.DECLINED: frozenset(),
    L.DELIVERED: frozenset(),
    L.FAILED: frozenset(),
    L.CANCELLED: frozenset(),
}
# Legs in these statuses hold their carrier's and vehicle's time. A failed leg keeps
# holding it: the carrier and vehicle may be in trouble, not free for another party.
LEG_HOLDS_TIME = frozenset(
    {L.PLANNED, L.DISPATCHED, L.ACCEPTED, L.PICKED_UP, L.DELIVERED, L.FAILED}
)
# Legs that still belong to the journey's chain.
LEG_IN_CHAIN = frozenset({L.PLANNED, L.DISPATCHED, L.ACCEPTED, L.PICKED_UP, L.DELIVERED})
del L


@dataclass(frozen=True, slots=True)
class Leg:
    """One step of a journey. The phrase is a secret: it never appears in a repr."""

    id: str
    journey_id: str
    case_id: str
    from_place_id: str
    to_place_id: str
    window: Interval
    carrier_id: str
    segment_id: str
    vehicle_id: str | None = None
    phrase: str = field(default="", repr=False)
    status: LegStatus = LegStatus.PLANNED
    status_since: dt.datetime | None = None
    picked_up_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    failed_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.from_place_id == self.to_place_id:
            raise InvalidValue("to_place_id")
        for name in ("status_since", "picked_up_at", "delivered_at", "failed_at"):
            moment = getattr(self, name)
            if moment is not None:
                require_utc(moment, name)

    @property
    def holds_time(self) -> bool:
        return self.status in LEG_HOLDS_TIME


def transition_leg(leg: Leg, to: LegStatus, at: dt.datetime) -> Leg:
    """The leg in status `to`, stamped; or LegIllegalTransition (the leg is unchanged)."""
    require_utc(at, "at")
    check_transition(LEG_TRANSITIONS, leg.status, to, LegIllegalTransition)
    moved = dataclasses.replace(leg, status=to, status_since=at)
    if to is LegStatus.PICKED_UP:
        return dataclasses.replace(moved, picked_up_at=at)
    if to is LegStatus.DELIVERED:
        return dataclasses.replace(moved, delivered_at=at)
    if to is LegStatus.FAILED:
        return dataclasses.replace(moved, failed_at=at)
    return moved


def check_leg_capacity(leg: Leg, party_size: int, vehicle: Vehicle | None) -> None:
    """No seat overbooking: the whole party fits in the leg's vehicle. A leg on foot has
    no seats to overbook."""
    if vehicle is None:
        if leg.vehicle_id is not None:
            raise ValueError("the leg's vehicle was not given")
        return
    if vehicle.id != leg.vehicle_id:
        raise ValueError("the vehicle given is not the leg's vehicle")
    check_seats(vehicle, party_size)


def check_leg_route(leg: Leg, segment: Segment, vehicle: Vehicle | None) -> None:
    """The leg follows its open segment, in a vehicle that can travel it, driven by one
    of its own drivers."""
    if segment.id != leg.segment_id:
        raise ValueError("the segment given is not the leg's segment")
    if (segment.from_place_id, segment.to_place_id) != (leg.from_place_id, leg.to_place_id):
        raise LegOffSegment
    check_segment_open(segment)
    check_vehicle_mode(vehicle, segment.mode)
    if vehicle is not None:
        check_driver(vehicle, leg.carrier_id)


def _clashes(new_leg: Leg, existing: Iterable[Leg], same: str) -> bool:
    for leg in existing:
        if leg.id == new_leg.id or not leg.holds_time:
            continue
        if getattr(leg, same) == getattr(new_leg, same) and leg.window.overlaps(new_leg.window):
            return True
    return False


def check_carrier_free(new_leg: Leg, existing_legs: Iterable[Leg]) -> None:
    """No overlapping legs for one carrier (windows are half-open: back to back is fine)."""
    if _clashes(new_leg, existing_legs, "carrier_id"):
        raise CarrierOverlap


def check_vehicle_free(new_leg: Leg, existing_legs: Iterable[Leg]) -> None:
    """No overlapping legs for one vehicle."""
    if new_leg.vehicle_id is not None and _clashes(new_leg, existing_legs, "vehicle_id"):
        raise VehicleOverlap


def chain_legs(legs: Iterable[Leg]) -> tuple[Leg, ...]:
    """The legs still in a journey's chain (declined, failed, cancelled ones drop out),
    in the order given."""
    return tuple(leg for leg in legs if leg.status in LEG_IN_CHAIN)


def check_journey_chain(
    legs: Sequence[Leg], origin_place_id: str | None = None, destination_place_id: str | None = None
) -> None:
    """The legs, in order, chain place to place and time to time: each leg starts where the
    one before it ends, and not before that one's window ends. Optionally the chain starts
    at the origin and ends at the destination."""
    if not legs:
        raise JourneyEmpty
    if len({(leg.journey_id, leg.case_id) for leg in legs}) != 1:
        raise ValueError("the legs belong to different journeys")
    for before, after in itertools.pairwise(legs):
        if before.to_place_id != after.from_place_id:
            raise JourneyNotChained
        if after.window.start < before.window.end:
            raise JourneyNotChained
    if origin_place_id is not None and legs[0].from_place_id != origin_place_id:
        raise JourneyNotChained
    if destination_place_id is not None and legs[-1].to_place_id != destination_place_id:
        raise JourneyNotChained


class StayStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


STAY_TRANSITIONS: dict[StayStatus, frozenset[StayStatus]] = {
    StayStatus.PLANNED: frozenset({StayStatus.ACTIVE, StayStatus.CANCELLED}),
    StayStatus.ACTIVE: frozenset({StayStatus.ENDED}),
    StayStatus.ENDED: frozenset(),
    StayStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Stay:
    """A party's time in a safe house. `interval` is the booking; `beds` = party size."""

    id: str
    case_id: str
    safe_house_id: str
    host_id: str
    interval: Interval
    beds: int
    status: StayStatus = StayStatus.PLANNED
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.beds < 1:
            raise InvalidValue("beds")
        for name in ("started_at", "ended_at"):
            moment = getattr(self, name)
            if moment is not None:
                require_utc(moment, name)

    def holds(self) -> Interval | None:
        """The interval during which this stay holds beds, if any.

        A booking holds its interval; an ended stay holds until it ended (a party that left
        early frees the bed, one that overstayed held it); a cancelled one holds nothing.
        """
        if self.status is StayStatus.CANCELLED:
            return None
        if self.status is StayStatus.ENDED:
            assert self.ended_at is not None
            start = min(self.interval.start, self.started_at or self.interval.start)
            if self.ended_at <= start:
                return None
            return Interval(start, self.ended_at)
        return self.interval


def transition_stay(stay: Stay, to: StayStatus, at: dt.datetime) -> Stay:
    """The stay in status `to`, stamped; or StayIllegalTransition (the stay is unchanged)."""
    require_utc(at, "at")
    check_transition(STAY_TRANSITIONS, stay.status, to, StayIllegalTransition)
    if to is StayStatus.ACTIVE:
        return dataclasses.replace(stay, status=to, started_at=at)
    if to is StayStatus.ENDED:
        return dataclasses.replace(stay, status=to, ended_at=at)
    return dataclasses.replace(stay, status=to)

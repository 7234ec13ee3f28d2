"""Small builders for domain objects: every field has a dull default, tests name what matters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safepassage.domain.case import Case, Urgency
from safepassage.domain.interval import Interval
from safepassage.domain.journey import Leg, Stay
from safepassage.domain.member import Member, Role
from safepassage.domain.safe_house import SafeHouse
from safepassage.domain.vehicle import Vehicle

T0 = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    """A moment `minutes` after T0."""
    return T0 + dt.timedelta(minutes=minutes)


def span(start: float, end: float) -> Interval:
    return Interval(at(start), at(end))


def case(**fields: Any) -> Case:
    defaults: dict[str, Any] = {
        "id": "c1",
        "party_size": 2,
        "urgency": Urgency.URGENT,
        "language": "my",
        "origin_area": "north district",
        "created_at": T0,
    }
    return Case(**{**defaults, **fields})


def leg(**fields: Any) -> Leg:
    defaults: dict[str, Any] = {
        "id": "l1",
        "journey_id": "j1",
        "case_id": "c1",
        "from_place_id": "p1",
        "to_place_id": "p2",
        "window": span(0, 60),
        "carrier_id": "m1",
        "segment_id": "s1",
        "vehicle_id": None,
        "phrase": "blue river calm stone",
    }
    return Leg(**{**defaults, **fields})


def stay(**fields: Any) -> Stay:
    defaults: dict[str, Any] = {
        "id": "st1",
        "case_id": "c1",
        "safe_house_id": "h1",
        "host_id": "host",
        "interval": span(0, 600),
        "beds": 2,
    }
    return Stay(**{**defaults, **fields})


def house(**fields: Any) -> SafeHouse:
    defaults: dict[str, Any] = {"id": "h1", "place_id": "p2", "host_id": "host", "beds": 4}
    return SafeHouse(**{**defaults, **fields})


def vehicle(**fields: Any) -> Vehicle:
    defaults: dict[str, Any] = {
        "id": "v1",
        "seats": 4,
        "base_place_id": "p1",
        "driver_ids": frozenset({"m1"}),
    }
    return Vehicle(**{**defaults, **fields})


def member(**fields: Any) -> Member:
    defaults: dict[str, Any] = {
        "id": "m1",
        "codename": "heron",
        "roles": frozenset({Role.DRIVER}),
        "cell_ids": ("cell-a",),
    }
    return Member(**{**defaults, **fields})

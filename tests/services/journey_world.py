"""A small route network on top of `net` for journey, handoff, stay and custody tests.

North: places Ford -> Bridge -> Haven (road), and a foot path Bridge -> Hill; drivers Otter
(van, 4 seats) and Badger (jeep, 3 seats), guide Stoat, host Finch (a house of 4 beds at
Haven). South has its own coordinator Kestrel and nothing else. Times are hours after
the fake clock's start (06:00 UTC).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from safepassage.domain.case import Urgency
from safepassage.domain.interval import Interval
from safepassage.domain.journey import Leg, Stay
from safepassage.domain.member import Role
from safepassage.domain.place import PlaceKind, SegmentMode
from safepassage.services import cases, places, safe_houses, vehicles
from safepassage.services.access import access_leg_for_member, access_stay_for_member
from safepassage.services.journeys import LegPlan, StayPlan
from safepassage.services.members import Session
from safepassage.services.records import Records

from .conftest import START, Net


def at(hours: float) -> dt.datetime:
    return START + dt.timedelta(hours=hours)


def span(start: float, end: float) -> Interval:
    return Interval(at(start), at(end))


@dataclass
class World:
    net: Net
    places: dict[str, str] = field(default_factory=dict)
    segments: dict[str, str] = field(default_factory=dict)
    vans: dict[str, str] = field(default_factory=dict)
    house: str = ""

    @property
    def cell(self) -> str:
        return self.net.cells["north"]

    def member(self, codename: str) -> str:
        return self.net.ids[codename]

    def heron(self) -> Session:
        return self.net.login("Heron")

    def case(self, party_size: int = 2) -> str:
        heron = self.heron()
        case_id = cases.submit_case(
            self.net.ctx, heron, self.cell, party_size, Urgency.URGENT, "my", "a district"
        )
        cases.vet_case(self.net.ctx, heron, case_id)
        return case_id

    def first(self, start: float = 2, end: float = 4, carrier: str = "Otter") -> LegPlan:
        """Ford -> Bridge in the carrier's vehicle."""
        van = self.vans[carrier]
        return LegPlan(self.segments["ford-bridge"], self.member(carrier), span(start, end), van)

    def second(self, start: float = 4, end: float = 6, carrier: str = "Badger") -> LegPlan:
        """Bridge -> Haven in the carrier's vehicle."""
        van = self.vans[carrier]
        return LegPlan(self.segments["bridge-haven"], self.member(carrier), span(start, end), van)

    def stay(self, start: float = 6, end: float = 30) -> StayPlan:
        return StayPlan(self.house, span(start, end))

    def leg(self, leg_id: str) -> Leg:
        """The leg as its cell's coordinator reads it now."""
        return access_leg_for_member(self.net.ctx, self.heron(), leg_id)

    def stay_record(self, stay_id: str) -> Stay:
        return access_stay_for_member(self.net.ctx, self.heron(), stay_id)

    def header_of(self, record_id: str) -> object:
        return Records(self.net.ctx.vault).header(record_id)


def build_world(net: Net) -> World:
    world = World(net)
    ctx, cell = net.ctx, net.cells["north"]
    for codename, role in (
        ("Otter", Role.DRIVER),
        ("Badger", Role.DRIVER),
        ("Stoat", Role.GUIDE),
        ("Finch", Role.HOST),
    ):
        net.invite("Heron", codename, {role}, "north")
    heron = net.login("Heron")
    for name, kind in (
        ("Ford", PlaceKind.TOWN),
        ("Bridge", PlaceKind.HANDOFF_POINT),
        ("Haven", PlaceKind.SAFE_HOUSE),
        ("Hill", PlaceKind.CROSSING),
    ):
        world.places[name] = places.add_place(ctx, heron, cell, name, kind)
    hour = dt.timedelta(hours=1)
    for key, a, b, mode in (
        ("ford-bridge", "Ford", "Bridge", SegmentMode.ROAD),
        ("bridge-haven", "Bridge", "Haven", SegmentMode.ROAD),
        ("bridge-hill", "Bridge", "Hill", SegmentMode.FOOT),
    ):
        world.segments[key] = places.add_segment(
            ctx, heron, cell, world.places[a], world.places[b], mode, hour
        )
    for driver, seats in (("Otter", 4), ("Badger", 3)):
        world.vans[driver] = vehicles.add_vehicle(
            ctx, heron, cell, seats, world.places["Ford"], [net.ids[driver]]
        )
    world.house = safe_houses.add_safe_house(
        ctx, heron, cell, world.places["Haven"], net.ids["Finch"], 4
    )
    return world

"""A seeded scenario: a fictional river border, three cells, their people and places.

Pure data, no I/O: the same seed gives the same network. The countries (Varnia to the
west, Olmesh to the east), the river Sabel and every name are invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field

from safepassage.domain.case import Need, Urgency
from safepassage.domain.member import HandleKind, Role
from safepassage.domain.place import PlaceKind, SegmentMode
from safepassage.domain.safe_house import Attribute
from safepassage.domain.vehicle import VehicleMode

WEST, EAST = "VA", "OL"  # invented ISO-like codes for the SIMs of the two countries

TOWNS = ["Keshet", "Marrow Ford", "Tallin Rise", "Obrek", "Saltpine", "Vell", "Duran Hollow"]
CROSSINGS = ["Lower Ferry", "Reed Landing", "Heron Shoals"]
FAR_TOWNS = ["Amsel", "Corrin", "Pell Harbour"]
HOUSE_STREETS = ["Tamarind Lane", "Orchard Row", "Cistern Yard", "Mill Street", "Lantern Walk"]
GIVEN = ["Aye", "Min", "Thida", "Zaw", "Nilar", "Kyaw", "Hnin", "Soe", "Mya", "Tun", "Ei", "Lwin"]
FAMILY = ["Khin", "Htet", "Naing", "Oo", "Win", "Moe", "Thant", "Lay", "Myint", "Aung"]
LANGUAGES = ["my", "my", "my", "en", "hi"]
AREAS = ["Keshet district", "Obrek hills", "Vell valley", "Saltpine coast", "Duran uplands"]
CODENAMES = [
    "Heron", "Kestrel", "Osprey", "Otter", "Marten", "Badger", "Wren", "Finch", "Lark",
    "Sable", "Ibis", "Plover", "Egret", "Stoat", "Teal",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class PersonPlan:
    codename: str
    roles: frozenset[Role]
    handles: tuple[tuple[HandleKind, str, str | None], ...]  # kind, address, SIM country


@dataclass(frozen=True, slots=True)
class HousePlan:
    street: str
    town: str
    host: str  # codename
    beds: int
    attributes: frozenset[Attribute]


@dataclass(frozen=True, slots=True)
class CasePlan:
    party_name: str  # what the traveller's contact calls them: lives only in the case body
    party_size: int
    urgency: Urgency
    language: str
    origin_area: str
    needs: frozenset[Need]
    contact_phone: str


@dataclass(frozen=True, slots=True)
class CellPlan:
    name: str
    coordinator: PersonPlan
    people: tuple[PersonPlan, ...]
    town: str  # where its parties are picked up, on the west bank
    crossing: str  # its river crossing, landing on the east bank
    far_town: str  # its east-bank town
    houses: tuple[HousePlan, ...]
    jeep_seats: int
    boat_seats: int
    cases: tuple[CasePlan, ...] = field(default=())
    foot_leg: bool = False  # the east-bank leg is walked with a guide instead of landing


@dataclass(frozen=True, slots=True)
class Scenario:
    seed: int
    start: dt.datetime
    cells: tuple[CellPlan, ...]

    @property
    def case_count(self) -> int:
        return sum(len(cell.cases) for cell in self.cells)

    @property
    def member_count(self) -> int:
        return sum(1 + len(cell.people) for cell in self.cells)


def _phone(rng: random.Random, country: str) -> str:
    prefix = "+95" if country == WEST else "+91"  # shaped like real numbers, all invented
    return prefix + "".join(rng.choice("0123456789") for _ in range(9))


def _person(rng: random.Random, codename: str, roles: set[Role]) -> PersonPlan:
    handles: list[tuple[HandleKind, str, str | None]] = [
        (HandleKind.SMS, _phone(rng, WEST), WEST),
        (HandleKind.SMS, _phone(rng, EAST), EAST),
    ]
    messenger = rng.choice([HandleKind.MATRIX, HandleKind.SIGNAL, HandleKind.TELEGRAM])
    if messenger is HandleKind.MATRIX:
        handles.append((messenger, f"@{codename.lower()}:sabel.example", None))
    elif messenger is HandleKind.SIGNAL:
        handles.append((messenger, _phone(rng, EAST), None))
    else:
        handles.append((messenger, str(rng.randrange(10**8, 10**10)), None))
    return PersonPlan(codename, frozenset(roles), tuple(handles))


def _case(rng: random.Random) -> CasePlan:
    size = rng.choice([1, 1, 2, 2, 3, 4])
    needs: set[Need] = set()
    if rng.random() < 0.2:
        needs.add(Need.WOMEN_CHILDREN_ONLY)
    if rng.random() < 0.15:
        needs.add(Need.MEDICAL)
    urgency = rng.choices(list(Urgency), weights=[5, 3, 1])[0]
    return CasePlan(
        party_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
        party_size=size,
        urgency=urgency,
        language=rng.choice(LANGUAGES),
        origin_area=rng.choice(AREAS),
        needs=frozenset(needs),
        contact_phone=_phone(rng, WEST),
    )


def generate(seed: int = 7, cases: int = 40) -> Scenario:
    """Three cells of five volunteers, five safe houses, six vehicles and `cases` requests."""
    rng = random.Random(seed)  # noqa: S311 - invented data, reproducible by seed
    names = iter(CODENAMES)
    streets = iter(HOUSE_STREETS)
    towns = rng.sample(TOWNS, 3)
    cells = []
    layout = [(2, False), (2, False), (1, True)]  # (hosts, east-bank leg on foot)
    for index, (hosts, foot) in enumerate(layout):
        coordinator = _person(rng, next(names), {Role.COORDINATOR})
        people = [
            _person(rng, next(names), {Role.DRIVER}),
            _person(rng, next(names), {Role.GUIDE}),  # the boatman
        ]
        if foot:
            people.append(_person(rng, next(names), {Role.GUIDE}))
        host_people = [_person(rng, next(names), {Role.HOST}) for _ in range(hosts)]
        houses = tuple(
            HousePlan(
                street=f"{rng.randrange(2, 60)} {next(streets)}",
                town=FAR_TOWNS[index],
                host=host.codename,
                beds=rng.choice([4, 6, 8]),
                attributes=frozenset(
                    {Attribute.WOMEN_CHILDREN_ONLY}
                    if i == 1
                    else {Attribute.MEDICAL}
                    if index == 0
                    else set()
                ),
            )
            for i, host in enumerate(host_people)
        )
        cells.append(
            CellPlan(
                name=f"{CROSSINGS[index]} line",
                coordinator=coordinator,
                people=(*people, *host_people),
                town=towns[index],
                crossing=CROSSINGS[index],
                far_town=FAR_TOWNS[index],
                houses=houses,
                jeep_seats=rng.choice([4, 5, 6]),
                boat_seats=6,
                foot_leg=foot,
            )
        )
    per_cell = [cases // 3 + (1 if i < cases % 3 else 0) for i in range(3)]
    cells = [
        dataclasses.replace(cell, cases=tuple(_case(rng) for _ in range(n)))
        for cell, n in zip(cells, per_cell, strict=True)
    ]
    start = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)
    return Scenario(seed=seed, start=start, cells=tuple(cells))


# Route shape shared by every cell: pickup town -> crossing (road) -> far bank (boat).
ROAD = (SegmentMode.ROAD, dt.timedelta(hours=2))
BOAT = (SegmentMode.BOAT, dt.timedelta(minutes=40))
FOOT = (SegmentMode.FOOT, dt.timedelta(hours=1, minutes=30))
PLACE_KINDS = {
    "town": PlaceKind.TOWN,
    "crossing": PlaceKind.CROSSING,
    "landing": PlaceKind.HANDOFF_POINT,
    "house": PlaceKind.SAFE_HOUSE,
}
VEHICLE_MODES = {"jeep": VehicleMode.ROAD, "boat": VehicleMode.BOAT}

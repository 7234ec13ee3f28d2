"""Safe houses: beds, a host, attributes, and a status (open, full, compromised).

A compromised house receives nobody, ever again: the mark is final, because a house that
was found cannot be known to be unfound. If it is truly safe later, it is entered anew.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from safepassage.domain.case import Need
from safepassage.domain.errors import (
    BedsOverbooked,
    InvalidValue,
    SafeHouseCompromised,
    SafeHouseFull,
    SafeHouseIllegalTransition,
    SafeHouseNeedsUnmet,
)
from safepassage.domain.interval import peak_load
from safepassage.domain.journey import Stay
from safepassage.domain.transitions import check_transition


class SafeHouseStatus(StrEnum):
    OPEN = "open"
    # Set by the host: no new guests, whatever the bed count says.
    FULL = "full"
    COMPROMISED = "compromised"


class Attribute(StrEnum):
    WOMEN_CHILDREN_ONLY = "women_children_only"
    MEDICAL = "medical"
    ACCESSIBILITY = "accessibility"


SAFE_HOUSE_TRANSITIONS: dict[SafeHouseStatus, frozenset[SafeHouseStatus]] = {
    SafeHouseStatus.OPEN: frozenset({SafeHouseStatus.FULL, SafeHouseStatus.COMPROMISED}),
    SafeHouseStatus.FULL: frozenset({SafeHouseStatus.OPEN, SafeHouseStatus.COMPROMISED}),
    SafeHouseStatus.COMPROMISED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class SafeHouse:
    id: str
    place_id: str
    host_id: str
    beds: int
    attributes: frozenset[Attribute] = frozenset()
    status: SafeHouseStatus = SafeHouseStatus.OPEN

    def __post_init__(self) -> None:
        if self.beds < 1:
            raise InvalidValue("beds")


def transition(house: SafeHouse, to: SafeHouseStatus) -> SafeHouse:
    check_transition(SAFE_HOUSE_TRANSITIONS, house.status, to, SafeHouseIllegalTransition)
    return dataclasses.replace(house, status=to)


def mark_compromised(house: SafeHouse) -> SafeHouse:
    """Compromised from open or full; marking it twice is refused so a caller notices."""
    return transition(house, SafeHouseStatus.COMPROMISED)


def check_receives(house: SafeHouse) -> None:
    """Only an open house takes new guests; a compromised one takes nobody."""
    if house.status is SafeHouseStatus.COMPROMISED:
        raise SafeHouseCompromised
    if house.status is SafeHouseStatus.FULL:
        raise SafeHouseFull


# Which house attribute answers which need of a party.
NEED_ATTRIBUTE: dict[Need, Attribute] = {
    Need.WOMEN_CHILDREN_ONLY: Attribute.WOMEN_CHILDREN_ONLY,
    Need.MEDICAL: Attribute.MEDICAL,
    Need.ACCESSIBILITY: Attribute.ACCESSIBILITY,
}


def check_needs(house: SafeHouse, needs: Iterable[Need]) -> None:
    """Every need of the party (women/children only, medical, accessibility) is met."""
    wanted = {NEED_ATTRIBUTE[n] for n in needs}
    if not wanted <= house.attributes:
        raise SafeHouseNeedsUnmet


def check_beds(house: SafeHouse, stays: Iterable[Stay], new_stay: Stay) -> None:
    """Beds are never overbooked: at every moment of the new stay, the beds held by this
    house's other stays plus the new one fit in the house. Also refuses a house that
    receives nobody."""
    if new_stay.safe_house_id != house.id:
        raise ValueError("the new stay is for another safe house")
    check_receives(house)
    held = new_stay.holds()
    if held is None:
        return
    others = [
        (interval, stay.beds)
        for stay in stays
        if stay.safe_house_id == house.id and stay.id != new_stay.id
        for interval in (stay.holds(),)
        if interval is not None
    ]
    if peak_load(others, held) + new_stay.beds > house.beds:
        raise BedsOverbooked

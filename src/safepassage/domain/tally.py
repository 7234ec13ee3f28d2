"""What lives on of closed operations: counts of people brought to safety, per ISO week and
per route, naming nobody.

A route is the sequence of place kinds a journey passed (`town>crossing>destination`),
never a place's name or id, so a tally says how the network works, not where or whom.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from safepassage.domain.interval import require_utc

# For a party that reached safety without a journey of the network's (contact regained).
UNPLANNED = "unplanned"


def iso_week(moment: dt.datetime) -> str:
    """The ISO week of a moment, as `2026-W48`."""
    require_utc(moment, "moment")
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def route_label(place_kinds: Sequence[str]) -> str:
    """The coarse route of a journey: the kinds of the places it passed, in order, with a
    place repeated back to back kept once."""
    kinds: list[str] = []
    for kind in place_kinds:
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return ">".join(kinds) or UNPLANNED


@dataclass(frozen=True, slots=True)
class Tally:
    """One cell's counts for one week. `counted` holds keyed tags of the cases counted, so
    counting a case twice changes nothing; a tag names nothing once its case is purged."""

    week: str
    people: Mapping[str, int] = field(default_factory=dict)
    cases: Mapping[str, int] = field(default_factory=dict)
    counted: tuple[str, ...] = ()


def add_case(tally: Tally, route: str, party_size: int, tag: str) -> Tally:
    """The tally with one more case of `party_size` people on `route`."""
    if party_size < 1:
        raise ValueError("a party has at least one person")
    if tag in tally.counted:
        return tally
    people = dict(tally.people)
    cases = dict(tally.cases)
    people[route] = people.get(route, 0) + party_size
    cases[route] = cases.get(route, 0) + 1
    return dataclasses.replace(tally, people=people, cases=cases, counted=(*tally.counted, tag))


@dataclass(frozen=True, slots=True)
class TallyRow:
    week: str
    route: str
    people: int
    cases: int


def report_rows(tallies: Iterable[Tally]) -> list[TallyRow]:
    """Rows summed over cells, by week then route."""
    people: dict[tuple[str, str], int] = {}
    cases: dict[tuple[str, str], int] = {}
    for tally in tallies:
        for route, count in tally.people.items():
            people[tally.week, route] = people.get((tally.week, route), 0) + count
        for route, count in tally.cases.items():
            cases[tally.week, route] = cases.get((tally.week, route), 0) + count
    return [
        TallyRow(week, route, people[week, route], cases.get((week, route), 0))
        for week, route in sorted(people)
    ]

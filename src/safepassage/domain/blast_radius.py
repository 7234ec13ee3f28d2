"""The blast radius of a compromised member, and the response it calls for.

When a member is detained or turns, everything they could have read must be treated as
known to whoever holds them now: the records sealed to their own key or to a cell key
they held (`readable`), and what they read or could read earlier (`history`: past task
windows, audited reads). From that the response follows: get parties out of the hands
and houses they knew, re-plan the legs they knew or were to carry, rotate the cells whose
key they held, burn their handles, warn the members they could name.

Pure: the services compute the sets from headers and hand them here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class TaskKind(StrEnum):
    # A party is aboard a leg the compromised member carries: find it first.
    RECOVER_PARTY = "recover_party"
    # People stay, or are booked to stay, in a house the member knew.
    MOVE_OUT = "move_out"
    MARK_HOUSE_COMPROMISED = "mark_house_compromised"
    WARN_PARTY = "warn_party"
    REPLAN_LEG = "replan_leg"
    ROTATE_CELL = "rotate_cell"
    # A duress login: the server did what it can alone; a coordinator must finish it.
    FINISH_REVOCATION = "finish_revocation"
    BURN_HANDLE = "burn_handle"
    WARN_MEMBER = "warn_member"


# Most urgent first: people in the member's hands, then people in places the member knew.
TASK_ORDER = tuple(TaskKind)


@dataclass(frozen=True, slots=True)
class ResponseTask:
    """One thing a coordinator must do. `done` when the report already did it."""

    kind: TaskKind
    target_id: str
    done: bool = False


@dataclass(frozen=True, slots=True)
class Exposure:
    """What the response is derived from (ids of records, by what they mean)."""

    member_id: str
    cases: frozenset[str] = frozenset()
    # Exposed or the member's own, not finished yet: their phrases and times are known.
    live_legs: frozenset[str] = frozenset()
    # Legs the member carries with the party aboard.
    aboard_legs: frozenset[str] = frozenset()
    # Houses the member knew that hold or expect guests.
    occupied_houses: frozenset[str] = frozenset()
    # Houses the member hosted: burned for good.
    hosted_houses: frozenset[str] = frozenset()
    marked_houses: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()
    held_cells: frozenset[str] = frozenset()
    rotated_cells: frozenset[str] = frozenset()
    handles: tuple[str, ...] = ()
    revocation_finished: bool = True


def response_tasks(exposure: Exposure) -> tuple[ResponseTask, ...]:
    """Every task the exposure calls for, most urgent first, each target once."""
    tasks = [ResponseTask(TaskKind.RECOVER_PARTY, leg) for leg in exposure.aboard_legs]
    tasks += [ResponseTask(TaskKind.MOVE_OUT, house) for house in exposure.occupied_houses]
    tasks += [
        ResponseTask(TaskKind.MARK_HOUSE_COMPROMISED, house, house in exposure.marked_houses)
        for house in exposure.hosted_houses
    ]
    tasks += [ResponseTask(TaskKind.WARN_PARTY, case) for case in exposure.cases]
    tasks += [
        ResponseTask(TaskKind.REPLAN_LEG, leg) for leg in exposure.live_legs - exposure.aboard_legs
    ]
    tasks += [
        ResponseTask(TaskKind.ROTATE_CELL, cell, cell in exposure.rotated_cells)
        for cell in exposure.held_cells
    ]
    if not exposure.revocation_finished:
        tasks.append(ResponseTask(TaskKind.FINISH_REVOCATION, exposure.member_id))
    tasks += [ResponseTask(TaskKind.BURN_HANDLE, handle) for handle in exposure.handles]
    tasks += [
        ResponseTask(TaskKind.WARN_MEMBER, member)
        for member in exposure.members - {exposure.member_id}
    ]
    tasks.sort(key=lambda t: (TASK_ORDER.index(t.kind), t.target_id))
    return tuple(tasks)


@dataclass(frozen=True, slots=True)
class BlastRadius:
    """Everything a member could have read, by kind, and the response tasks.

    `readable` were sealed to their keys at `at`; `history` are more records they read or
    could read before (a past task window, an audited read). The other sets are what those
    records mean: every case, leg, stay, safe house, member and place they reveal.
    `names` (codenames, place names) only for the coordinator who asked, never stored.
    """

    member_id: str
    at: dt.datetime
    readable: frozenset[str]
    history: frozenset[str]
    cases: frozenset[str] = frozenset()
    journeys: frozenset[str] = frozenset()
    legs: frozenset[str] = frozenset()
    stays: frozenset[str] = frozenset()
    safe_houses: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    cells: frozenset[str] = frozenset()
    tasks: tuple[ResponseTask, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def records(self) -> frozenset[str]:
        return self.readable | self.history

    def counts(self) -> dict[str, int]:
        return {
            "records": len(self.records),
            "cases": len(self.cases),
            "journeys": len(self.journeys),
            "legs": len(self.legs),
            "stays": len(self.stays),
            "safe_houses": len(self.safe_houses),
            "members": len(self.members),
            "places": len(self.places),
            "cells": len(self.cells),
            "tasks": len(self.tasks),
        }

    def tasks_of(self, kind: TaskKind) -> tuple[str, ...]:
        return tuple(t.target_id for t in self.tasks if t.kind is kind)


def merged(radii: Iterable[BlastRadius], into: BlastRadius) -> BlastRadius:
    """`into` widened by earlier reports about the same member (a duress report, say):
    what was exposed then stays exposed."""
    out = into
    for radius in radii:
        if radius.member_id != into.member_id:
            raise ValueError("radii of different members cannot be merged")
        out = BlastRadius(
            member_id=out.member_id,
            at=out.at,
            readable=out.readable,
            history=(out.history | radius.readable | radius.history) - out.readable,
            cases=out.cases | radius.cases,
            journeys=out.journeys | radius.journeys,
            legs=out.legs | radius.legs,
            stays=out.stays | radius.stays,
            safe_houses=out.safe_houses | radius.safe_houses,
            members=out.members | radius.members,
            places=out.places | radius.places,
            cells=out.cells | radius.cells,
            tasks=out.tasks,
            names=out.names,
        )
    return out

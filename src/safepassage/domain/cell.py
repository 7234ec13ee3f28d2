"""Cells: compartments of members who share knowledge.

Membership is held on the member (`Member.cell_ids`) so a cell record names nobody; who
coordinates a cell is derived from its members' roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from safepassage.domain.errors import InvalidValue
from safepassage.domain.member import Member, Role


@dataclass(frozen=True, slots=True)
class Cell:
    id: str
    name: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidValue("name")


def cell_members(cell_id: str, members: Iterable[Member]) -> tuple[Member, ...]:
    return tuple(m for m in members if cell_id in m.cell_ids)


def cell_coordinators(cell_id: str, members: Iterable[Member]) -> tuple[Member, ...]:
    """The members of a cell who hold the coordinator role."""
    return tuple(m for m in cell_members(cell_id, members) if Role.COORDINATOR in m.roles)


def coordinators(members: Iterable[Member]) -> tuple[Member, ...]:
    """Every coordinator in the network, whatever their cell."""
    return tuple(m for m in members if Role.COORDINATOR in m.roles)

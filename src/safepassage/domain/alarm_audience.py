"""Who an alarm is sealed to at each escalation level, in members and cells.

`alarm.alarm_recipients` names the members to alert. The store seals records to keys, and
a cell's key reaches every coordinator (and dispatcher) of that cell, so the same rule is
stated here in those terms: the member concerned at the carrier level, plus the cells the
alarm belongs to at the cell coordinator level, plus every cell at the top.

A cell with no coordinator other than the member concerned must not swallow an alarm:
then every cell is told at once, as in `alarm_recipients`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from safepassage.domain.alarm import LEVELS, SILENT_KINDS, Alarm, EscalationLevel


@dataclass(frozen=True, slots=True)
class Audience:
    """The members (their own keys) and cells (the cell keys) an alarm is sealed to."""

    members: frozenset[str]
    cells: frozenset[str]


def alarm_audience(
    alarm: Alarm,
    level: EscalationLevel,
    own_cells: Iterable[str],
    coordinators_by_cell: Mapping[str, Collection[str]],
) -> Audience:
    """The audience of `alarm` at `level`.

    `own_cells` are the cells the alarm belongs to (the leg's or stay's cell, the member's
    cells); `coordinators_by_cell` maps every cell of the network to its coordinators' ids.
    Silent alarms (duress, compromise) are never sealed to the member they are about.
    """
    members = frozenset() if alarm.kind in SILENT_KINDS else frozenset({alarm.member_id})
    if level is EscalationLevel.CARRIER:
        return Audience(members, frozenset())
    own = frozenset(own_cells)
    watched = {c for c in own if set(coordinators_by_cell.get(c, ())) - {alarm.member_id}}
    if level is EscalationLevel.ALL_COORDINATORS or not watched:
        return Audience(members, own | frozenset(coordinators_by_cell))
    return Audience(members, own)


def level_rank(level: EscalationLevel) -> int:
    """0 for the carrier, rising with each level: for comparing and sorting levels."""
    return LEVELS.index(level)

"""The alarm audience in cells and members agrees with `alarm_recipients` in members."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safepassage.domain.alarm import LEVELS, Alarm, AlarmKind, EscalationLevel, alarm_recipients
from safepassage.domain.alarm_audience import Audience, alarm_audience, level_rank
from safepassage.domain.cell import cell_coordinators
from safepassage.domain.member import Member, Role

from .factories import at

CELLS = ("a", "b", "c")


def alarm(kind: AlarmKind = AlarmKind.MISSED_CHECKIN, member_id: str = "d1") -> Alarm:
    return Alarm("a1", "c1", kind, member_id, at(0))


def by_cell(team: list[Member]) -> dict[str, set[str]]:
    return {cell: {m.id for m in cell_coordinators(cell, team)} for cell in CELLS}


TEAM = [
    Member("d1", "Otter", frozenset({Role.DRIVER}), ("a",)),
    Member("ca", "Heron", frozenset({Role.COORDINATOR}), ("a",)),
    Member("cb", "Kestrel", frozenset({Role.COORDINATOR}), ("b",)),
    Member("d3", "Lonely", frozenset({Role.DRIVER}), ("c",)),
]


def test_levels_widen_from_the_member_to_their_cell_to_every_cell() -> None:
    a, coordinators = alarm(), by_cell(TEAM)
    assert alarm_audience(a, EscalationLevel.CARRIER, ["a"], coordinators) == Audience(
        frozenset({"d1"}), frozenset()
    )
    assert alarm_audience(a, EscalationLevel.CELL_COORDINATOR, ["a"], coordinators) == Audience(
        frozenset({"d1"}), frozenset({"a"})
    )
    assert alarm_audience(a, EscalationLevel.ALL_COORDINATORS, ["a"], coordinators) == Audience(
        frozenset({"d1"}), frozenset(CELLS)
    )


def test_a_cell_without_a_coordinator_tells_every_cell() -> None:
    audience = alarm_audience(
        alarm(member_id="d3"), EscalationLevel.CELL_COORDINATOR, ["c"], by_cell(TEAM)
    )
    assert audience.cells == frozenset(CELLS)


def test_silent_alarms_are_not_sealed_to_the_member_and_skip_a_lone_coordinator() -> None:
    duress = alarm(AlarmKind.DURESS, "ca")
    audience = alarm_audience(duress, EscalationLevel.CELL_COORDINATOR, ["a"], by_cell(TEAM))
    assert audience == Audience(frozenset(), frozenset(CELLS))


def test_level_rank_follows_the_domains_order() -> None:
    assert [level_rank(level) for level in LEVELS] == [0, 1, 2]


members = st.builds(
    Member,
    id=st.sampled_from(["m1", "m2", "m3", "m4", "m5"]),
    codename=st.just("x"),
    roles=st.sets(st.sampled_from([Role.COORDINATOR, Role.DRIVER, Role.HOST]), min_size=1).map(
        frozenset
    ),
    cell_ids=st.lists(st.sampled_from(CELLS), min_size=1, max_size=2, unique=True).map(tuple),
)


@given(
    team=st.lists(members, max_size=6, unique_by=lambda m: m.id),
    kind=st.sampled_from(list(AlarmKind)),
    level=st.sampled_from(list(EscalationLevel)),
    member_id=st.sampled_from(["m1", "m2", "m3", "m4", "m5"]),
)
def test_the_keys_reach_the_recipients_and_at_most_the_member_besides(
    team: list[Member], kind: AlarmKind, level: EscalationLevel, member_id: str
) -> None:
    """Everyone `alarm_recipients` names can open the alarm; the only one beyond them who
    might is the member concerned, when a silent alarm is sealed to a cell whose key they
    hold (their revocation is what shuts them out then)."""
    a = alarm(kind, member_id)
    concerned = next((m for m in team if m.id == member_id), None)
    own = concerned.cell_ids if concerned is not None else ()
    coordinators = by_cell(team)
    level = max(level, a.first_level, key=level_rank)
    audience = alarm_audience(a, level, own, coordinators)
    reached = set(audience.members)
    for cell in audience.cells:
        reached |= coordinators[cell]
    named = alarm_recipients(a, level, team)
    assert named <= reached
    assert reached - named <= {member_id}

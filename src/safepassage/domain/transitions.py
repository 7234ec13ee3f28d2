"""The one way every state machine checks a step: an explicit table of allowed moves."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from safepassage.domain.errors import IllegalTransition

S = TypeVar("S", bound=StrEnum)


def allowed_from(table: Mapping[S, frozenset[S]], current: S) -> frozenset[S]:
    """The statuses reachable in one step from `current` (none for a final status)."""
    return table.get(current, frozenset())


def check_transition(
    table: Mapping[S, frozenset[S]],
    current: S,
    target: S,
    error: type[IllegalTransition],
) -> None:
    """Raise `error` unless `current -> target` is in the table. Staying put is not a step."""
    if target not in allowed_from(table, current):
        raise error


def is_final(table: Mapping[S, frozenset[S]], status: S) -> bool:
    return not allowed_from(table, status)

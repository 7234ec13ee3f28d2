"""Cases: a request for passage by a party, and the case state machine.

    requested -> vetted -> planned -> in_transit -> safe -> closed
    plus withdrawn (the party or a coordinator stops it) and lost_contact.

Every change of status goes through `transition`, which refuses any step not in
`CASE_TRANSITIONS` and stamps when it happened (the closing time starts retention).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from safepassage.domain.errors import CaseIllegalTransition, InvalidValue
from safepassage.domain.interval import require_utc
from safepassage.domain.member import Handle
from safepassage.domain.transitions import check_transition


class CaseStatus(StrEnum):
    REQUESTED = "requested"
    VETTED = "vetted"
    PLANNED = "planned"
    IN_TRANSIT = "in_transit"
    SAFE = "safe"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    LOST_CONTACT = "lost_contact"


S = CaseStatus
CASE_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    # A request that fails vetting is closed; there is no separate "rejected" status.
    S.REQUESTED: frozenset({S.VETTED, S.WITHDRAWN, S.CLOSED}),
    S.VETTED: frozenset({S.PLANNED, S.WITHDRAWN, S.LOST_CONTACT, S.CLOSED}),
    # Back to vetted when a plan is dropped before anyone moved.
    S.PLANNED: frozenset({S.IN_TRANSIT, S.VETTED, S.WITHDRAWN, S.LOST_CONTACT}),
    S.IN_TRANSIT: frozenset({S.SAFE, S.WITHDRAWN, S.LOST_CONTACT}),
    S.SAFE: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset({S.CLOSED}),
    # Contact regained: resume where the party turns out to be, or close if found safe.
    S.LOST_CONTACT: frozenset({S.VETTED, S.PLANNED, S.IN_TRANSIT, S.SAFE, S.CLOSED}),
    S.CLOSED: frozenset(),
}
del S


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    # Life at risk within hours.
    CRITICAL = "critical"


class Need(StrEnum):
    WOMEN_CHILDREN_ONLY = "women_children_only"
    MEDICAL = "medical"
    ACCESSIBILITY = "accessibility"


@dataclass(frozen=True, slots=True)
class Case:
    """A request for passage. `origin_area` is coarse on purpose (a district, not an address).

    `vouched_by` holds the ids of members who vouched for the party.
    """

    id: str
    party_size: int
    urgency: Urgency
    language: str
    origin_area: str = field(repr=False)
    created_at: dt.datetime
    needs: frozenset[Need] = frozenset()
    vouched_by: tuple[str, ...] = ()
    contact_handles: tuple[Handle, ...] = field(default=(), repr=False)
    status: CaseStatus = CaseStatus.REQUESTED
    status_since: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.party_size < 1:
            raise InvalidValue("party_size")
        if not self.language.strip():
            raise InvalidValue("language")
        require_utc(self.created_at, "created_at")
        if self.status_since is not None:
            require_utc(self.status_since, "status_since")
        if (self.status is CaseStatus.CLOSED) != (self.closed_at is not None):
            raise ValueError("a case has closed_at exactly when it is closed")


def transition(case: Case, to: CaseStatus, at: dt.datetime) -> Case:
    """The case in status `to`, or CaseIllegalTransition (the case is left as it was)."""
    require_utc(at, "at")
    check_transition(CASE_TRANSITIONS, case.status, to, CaseIllegalTransition)
    closed_at = at if to is CaseStatus.CLOSED else None
    return dataclasses.replace(case, status=to, status_since=at, closed_at=closed_at)

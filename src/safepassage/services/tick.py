"""The server's heartbeat: what has to happen because time passed.

`tick` runs without a session and without any member's keys, on headers alone. It is
idempotent: run twice at the same moment, the second run changes nothing. Each run:

1. arms a watch for every leg accepted or picked up and every active stay;
2. raises one alarm per missed sign of life (due + grace has passed, and no check-in came
   after the last one), never twice for the same due time;
3. reseals every open, unacknowledged alarm whose escalation delay has passed, to the
   wider audience of the level it reached;
4. releases tasks whose need-to-know window opened, and takes back those whose window
   closed (`release.release_due`).

Alarms come first: they do not depend on who a task is sealed to, and a failure in the
release pass must not hold back an alarm about someone in danger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safepassage.domain.checkin import missed_due, next_due
from safepassage.services import alarms, checkins, release
from safepassage.services.context import Context


@dataclass(frozen=True, slots=True)
class TickReport:
    """What one tick did, and when the next check-in deadline or escalation falls (None:
    none pending). Releases are not counted into `next_at`: tick often enough for them."""

    released: int
    raised: int
    escalated: int
    watched: int
    malformed: int
    next_at: dt.datetime | None


def tick(ctx: Context) -> TickReport:
    now = ctx.clock.now()
    policy = ctx.policies.checkin
    watching = checkins.current_watches(ctx)
    seen = checkins.last_seen_by_subject(ctx)
    alarmed = alarms.missed_checkin_dues(ctx)
    raised = 0
    upcoming: list[dt.datetime] = []
    for watch in watching.watches:
        last = seen.get(watch.subject_id)
        due = missed_due(watch, last, now, policy)
        if due is None:
            upcoming.append(next_due(watch, last, policy) + policy.grace)
        elif (watch.subject_id, due) not in alarmed:
            alarms.raise_missed_checkin_alarm(ctx, watch, due)
            raised += 1
    escalated = alarms.escalate_open_alarms(ctx)
    escalation = alarms.next_escalation(ctx)
    if escalation is not None:
        upcoming.append(escalation)
    released = release.release_due(ctx)
    return TickReport(
        released=released,
        raised=raised,
        escalated=escalated,
        watched=len(watching.watches),
        malformed=watching.malformed,
        next_at=min(upcoming, default=None),
    )

"""Handoffs: custody passing from one carrier (or host) to the next, confirmed by both.

Each side confirms with the recognition phrase: the receiving side speaks it (a carrier
taking a leg over knows their leg's phrase), the giving side types what they heard. Into
a stay, the delivering carrier speaks their own leg's phrase and the host types it. The
server checks a phrase against the handoff's `phrase_tag` (a keyed hash only the running
server computes), so the check needs no leg body and no phrase is stored in the handoff.

When the second side confirms, custody passes: the leg or stay handed over ends
(delivered, ended) and the one taken on begins (picked up, active), in one write.
"""

from __future__ import annotations

import hmac

from safepassage.domain.handoff import Handoff
from safepassage.domain.handoff import confirm_handoff as domain_confirm_handoff
from safepassage.domain.journey import (
    Leg,
    LegStatus,
    Stay,
    StayStatus,
    transition_leg,
    transition_stay,
)
from safepassage.domain.record_header import NewRecord
from safepassage.services.access import access_handoff_for_member
from safepassage.services.context import Context
from safepassage.services.errors import HandoffClosed
from safepassage.services.guards import owning_cell, require_active
from safepassage.services.members import Session
from safepassage.services.records import HANDOFF, Records, linked
from safepassage.services.task_records import (
    HANDOFF_COMPLETE,
    HANDOFF_OPEN,
    handoff_record,
    journey_progress_record,
    leg_record,
    open_handoffs,
    phrase_tag,
    read_either,
    stay_record,
    write_all,
)


def handoffs_of_task(ctx: Context, session: Session, task_id: str) -> list[str]:
    """The open handoffs a leg or stay takes part in (from headers; no body is opened).

    The caller learns only ids; confirming still needs the phrase and a readable task.
    """
    require_active(ctx, session)
    roles = ("from_leg", "to_leg", "from_stay", "to_stay")
    return [hid for role in roles for hid in open_handoffs(ctx, task_id, role)]


def _journey_of(ctx: Context, task_id: str) -> str:
    header = Records(ctx.vault).header(task_id)
    assert header is not None  # linked from an open handoff
    return linked(header, "journey")[0]


def confirm_handoff(ctx: Context, session: Session, handoff_id: str, phrase: str) -> Handoff:
    """This member's side of a handoff. Refused with nothing changed: someone who is not a
    side, a side that already confirmed, a wrong phrase, a handoff whose legs or stays
    are not at that step (the giver must hold the party, the receiver have accepted).
    """
    cell_id = owning_cell(ctx, handoff_id, HANDOFF)
    require_active(ctx, session)
    handoff = access_handoff_for_member(ctx, session, handoff_id)
    header = Records(ctx.vault).header(handoff_id)
    assert header is not None  # just opened
    if header.attrs.get("status") != HANDOFF_OPEN:
        raise HandoffClosed
    now = ctx.clock.now()
    tag = header.attrs["phrase_tag"]
    matches = hmac.compare_digest(tag, phrase_tag(ctx, phrase))
    # The domain compares phrases itself; the server holds only the tag, so it hands the
    # domain the given phrase as expected when the tags match, and nothing when not.
    confirmed = domain_confirm_handoff(
        handoff, session.member_id, phrase, phrase if matches else "", now
    )
    leg_ids = [i for i in (handoff.from_leg_id, handoff.to_leg_id) if i is not None]
    stay_ids = [i for i in (handoff.from_stay_id, handoff.to_stay_id) if i is not None]
    legs = read_either(ctx, Leg, leg_ids, session.keyring)
    stays = read_either(ctx, Stay, stay_ids, session.keyring)
    if len(legs) != len(leg_ids) or len(stays) != len(stay_ids):
        # The server no longer holds a side (its window closed): a coordinator takes over.
        raise HandoffClosed
    # Both sides' steps are checked at every confirmation, so nothing half happens.
    ended: Leg | Stay
    begun: Leg | Stay
    if handoff.from_leg_id is not None:
        ended = transition_leg(legs[handoff.from_leg_id], LegStatus.DELIVERED, now)
    else:
        assert handoff.from_stay_id is not None
        ended = transition_stay(stays[handoff.from_stay_id], StayStatus.ENDED, now)
    if handoff.to_leg_id is not None:
        begun = transition_leg(legs[handoff.to_leg_id], LegStatus.PICKED_UP, now)
    elif handoff.to_stay_id is not None:
        begun = transition_stay(stays[handoff.to_stay_id], StayStatus.ACTIVE, now)
    else:
        begun = ended
    status = HANDOFF_COMPLETE if confirmed.complete else HANDOFF_OPEN
    every_leg = list(legs.values())
    every_stay = list(stays.values())
    batch: list[NewRecord] = []
    if confirmed.complete:
        changed: dict[str, LegStatus | StayStatus] = {}
        for step in {ended.id: ended, begun.id: begun}.values():
            changed[step.id] = step.status
            if isinstance(step, Leg):
                batch.append(leg_record(ctx, cell_id, step))
            else:
                batch.append(stay_record(ctx, cell_id, _journey_of(ctx, step.id), step))
        every_leg = [s for s in (ended, begun) if isinstance(s, Leg)]
        every_stay = [s for s in (ended, begun) if isinstance(s, Stay)]
        journey_id = _journey_of(ctx, ended.id)
        journey = journey_progress_record(ctx, journey_id, changed, session.keyring)
        if journey is not None:
            batch.append(journey)
    batch.insert(0, handoff_record(ctx, cell_id, confirmed, tag, status, every_leg, every_stay))
    write_all(ctx, batch)
    return confirmed

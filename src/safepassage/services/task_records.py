"""Journeys, legs, stays and handoffs as records: headers, recipients, and the release key.

Who a task is sealed to is a function of the task and the moment (`leg_readers`,
`stay_readers`), so planning, every status change and `release.release_due` agree:

- the owning cell's key, always;
- the server's release key while the task is live (not yet final) and its reading window
  has not closed: it holds the task until the carrier's window opens, and lets the server
  finish one side of a handoff that the other side's session confirmed;
- the carrier's (host's) key once the leg is dispatched (the stay booked), from
  `window.start - before` until `window.end + after`; never for a leg declined or cancelled.

Records of one use case are written in one `write_many`: all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from safepassage.domain.handoff import Handoff, normalise_phrase
from safepassage.domain.interval import Interval
from safepassage.domain.itinerary import Progress, progress
from safepassage.domain.journey import Journey, Leg, LegStatus, Stay, StayStatus
from safepassage.domain.need_to_know import NeedToKnowPolicy
from safepassage.domain.record_header import STANDING, NewRecord, RecordHeader
from safepassage.domain.retention import handoff_expiry, leg_expiry, stay_expiry
from safepassage.services import codec
from safepassage.services.context import Context
from safepassage.services.ports import BoxKeys
from safepassage.services.records import HANDOFF, JOURNEY, LEG, STAY, Records, linked, raw

T = TypeVar("T")

LEG_LIVE = frozenset(
    {LegStatus.PLANNED, LegStatus.DISPATCHED, LegStatus.ACCEPTED, LegStatus.PICKED_UP}
)
# Dispatched onwards the task is the carrier's; declined and cancelled ones are not.
LEG_RELEASED = frozenset(
    {
        LegStatus.DISPATCHED,
        LegStatus.ACCEPTED,
        LegStatus.PICKED_UP,
        LegStatus.DELIVERED,
        LegStatus.FAILED,
    }
)
STAY_LIVE = frozenset({StayStatus.PLANNED, StayStatus.ACTIVE})
STAY_RELEASED = frozenset({StayStatus.PLANNED, StayStatus.ACTIVE, StayStatus.ENDED})

HANDOFF_OPEN = "open"
HANDOFF_COMPLETE = "complete"
HANDOFF_CANCELLED = "cancelled"


def _readers(
    ctx: Context,
    holder_id: str,
    readable: Interval,
    live: bool,
    released: bool,
    now: dt.datetime,
) -> list[bytes]:
    readers = []
    if live and now < readable.end:
        readers.append(ctx.vault.release_keys.public)
    if released and readable.contains(now):
        readers.append(Records(ctx.vault).public_key(holder_id))
    return readers


def _policy(ctx: Context) -> NeedToKnowPolicy:
    return ctx.policies.need_to_know


def leg_readable(window: Interval, policy: NeedToKnowPolicy) -> Interval:
    return Interval(window.start - policy.before, window.end + policy.after)


def stay_readable(
    interval: Interval, ended: dt.datetime | None, policy: NeedToKnowPolicy
) -> Interval:
    end = max(interval.end, ended or interval.end)
    return Interval(interval.start - policy.before, end + policy.after)


def leg_readers(ctx: Context, leg: Leg, now: dt.datetime) -> list[bytes]:
    readable = leg_readable(leg.window, _policy(ctx))
    return _readers(
        ctx, leg.carrier_id, readable, leg.status in LEG_LIVE, leg.status in LEG_RELEASED, now
    )


def stay_readers(ctx: Context, stay: Stay, now: dt.datetime) -> list[bytes]:
    readable = stay_readable(stay.interval, stay.ended_at, _policy(ctx))
    return _readers(
        ctx, stay.host_id, readable, stay.status in STAY_LIVE, stay.status in STAY_RELEASED, now
    )


def readers_from_header(ctx: Context, header: RecordHeader, now: dt.datetime) -> list[bytes]:
    """The same recipients as `leg_readers`/`stay_readers`, from the header alone."""
    window = Interval(header.times["start"], header.times["end"])
    if header.kind == LEG:
        leg_status = LegStatus(header.attrs["status"])
        return _readers(
            ctx,
            linked(header, "carrier")[0],
            leg_readable(window, _policy(ctx)),
            leg_status in LEG_LIVE,
            leg_status in LEG_RELEASED,
            now,
        )
    stay_status = StayStatus(header.attrs["status"])
    return _readers(
        ctx,
        linked(header, "host")[0],
        stay_readable(window, header.times.get("ended"), _policy(ctx)),
        stay_status in STAY_LIVE,
        stay_status in STAY_RELEASED,
        now,
    )


def _record(
    ctx: Context,
    kind: str,
    value: object,
    record_id: str,
    cell_id: str,
    readers: Iterable[bytes],
    links: Mapping[str, Sequence[str]],
    times: Mapping[str, dt.datetime] | None = None,
    attrs: Mapping[str, str] | None = None,
    expires: dt.date | None = None,
) -> NewRecord:
    """A record as `Records.write` would write it, for writing several in one transaction."""
    recipients = [Records(ctx.vault).public_key(cell_id), *readers]
    all_links: dict[str, tuple[bytes, ...]] = {"cell": (raw(cell_id),)}
    for role, targets in links.items():
        all_links[role] = tuple(raw(t) for t in targets)
    header = RecordHeader(
        kind=kind,
        expires=expires or STANDING,
        links=all_links,
        times=dict(times or {}),
        recipients=tuple(dict.fromkeys(recipients)),
        attrs=dict(attrs or {}),
    )
    return NewRecord(header, codec.encode(value), raw(record_id))


def leg_record(ctx: Context, cell_id: str, leg: Leg) -> NewRecord:
    links = {
        "journey": [leg.journey_id],
        "case": [leg.case_id],
        "carrier": [leg.carrier_id],
        "segment": [leg.segment_id],
        "from": [leg.from_place_id],
        "to": [leg.to_place_id],
    }
    if leg.vehicle_id is not None:
        links["vehicle"] = [leg.vehicle_id]
    return _record(
        ctx,
        LEG,
        leg,
        leg.id,
        cell_id,
        leg_readers(ctx, leg, ctx.clock.now()),
        links,
        times={"start": leg.window.start, "end": leg.window.end},
        attrs={"status": leg.status.value},
        expires=leg_expiry(leg, ctx.policies.retention),
    )


def stay_record(ctx: Context, cell_id: str, journey_id: str, stay: Stay) -> NewRecord:
    times = {"start": stay.interval.start, "end": stay.interval.end}
    if stay.ended_at is not None:
        # A stay that ran late keeps its host's window open until it really ended.
        times["ended"] = stay.ended_at
    return _record(
        ctx,
        STAY,
        stay,
        stay.id,
        cell_id,
        stay_readers(ctx, stay, ctx.clock.now()),
        {
            "journey": [journey_id],
            "case": [stay.case_id],
            "house": [stay.safe_house_id],
            "host": [stay.host_id],
        },
        times=times,
        attrs={"status": stay.status.value},
        expires=stay_expiry(stay, ctx.policies.retention),
    )


def journey_record(
    ctx: Context,
    cell_id: str,
    journey: Journey,
    status: str,
    every_leg: Iterable[str] = (),
    every_stay: Iterable[str] = (),
) -> NewRecord:
    """The journey's body is ids only, all in its header anyway: it is sealed to the release
    key too, so the server can keep its progress (`status`) as carriers report."""
    return _record(
        ctx,
        JOURNEY,
        journey,
        journey.id,
        cell_id,
        [ctx.vault.release_keys.public],
        {
            "case": [journey.case_id],
            "leg": list(dict.fromkeys([*journey.leg_ids, *every_leg])),
            "stay": list(dict.fromkeys([*journey.stay_ids, *every_stay])),
        },
        attrs={"status": status},
    )


def phrase_tag(ctx: Context, phrase: str) -> str:
    return ctx.vault.server_tag(normalise_phrase(phrase).encode()).hex()


def handoff_record(
    ctx: Context,
    cell_id: str,
    handoff: Handoff,
    tag: str,
    status: str,
    legs: Iterable[Leg] = (),
    stays: Iterable[Stay] = (),
) -> NewRecord:
    """Sealed to the cell, and to the release key while open: the server checks phrases
    against the tag and records each side's confirmation."""
    links = {"case": [handoff.case_id]}
    for role, target in (
        ("from_leg", handoff.from_leg_id),
        ("from_stay", handoff.from_stay_id),
        ("to_leg", handoff.to_leg_id),
        ("to_stay", handoff.to_stay_id),
    ):
        if target is not None:
            links[role] = [target]
    readers = [ctx.vault.release_keys.public] if status == HANDOFF_OPEN else []
    return _record(
        ctx,
        HANDOFF,
        handoff,
        handoff.id,
        cell_id,
        readers,
        links,
        attrs={"phrase_tag": tag, "status": status},
        expires=handoff_expiry(handoff, legs, stays, ctx.policies.retention),
    )


def write_all(ctx: Context, new_records: Sequence[NewRecord]) -> None:
    ctx.vault.write_many(new_records)


def server_read(ctx: Context, cls: type[T], record_ids: Sequence[str]) -> dict[str, T]:
    """Bodies the server itself opens with its release key (no member session involved)."""
    return Records(ctx.vault).read_many(cls, record_ids, [ctx.vault.release_keys])


def read_either(
    ctx: Context, cls: type[T], record_ids: Sequence[str], keyring: Sequence[BoxKeys]
) -> dict[str, T]:
    """Bodies opened with a session's keys where they open, else with the release key."""
    found = Records(ctx.vault).read_many(cls, record_ids, keyring)
    rest = [r for r in record_ids if r not in found]
    if rest:
        found.update(server_read(ctx, cls, rest))
    return found


def leg_from_header(record_id: str, header: RecordHeader) -> Leg:
    """A leg's schedule rebuilt from its header (no phrase): enough for overlap rules, and
    readable by the server for every cell, so a carrier in two cells is never double booked.
    """
    vehicle = linked(header, "vehicle")
    return Leg(
        id=record_id,
        journey_id=linked(header, "journey")[0],
        case_id=linked(header, "case")[0],
        from_place_id=linked(header, "from")[0],
        to_place_id=linked(header, "to")[0],
        window=Interval(header.times["start"], header.times["end"]),
        carrier_id=linked(header, "carrier")[0],
        segment_id=linked(header, "segment")[0],
        vehicle_id=vehicle[0] if vehicle else None,
        status=LegStatus(header.attrs["status"]),
    )


def booked_legs(ctx: Context) -> list[Leg]:
    """Every leg in the network that holds its carrier's and vehicle's time."""
    legs = [leg_from_header(rid, h) for rid, h in Records(ctx.vault).of_kind(LEG)]
    return [leg for leg in legs if leg.holds_time]


def linked_of_kind(ctx: Context, record_id: str, kind: str) -> list[tuple[str, RecordHeader]]:
    return [(rid, h) for rid, h in Records(ctx.vault).linking_to(record_id) if h.kind == kind]


def open_handoffs(ctx: Context, task_id: str, role: str) -> list[str]:
    """Ids of the open handoffs that link `task_id` (a leg or stay) under `role`."""
    return [
        rid
        for rid, h in linked_of_kind(ctx, task_id, HANDOFF)
        if h.attrs.get("status") == HANDOFF_OPEN and task_id in linked(h, role)
    ]


def journey_progress_record(
    ctx: Context,
    journey_id: str,
    changed: Mapping[str, LegStatus | StayStatus],
    keyring: Sequence[BoxKeys] = (),
) -> NewRecord | None:
    """The journey rewritten with its new progress, if the steps' statuses (from headers,
    with `changed` applied) move it; None if it stays where it was or was cancelled."""
    records = Records(ctx.vault)
    header = records.header(journey_id)
    if header is None or header.attrs.get("status") == Progress.CANCELLED:
        return None
    steps: list[tuple[dt.datetime, LegStatus | StayStatus]] = []
    for rid, h in records.linking_to(journey_id):
        if h.kind == LEG:
            steps.append((h.times["start"], changed.get(rid) or LegStatus(h.attrs["status"])))
        elif h.kind == STAY:
            steps.append((h.times["start"], changed.get(rid) or StayStatus(h.attrs["status"])))
    now = progress(steps)
    if now.value == header.attrs.get("status"):
        return None
    journey = read_either(ctx, Journey, [journey_id], keyring)[journey_id]
    return journey_record(
        ctx,
        linked(header, "cell")[0],
        journey,
        now.value,
        every_leg=linked(header, "leg"),
        every_stay=linked(header, "stay"),
    )

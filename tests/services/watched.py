"""Legs and stays written straight to the store, with the shared header conventions, so the
check-in, alarm and tick tests do not depend on how journeys are planned."""

from __future__ import annotations

import datetime as dt

from safepassage.domain.alarm import Alarm
from safepassage.domain.interval import Interval
from safepassage.domain.journey import Leg, LegStatus, Stay, StayStatus
from safepassage.domain.record_header import RecordHeader
from safepassage.domain.retention import leg_expiry, stay_expiry
from safepassage.services.context import Context
from safepassage.services.members import Session
from safepassage.services.records import ALARM, LEG, STAY, Records, new_id

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
SECOND = dt.timedelta(seconds=1)


def write_leg(
    ctx: Context,
    cell_id: str,
    carrier_id: str,
    start: dt.datetime,
    end: dt.datetime,
    status: LegStatus = LegStatus.ACCEPTED,
    leg_id: str | None = None,
) -> Leg:
    records = Records(ctx.vault)
    leg = Leg(
        id=leg_id or new_id(),
        journey_id=new_id(),
        case_id=new_id(),
        from_place_id=new_id(),
        to_place_id=new_id(),
        window=Interval(start, end),
        carrier_id=carrier_id,
        segment_id=new_id(),
        phrase="river stone lantern",
        status=status,
    )
    records.write(
        LEG,
        leg,
        record_id=leg.id,
        cells=[cell_id],
        readers=[ctx.vault.release_keys.public, records.public_key(carrier_id)],
        links={
            "journey": (leg.journey_id,),
            "case": (leg.case_id,),
            "carrier": (carrier_id,),
            "segment": (leg.segment_id,),
            "from": (leg.from_place_id,),
            "to": (leg.to_place_id,),
        },
        times={"start": start, "end": end},
        attrs={"status": status.value},
        expires=leg_expiry(leg, ctx.policies.retention),
    )
    return leg


def write_stay(
    ctx: Context,
    cell_id: str,
    host_id: str,
    start: dt.datetime,
    end: dt.datetime,
    status: StayStatus = StayStatus.ACTIVE,
    started: dt.datetime | None = None,
) -> Stay:
    """An active stay started at its booking's start unless `started` says when (and then
    its header carries `started`, which the watch prefers)."""
    records = Records(ctx.vault)
    stay = Stay(
        id=new_id(),
        case_id=new_id(),
        safe_house_id=new_id(),
        host_id=host_id,
        interval=Interval(start, end),
        beds=2,
        status=status,
        started_at=(started or start) if status is StayStatus.ACTIVE else None,
    )
    records.write(
        STAY,
        stay,
        record_id=stay.id,
        cells=[cell_id],
        readers=[ctx.vault.release_keys.public, records.public_key(host_id)],
        links={
            "journey": (new_id(),),
            "case": (stay.case_id,),
            "house": (stay.safe_house_id,),
            "host": (host_id,),
        },
        times={"start": start, "end": end} | ({"started": started} if started else {}),
        attrs={"status": status.value},
        expires=stay_expiry(stay, ctx.policies.retention),
    )
    return stay


def alarm_headers(ctx: Context) -> dict[str, RecordHeader]:
    return dict(Records(ctx.vault).of_kind(ALARM))


def only_alarm(ctx: Context) -> tuple[str, RecordHeader]:
    (found,) = Records(ctx.vault).of_kind(ALARM)
    return found


def can_open(ctx: Context, session: Session, alarm_id: str) -> bool:
    """Whether the session's keys open the alarm: the keys, not a policy check, decide."""
    return alarm_id in Records(ctx.vault).read_many(Alarm, [alarm_id], session.keyring)

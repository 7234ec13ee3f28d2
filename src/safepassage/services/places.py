"""The route graph: places and the segments between them."""

from __future__ import annotations

import datetime as dt

from safepassage.domain.place import Place, PlaceKind, Segment, SegmentMode, SegmentStatus
from safepassage.domain.place import set_segment_status as domain_set_segment_status
from safepassage.services.access import access_segment_for_member
from safepassage.services.context import Context
from safepassage.services.guards import owning_cell, require_cell_holder, require_coordinator
from safepassage.services.members import Session
from safepassage.services.records import PLACE, SEGMENT, Records, new_id


def add_place(
    ctx: Context, session: Session, cell_id: str, name: str, kind: PlaceKind = PlaceKind.TOWN
) -> str:
    require_coordinator(ctx, session, cell_id)
    place = Place(new_id(), name, kind)
    return Records(ctx.vault).write(
        PLACE, place, record_id=place.id, cells=[cell_id], attrs={"kind": kind.value}
    )


def _write_segment(ctx: Context, cell_id: str, segment: Segment) -> str:
    return Records(ctx.vault).write(
        SEGMENT,
        segment,
        record_id=segment.id,
        cells=[cell_id],
        links={"from": (segment.from_place_id,), "to": (segment.to_place_id,)},
        attrs={"mode": segment.mode.value, "status": segment.status.value},
    )


def add_segment(
    ctx: Context,
    session: Session,
    cell_id: str,
    from_place_id: str,
    to_place_id: str,
    mode: SegmentMode,
    typical_duration: dt.timedelta,
) -> str:
    require_coordinator(ctx, session, cell_id)
    for place_id in (from_place_id, to_place_id):
        if owning_cell(ctx, place_id, PLACE) != cell_id:
            require_cell_holder(ctx, session, owning_cell(ctx, place_id, PLACE))
    segment = Segment(new_id(), from_place_id, to_place_id, mode, typical_duration)
    return _write_segment(ctx, cell_id, segment)


def set_segment_status(
    ctx: Context, session: Session, segment_id: str, status: SegmentStatus
) -> Segment:
    cell_id = owning_cell(ctx, segment_id, SEGMENT)
    require_cell_holder(ctx, session, cell_id)
    segment = access_segment_for_member(ctx, session, segment_id)
    changed = domain_set_segment_status(segment, status)
    _write_segment(ctx, cell_id, changed)
    return changed

"""Safe houses: added by a coordinator, sealed to the cell and to the house's host."""

from __future__ import annotations

from collections.abc import Iterable

from safepassage.domain.member import Member, check_can_host
from safepassage.domain.safe_house import Attribute, SafeHouse, mark_compromised
from safepassage.services.access import access_safe_house_for_member
from safepassage.services.context import Context
from safepassage.services.guards import owning_cell, require_coordinator
from safepassage.services.members import Session
from safepassage.services.records import PLACE, SAFE_HOUSE, Records, new_id


def write_safe_house(ctx: Context, cell_id: str, house: SafeHouse) -> None:
    records = Records(ctx.vault)
    records.write(
        SAFE_HOUSE,
        house,
        record_id=house.id,
        cells=[cell_id],
        readers=[records.public_key(house.host_id)],
        links={"place": (house.place_id,), "host": (house.host_id,)},
        attrs={"status": house.status.value},
    )


def add_safe_house(
    ctx: Context,
    session: Session,
    cell_id: str,
    place_id: str,
    host_id: str,
    beds: int,
    attributes: Iterable[Attribute] = (),
) -> str:
    require_coordinator(ctx, session, cell_id)
    if owning_cell(ctx, place_id, PLACE) != cell_id:
        require_coordinator(ctx, session, owning_cell(ctx, place_id, PLACE))
    host = Records(ctx.vault).read(Member, host_id, session.keyring)
    check_can_host(host)
    house = SafeHouse(new_id(), place_id, host_id, beds, frozenset(attributes))
    write_safe_house(ctx, cell_id, house)
    return house.id


def mark_safe_house_compromised(ctx: Context, session: Session, house_id: str) -> SafeHouse:
    """Final: a compromised house receives nobody again (the domain refuses stays there)."""
    cell_id = owning_cell(ctx, house_id, SAFE_HOUSE)
    require_coordinator(ctx, session, cell_id)
    house = mark_compromised(access_safe_house_for_member(ctx, session, house_id))
    write_safe_house(ctx, cell_id, house)
    return house

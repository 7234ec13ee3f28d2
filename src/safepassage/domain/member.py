"""Members (volunteer accounts known by codename), their roles and their handles.

A handle is an address a member or traveller is reached on: a Matrix ID, a Signal number, a
Telegram chat, or an SMS number (a member may carry SIMs from several countries). A handle
that may be in hostile hands is *burned*: it is kept so that it is never used again, and
never silently reactivated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from safepassage.domain.errors import (
    HandleBurned,
    HandleDuplicate,
    HandleNotFound,
    InvalidValue,
    NotACarrier,
    NotAHost,
)
from safepassage.domain.interval import require_utc


class Role(StrEnum):
    COORDINATOR = "coordinator"
    DISPATCHER = "dispatcher"
    DRIVER = "driver"
    GUIDE = "guide"
    HOST = "host"
    CONTACT = "contact"
    OPERATOR = "operator"


# Carriers move the party: a driver with a vehicle, a guide on foot or by boat.
CARRIER_ROLES = frozenset({Role.DRIVER, Role.GUIDE})


class HandleKind(StrEnum):
    MATRIX = "matrix"
    SIGNAL = "signal"
    TELEGRAM = "telegram"
    SMS = "sms"


class HandleStatus(StrEnum):
    ACTIVE = "active"
    BURNED = "burned"


# Shape checks only: enough to catch a typo, not a promise the address exists.
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
_ADDRESS_SHAPES = {
    HandleKind.MATRIX: re.compile(r"@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?"),
    HandleKind.SIGNAL: _PHONE,
    HandleKind.TELEGRAM: re.compile(r"-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}"),
    HandleKind.SMS: _PHONE,
}
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class Handle:
    """One address. `country` (ISO 3166 alpha-2) says which SIM an SMS number is on."""

    id: str
    kind: HandleKind
    address: str = field(repr=False)
    country: str | None = None
    status: HandleStatus = HandleStatus.ACTIVE
    burned_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not _ADDRESS_SHAPES[self.kind].fullmatch(self.address):
            raise InvalidValue("address")
        if self.country is not None and not _COUNTRY.fullmatch(self.country):
            raise InvalidValue("country")
        if (self.status is HandleStatus.BURNED) != (self.burned_at is not None):
            raise ValueError("a handle is burned exactly when it has a burned_at")
        if self.burned_at is not None:
            require_utc(self.burned_at, "burned_at")

    @property
    def active(self) -> bool:
        return self.status is HandleStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    codename: str = field(repr=False)
    roles: frozenset[Role]
    cell_ids: tuple[str, ...] = ()
    handles: tuple[Handle, ...] = ()

    def __post_init__(self) -> None:
        if not self.codename.strip():
            raise InvalidValue("codename")
        if not self.roles:
            raise InvalidValue("roles")
        if len({h.id for h in self.handles}) != len(self.handles):
            raise ValueError("handle ids must be unique within a member")

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_carrier(self) -> bool:
        return bool(self.roles & CARRIER_ROLES)

    def active_handles(self) -> tuple[Handle, ...]:
        return tuple(h for h in self.handles if h.active)


def add_handle(member: Member, handle: Handle) -> Member:
    """The member with one more handle. The same address of the same kind twice is refused,
    burned or not: a burned address stays burned."""
    for existing in member.handles:
        if existing.id == handle.id or (
            existing.kind is handle.kind and existing.address == handle.address
        ):
            raise HandleDuplicate
    return dataclasses.replace(member, handles=(*member.handles, handle))


def burn_handle(member: Member, handle_id: str, at: dt.datetime) -> Member:
    """The member with that handle burned: never used again, kept so it is not re-added."""
    require_utc(at, "at")
    handles = []
    found = False
    for handle in member.handles:
        if handle.id == handle_id:
            if not handle.active:
                raise HandleBurned
            handle = dataclasses.replace(handle, status=HandleStatus.BURNED, burned_at=at)
            found = True
        handles.append(handle)
    if not found:
        raise HandleNotFound
    return dataclasses.replace(member, handles=tuple(handles))


def check_can_carry(member: Member) -> None:
    """A leg's carrier must be a driver or a guide."""
    if not member.is_carrier:
        raise NotACarrier


def check_can_host(member: Member) -> None:
    if not member.has_role(Role.HOST):
        raise NotAHost

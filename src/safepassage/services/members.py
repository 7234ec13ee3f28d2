"""Cells, members and their sessions' keys.

A cell is a record whose body holds the cell's private key, sealed to each member of the
cell. A member is a record (codename, roles, cells) sealed to the member and to the
coordinators' cell. A login opens the member's slot and then the cells they belong to:
the resulting keyring is exactly what the member may open.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from safepassage.domain.record_header import STANDING, NewRecord, RecordHeader
from safepassage.services.errors import AlreadyExists, LoginFailed
from safepassage.services.ports import BoxKeys, KeyFactory, Logins, MemberKeyring, Vault

CELL = "cell"
MEMBER = "member"


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in member: their id, roles, and every key pair they may open records with."""

    member_id: bytes
    codename: str
    roles: tuple[str, ...]
    cells: tuple[bytes, ...]
    keys: MemberKeyring
    keyring: tuple[BoxKeys, ...]
    duress: bool


def create_cell(vault: Vault, keys: KeyFactory, name: str, members: Sequence[bytes]) -> bytes:
    """A new cell whose private key is sealed to the given members' public keys."""
    pair = keys.cell_keys()
    header = RecordHeader(
        kind=CELL, expires=STANDING, recipients=tuple(members), attrs={"public": pair.public.hex()}
    )
    body = json.dumps({"name": name, "private": pair.private.hex()}).encode()
    return vault.write(NewRecord(header, body))


def cell_public_key(vault: Vault, cell_id: bytes) -> bytes:
    header = vault.index.get(cell_id)
    if header is None or header.kind != CELL:
        raise ValueError("not a cell")
    return bytes.fromhex(header.attrs["public"])


def enrol_member(
    vault: Vault,
    logins: Logins,
    keys: KeyFactory,
    codename: str,
    passphrase: str,
    roles: Sequence[str],
    cells: Sequence[bytes],
    member_keys: MemberKeyring | None = None,
) -> tuple[bytes, MemberKeyring]:
    """A member with a login slot and a record readable by them and their cells.

    Their cells' keys are sealed to them separately (`join_cell`, or `found_cell`).
    """
    if logins.exists(codename):
        raise AlreadyExists
    member_keys = member_keys or keys.member_keys()
    recipients = (member_keys.box.public, *(cell_public_key(vault, c) for c in cells))
    header = RecordHeader(
        kind=MEMBER,
        expires=STANDING,
        links={"cell": tuple(cells)},
        recipients=recipients,
        attrs={"public": member_keys.box.public.hex(), "roles": ",".join(sorted(roles))},
    )
    body = json.dumps({"codename": codename, "roles": sorted(roles)}).encode()
    member_id = vault.write(NewRecord(header, body))
    logins.create(codename, member_id, member_keys, passphrase)
    return member_id, member_keys


def found_cell(
    vault: Vault,
    logins: Logins,
    keys: KeyFactory,
    cell_name: str,
    codename: str,
    passphrase: str,
    roles: Sequence[str] = ("coordinator",),
) -> tuple[bytes, bytes]:
    """A new cell and its first member (at init, its first coordinator): (cell id, member id)."""
    if logins.exists(codename):
        raise AlreadyExists
    member_keys = keys.member_keys()
    cell_id = create_cell(vault, keys, cell_name, [member_keys.box.public])
    member_id, _ = enrol_member(
        vault, logins, keys, codename, passphrase, roles, [cell_id], member_keys
    )
    return cell_id, member_id


def join_cell(vault: Vault, session: Session, cell_id: bytes, member_public: bytes) -> None:
    """Seal a cell's key to one more member; the caller must already hold the cell."""
    header = vault.index.get(cell_id)
    if header is None or header.kind != CELL:
        raise ValueError("not a cell")
    body = vault.read(cell_id, session.keyring)
    recipients = tuple(dict.fromkeys((*header.recipients, member_public)))
    new_header = RecordHeader(
        kind=header.kind, expires=header.expires, recipients=recipients, attrs=header.attrs
    )
    vault.write(NewRecord(new_header, body, record_id=cell_id))


def open_session(
    vault: Vault, logins: Logins, keys: KeyFactory, codename: str, passphrase: str
) -> Session:
    """Log a member in. Unknown codename and wrong passphrase give the same error."""
    opened = logins.open(codename, passphrase)
    if opened is None:
        raise LoginFailed
    own = opened.keys.box
    member = json.loads(vault.read(opened.member_id, [own]))
    header = vault.index.get(opened.member_id)
    cells = header.links.get("cell", ()) if header is not None else ()
    cell_bodies = vault.try_read_many(list(cells), [own])
    cell_pairs = [
        keys.box_from_private(bytes.fromhex(json.loads(body)["private"]))
        for body in cell_bodies.values()
    ]
    return Session(
        member_id=opened.member_id,
        codename=member["codename"],
        roles=tuple(member["roles"]),
        cells=tuple(cell_bodies),
        keys=opened.keys,
        keyring=(own, *cell_pairs),
        duress=opened.duress,
    )

"""Cells, members, their handles, and logging in.

A cell's key pair lives in a `cell` record sealed to the cell's coordinators and
dispatchers: they read the cell's records. Drivers, guides, hosts and contacts belong to a
cell but do not hold its key; they are sealed only the records their tasks need. A member
record (codename, roles, handles) is sealed to the member and to their cells' keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from safepassage.domain.cell import Cell
from safepassage.domain.member import Handle, Member, Role
from safepassage.domain.member import add_handle as domain_add_handle
from safepassage.domain.member import burn_handle as domain_burn_handle
from safepassage.services.context import Context
from safepassage.services.errors import AlreadyExists, LoginFailed, NotAvailable
from safepassage.services.ports import BoxKeys, MemberKeyring
from safepassage.services.records import CELL, MEMBER, Records, linked, new_id

# Roles whose holders receive the cell's key: they plan and watch the cell's operations.
KEY_HOLDING_ROLES = frozenset({Role.COORDINATOR, Role.DISPATCHER})
ACTIVE = "active"
REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class CellSecret:
    """The body of a cell record: the cell and its private key."""

    cell: Cell
    private: str


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in member and every key pair they may open records with."""

    member: Member
    keys: MemberKeyring
    keyring: tuple[BoxKeys, ...]
    held_cells: tuple[str, ...]
    duress: bool = False

    @property
    def member_id(self) -> str:
        return self.member.id

    def holds_cell(self, cell_id: str) -> bool:
        return cell_id in self.held_cells


def _write_member(ctx: Context, member: Member, public: bytes, status: str = ACTIVE) -> None:
    Records(ctx.vault).write(
        MEMBER,
        member,
        record_id=member.id,
        cells=member.cell_ids,
        readers=[public],
        attrs={"public": public.hex(), "roles": ",".join(sorted(member.roles)), "status": status},
    )


def _write_cell(ctx: Context, cell: Cell, pair: BoxKeys, holders: Iterable[bytes]) -> None:
    Records(ctx.vault).write(
        CELL,
        CellSecret(cell, pair.private.hex()),
        record_id=cell.id,
        cells=(),
        readers=holders,
        attrs={"public": pair.public.hex()},
    )


def found_cell(ctx: Context, cell_name: str, codename: str, passphrase: str) -> tuple[str, str]:
    """A new cell with its first coordinator (at init, the network's first member)."""
    if ctx.logins.exists(codename):
        raise AlreadyExists
    member_keys = ctx.keys.member_keys()
    cell = Cell(new_id(), cell_name)
    _write_cell(ctx, cell, ctx.keys.cell_keys(), [member_keys.box.public])
    member = Member(new_id(), codename, frozenset({Role.COORDINATOR}), (cell.id,))
    _write_member(ctx, member, member_keys.box.public)
    ctx.logins.create(codename, bytes.fromhex(member.id), member_keys, passphrase)
    return cell.id, member.id


def create_cell(ctx: Context, session: Session, name: str) -> str:
    """A new cell; its key is sealed to the coordinator creating it."""
    if not session.member.has_role(Role.COORDINATOR):
        raise NotAvailable
    cell = Cell(new_id(), name)
    _write_cell(ctx, cell, ctx.keys.cell_keys(), [session.keys.box.public])
    member = dataclasses.replace(session.member, cell_ids=(*session.member.cell_ids, cell.id))
    _write_member(ctx, member, session.keys.box.public)
    return cell.id


def _seal_cell_to(ctx: Context, session: Session, cell_id: str, public: bytes) -> None:
    records = Records(ctx.vault)
    secret = records.read(CellSecret, cell_id, session.keyring)
    header = records.header(cell_id)
    assert header is not None  # read succeeded, so the header exists
    holders = [*header.recipients, public]
    pair = ctx.keys.box_from_private(bytes.fromhex(secret.private))
    _write_cell(ctx, secret.cell, pair, holders)


def invite_member(
    ctx: Context,
    session: Session,
    codename: str,
    passphrase: str,
    roles: Iterable[Role],
    cell_ids: Sequence[str],
    handles: Sequence[Handle] = (),
) -> str:
    """A new member of the inviting coordinator's cells, with keys and a login slot."""
    role_set = frozenset(roles)
    if not session.member.has_role(Role.COORDINATOR):
        raise NotAvailable
    if not cell_ids or not all(session.holds_cell(c) for c in cell_ids):
        raise NotAvailable
    if ctx.logins.exists(codename):
        raise AlreadyExists
    member_keys = ctx.keys.member_keys()
    member = Member(new_id(), codename, role_set, tuple(cell_ids), tuple(handles))
    _write_member(ctx, member, member_keys.box.public)
    if role_set & KEY_HOLDING_ROLES:
        for cell_id in cell_ids:
            _seal_cell_to(ctx, session, cell_id, member_keys.box.public)
    ctx.logins.create(codename, bytes.fromhex(member.id), member_keys, passphrase)
    return member.id


def set_duress_passphrase(ctx: Context, session: Session, passphrase: str, duress: str) -> None:
    """Give the member a duress passphrase: it opens a decoy that can read nothing."""
    decoy = ctx.keys.member_keys()
    ctx.logins.create(
        session.member.codename,
        bytes.fromhex(session.member_id),
        session.keys,
        passphrase,
        duress=(decoy, duress),
    )


def load_member(ctx: Context, session: Session, member_id: str) -> Member:
    """A member record, for themselves or a holder of one of their cells."""
    return Records(ctx.vault).read(Member, member_id, session.keyring)


def _update_member(ctx: Context, session: Session, member: Member) -> None:
    public = Records(ctx.vault).public_key(member.id)
    header = Records(ctx.vault).header(member.id)
    status = header.attrs.get("status", ACTIVE) if header else ACTIVE
    _write_member(ctx, member, public, status)
    del session


def add_handle(ctx: Context, session: Session, member_id: str, handle: Handle) -> None:
    member = load_member(ctx, session, member_id)
    _update_member(ctx, session, domain_add_handle(member, handle))


def burn_handle(ctx: Context, session: Session, member_id: str, handle_id: str) -> None:
    member = load_member(ctx, session, member_id)
    _update_member(ctx, session, domain_burn_handle(member, handle_id, ctx.clock.now()))


def is_revoked(ctx: Context, member_id: str) -> bool:
    header = Records(ctx.vault).header(member_id)
    return header is None or header.attrs.get("status") != ACTIVE


def open_session(ctx: Context, codename: str, passphrase: str) -> Session:
    """Log a member in. An unknown codename and a wrong passphrase give the same error.

    A duress passphrase gives a session whose keys open nothing: the decoy. Raising the
    silent alarm and revoking the member is the caller's next step (`sessions.login`).
    """
    opened = ctx.logins.open(codename, passphrase)
    if opened is None:
        raise LoginFailed
    member_id = opened.member_id.hex()
    records = Records(ctx.vault)
    if is_revoked(ctx, member_id):
        raise LoginFailed
    if opened.duress:
        header = records.header(member_id)
        roles = header.attrs.get("roles", "") if header else ""
        decoy = Member(
            member_id,
            codename,
            frozenset(Role(r) for r in roles.split(",") if r) or frozenset({Role.CONTACT}),
        )
        return Session(decoy, opened.keys, (opened.keys.box,), (), duress=True)
    own = opened.keys.box
    member = records.read(Member, member_id, [own])
    secrets_ = records.read_many(CellSecret, list(member.cell_ids), [own])
    pairs = [ctx.keys.box_from_private(bytes.fromhex(s.private)) for s in secrets_.values()]
    return Session(member, opened.keys, (own, *pairs), tuple(secrets_))


def cells_of(ctx: Context, member_id: str) -> tuple[str, ...]:
    header = Records(ctx.vault).header(member_id)
    return linked(header, "cell") if header else ()

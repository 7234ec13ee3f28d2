"""Cells, members and sessions: who holds which keys after login."""

from __future__ import annotations

import pytest

from safepassage.domain.member import Handle, HandleKind, Member, Role
from safepassage.services import members
from safepassage.services.access import access_member_for_member
from safepassage.services.errors import AlreadyExists, LoginFailed, NotAvailable

from .conftest import Net


def test_coordinator_holds_only_their_cell(net: Net) -> None:
    heron = net.login("Heron")
    assert heron.held_cells == (net.cells["north"],)
    assert heron.member.roles == frozenset({Role.COORDINATOR})
    assert len(heron.keyring) == 2


def test_invited_driver_holds_no_cell_key(net: Net) -> None:
    driver_id = net.invite("Heron", "Otter", {Role.DRIVER}, "north")
    otter = net.login("Otter")
    assert otter.member_id == driver_id
    assert otter.held_cells == ()
    assert len(otter.keyring) == 1


def test_invited_dispatcher_receives_the_cell_key(net: Net) -> None:
    net.invite("Heron", "Wren", {Role.DISPATCHER}, "north")
    assert net.login("Wren").held_cells == (net.cells["north"],)


def test_a_coordinator_cannot_invite_into_another_cell(net: Net) -> None:
    with pytest.raises(NotAvailable):
        net.invite("Heron", "Mole", {Role.DRIVER}, "south")


def test_codenames_are_unique(net: Net) -> None:
    with pytest.raises(AlreadyExists):
        net.invite("Heron", "kestrel", {Role.DRIVER}, "north")


def test_unknown_codename_and_wrong_passphrase_look_alike(net: Net) -> None:
    with pytest.raises(LoginFailed) as unknown:
        members.open_session(net.ctx, "Nobody", "Heron passphrase")
    with pytest.raises(LoginFailed) as wrong:
        members.open_session(net.ctx, "Heron", "not it")
    assert str(unknown.value) == str(wrong.value)
    assert unknown.value.code == wrong.value.code


def test_member_records_across_cells(net: Net) -> None:
    otter_id = net.invite("Heron", "Otter", {Role.DRIVER}, "north")
    heron, kestrel = net.login("Heron"), net.login("Kestrel")
    assert access_member_for_member(net.ctx, heron, otter_id).codename == "Otter"
    with pytest.raises(NotAvailable):
        access_member_for_member(net.ctx, kestrel, otter_id)
    otter = net.login("Otter")
    assert access_member_for_member(net.ctx, otter, otter_id).codename == "Otter"
    with pytest.raises(NotAvailable):
        access_member_for_member(net.ctx, otter, net.ids["Heron"])


def test_handles_added_and_burned(net: Net) -> None:
    otter_id = net.invite("Heron", "Otter", {Role.DRIVER}, "north")
    heron = net.login("Heron")
    handle = Handle("h1", HandleKind.SMS, "+959450001122", "MM")
    members.add_handle(net.ctx, heron, otter_id, handle)
    members.burn_handle(net.ctx, heron, otter_id, "h1")
    member = members.load_member(net.ctx, heron, otter_id)
    assert isinstance(member, Member)
    assert not member.handles[0].active
    assert member.handles[0].burned_at == net.clock.now()


def test_duress_login_opens_a_decoy_that_reads_nothing(net: Net) -> None:
    heron = net.login("Heron")
    members.set_duress_passphrase(net.ctx, heron, "Heron passphrase", "all quiet here")
    decoy = members.open_session(net.ctx, "Heron", "all quiet here")
    assert decoy.duress
    assert decoy.held_cells == ()
    with pytest.raises(NotAvailable):
        access_member_for_member(net.ctx, decoy, net.ids["Heron"])
    real = net.login("Heron")
    assert not real.duress
    assert real.held_cells == (net.cells["north"],)

from __future__ import annotations

import pytest

from safepassage.domain.cell import Cell, cell_coordinators, cell_members, coordinators
from safepassage.domain.errors import (
    HandleBurned,
    HandleDuplicate,
    HandleNotFound,
    InvalidValue,
    NotACarrier,
    NotAHost,
)
from safepassage.domain.member import (
    Handle,
    HandleKind,
    HandleStatus,
    Role,
    add_handle,
    burn_handle,
    check_can_carry,
    check_can_host,
)
from safepassage.domain.network import Network

from .factories import T0, at, member


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        (HandleKind.MATRIX, "@heron:example.org"),
        (HandleKind.MATRIX, "@heron:example.org:8448"),
        (HandleKind.SIGNAL, "+959123456789"),
        (HandleKind.SMS, "+919876543210"),
        (HandleKind.TELEGRAM, "123456789"),
        (HandleKind.TELEGRAM, "-100123456"),
        (HandleKind.TELEGRAM, "@heron_bot"),
    ],
)
def test_handle_shapes_accepted(kind: HandleKind, address: str) -> None:
    assert Handle("h", kind, address).active


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        (HandleKind.MATRIX, "heron:example.org"),
        (HandleKind.MATRIX, "@Heron:example.org"),
        (HandleKind.SIGNAL, "0912345678"),
        (HandleKind.SMS, "+12"),
        (HandleKind.TELEGRAM, "@ab"),
        (HandleKind.SMS, ""),
    ],
)
def test_handle_shapes_refused(kind: HandleKind, address: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Handle("h", kind, address)
    assert caught.value.field == "address"
    assert address not in str(caught.value) or not address


def test_handle_country_and_burn_invariants() -> None:
    assert Handle("h", HandleKind.SMS, "+959123456789", country="MM").country == "MM"
    with pytest.raises(InvalidValue):
        Handle("h", HandleKind.SMS, "+959123456789", country="mm")
    with pytest.raises(ValueError, match="burned_at"):
        Handle("h", HandleKind.SMS, "+959123456789", status=HandleStatus.BURNED)
    with pytest.raises(ValueError, match="UTC"):
        Handle(
            "h",
            HandleKind.SMS,
            "+959123456789",
            status=HandleStatus.BURNED,
            burned_at=T0.replace(tzinfo=None),
        )


def test_repr_hides_codename_and_addresses() -> None:
    m = member(handles=(Handle("h", HandleKind.SIGNAL, "+959123456789"),))
    assert "heron" not in repr(m)
    assert "959123456789" not in repr(m)


def test_member_needs_codename_and_roles_and_unique_handle_ids() -> None:
    with pytest.raises(InvalidValue):
        member(codename="  ")
    with pytest.raises(InvalidValue):
        member(roles=frozenset())
    h = Handle("h", HandleKind.SIGNAL, "+959123456789")
    with pytest.raises(ValueError, match="unique"):
        member(handles=(h, h))


def test_several_handles_on_sims_of_different_countries() -> None:
    m = member()
    m = add_handle(m, Handle("a", HandleKind.SMS, "+959123456789", country="MM"))
    m = add_handle(m, Handle("b", HandleKind.SMS, "+919876543210", country="IN"))
    m = add_handle(m, Handle("c", HandleKind.MATRIX, "@heron:example.org"))
    assert [h.id for h in m.active_handles()] == ["a", "b", "c"]


def test_duplicate_handles_refused_even_when_burned() -> None:
    m = add_handle(member(), Handle("a", HandleKind.SIGNAL, "+959123456789"))
    with pytest.raises(HandleDuplicate):
        add_handle(m, Handle("b", HandleKind.SIGNAL, "+959123456789"))
    with pytest.raises(HandleDuplicate):
        add_handle(m, Handle("a", HandleKind.SMS, "+959000000000"))
    burned = burn_handle(m, "a", at(5))
    with pytest.raises(HandleDuplicate):
        add_handle(burned, Handle("b", HandleKind.SIGNAL, "+959123456789"))
    # Same number on another messenger is another handle.
    add_handle(m, Handle("b", HandleKind.SMS, "+959123456789"))


def test_burn_handle() -> None:
    m = member()
    m = add_handle(m, Handle("a", HandleKind.SIGNAL, "+959123456789"))
    m = add_handle(m, Handle("b", HandleKind.SMS, "+919876543210"))
    burned = burn_handle(m, "a", at(5))
    assert [h.id for h in burned.active_handles()] == ["b"]
    assert burned.handles[0].burned_at == at(5)
    assert m.handles[0].active
    with pytest.raises(HandleBurned):
        burn_handle(burned, "a", at(6))
    with pytest.raises(HandleNotFound) as caught:
        burn_handle(burned, "zzz", at(6))
    assert caught.value.status == 404


def test_roles() -> None:
    check_can_carry(member(roles=frozenset({Role.GUIDE})))
    check_can_carry(member(roles=frozenset({Role.DRIVER, Role.HOST})))
    with pytest.raises(NotACarrier):
        check_can_carry(member(roles=frozenset({Role.HOST})))
    check_can_host(member(roles=frozenset({Role.HOST})))
    with pytest.raises(NotAHost):
        check_can_host(member(roles=frozenset({Role.DRIVER})))
    assert member(roles=frozenset({Role.CONTACT})).has_role(Role.CONTACT)


def test_cells_and_coordinators() -> None:
    members = [
        member(id="d", cell_ids=("a",)),
        member(id="ca", roles=frozenset({Role.COORDINATOR}), cell_ids=("a",)),
        member(id="cb", roles=frozenset({Role.COORDINATOR}), cell_ids=("b",)),
    ]
    assert [m.id for m in cell_members("a", members)] == ["d", "ca"]
    assert [m.id for m in cell_coordinators("a", members)] == ["ca"]
    assert [m.id for m in coordinators(members)] == ["ca", "cb"]
    assert Cell("a", "river cell").name == "river cell"
    with pytest.raises(InvalidValue):
        Cell("a", "")


def test_network() -> None:
    assert Network("n", "north", T0).name == "north"
    with pytest.raises(InvalidValue):
        Network("n", " ", T0)
    with pytest.raises(ValueError, match="UTC"):
        Network("n", "north", T0.replace(tzinfo=None))

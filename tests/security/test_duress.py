"""Duress indistinguishability at the byte level, on both engines.

A member with a duress passphrase and one without store rows of identical shape; the
duress passphrase opens the decoy and says so; the slot order does not tell which is real.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from safepassage import bootstrap
from safepassage.crypto import login_slots
from safepassage.crypto.kdf import ENCODED_COST_BYTES, TEST
from safepassage.crypto.keypairs import MemberKeys
from safepassage.services import members
from safepassage.services.errors import LoginFailed
from safepassage.store import schema
from safepassage.store.errors import NotReadable


def _slot_rows(runtime: bootstrap.Runtime) -> dict[bytes, tuple[bytes, bytes]]:
    with runtime.vault.engine.connect() as conn:
        return {
            bytes(r.tag): (bytes(r.slot_a), bytes(r.slot_b))
            for r in conn.execute(sa.select(schema.member_slot))
        }


def test_rows_with_and_without_duress_have_the_same_shape(runtime: bootstrap.Runtime) -> None:
    logins = runtime.context.logins
    people = {}
    for i in range(12):
        codename, secret = f"Member {i:02}", f"real passphrase number {i}"
        keys, decoy = MemberKeys.generate(), MemberKeys.generate()
        duress = f"duress passphrase number {i}" if i % 2 else None
        member_id = bytes([i]) * 16
        logins.create(
            codename, member_id, keys, secret, None if duress is None else (decoy, duress)
        )
        people[codename] = (member_id, keys, decoy, secret, duress)

    rows = _slot_rows(runtime)
    assert len(rows) == 12
    with_duress = {logins.tag(c) for c, p in people.items() if p[4] is not None}
    shapes = {
        tag: (len(tag), len(a), len(b), a[:ENCODED_COST_BYTES], b[:ENCODED_COST_BYTES])
        for tag, (a, b) in rows.items()
    }
    expected = (32, login_slots.SLOT_BYTES, login_slots.SLOT_BYTES)
    cost = TEST.member.encode()
    assert {shape for tag, shape in shapes.items() if tag in with_duress} == {
        (*expected, cost, cost)
    }
    assert {shape for tag, shape in shapes.items() if tag not in with_duress} == {
        (*expected, cost, cost)
    }
    all_slots = [slot for pair in rows.values() for slot in pair]
    assert len(set(all_slots)) == len(all_slots), "two slots are identical"

    for codename, (member_id, keys, decoy, secret, duress) in people.items():
        opened = logins.open(codename, secret)
        assert opened is not None
        assert (opened.member_id, opened.keys, opened.duress) == (member_id, keys, False)
        assert logins.open(codename, "not the passphrase") is None
        if duress is not None:
            under_duress = logins.open(codename, duress)
            assert under_duress is not None
            assert (under_duress.member_id, under_duress.keys, under_duress.duress) == (
                member_id,
                decoy,
                True,
            )
    assert logins.open("Nobody", "real passphrase number 1") is None


def test_setting_a_duress_passphrase_keeps_the_row_shape(runtime: bootstrap.Runtime) -> None:
    ctx = runtime.context
    secret, duress = "lantern cobalt meadow quiver", "lantern cobalt meadow shiver"
    _, member_id = members.found_cell(ctx, "Hill cell", "Kestrel", secret)
    before = _slot_rows(runtime)
    session = members.open_session(ctx, "Kestrel", secret)
    assert session.duress is False
    members.set_duress_passphrase(ctx, session, secret, duress)
    after = _slot_rows(runtime)
    assert set(after) == set(before)
    assert [len(s) for pair in after.values() for s in pair] == [
        len(s) for pair in before.values() for s in pair
    ]
    assert after != before, "the slots were not rewritten"

    decoy = members.open_session(ctx, "Kestrel", duress)
    assert decoy.duress is True
    assert decoy.member_id == member_id
    with pytest.raises(NotReadable):
        runtime.vault.read(bytes.fromhex(member_id), decoy.keyring)
    assert members.open_session(ctx, "Kestrel", secret).duress is False
    with pytest.raises(LoginFailed):
        members.open_session(ctx, "Kestrel", "lantern cobalt meadow")


@pytest.mark.parametrize("duress", [None, "second passphrase here"])
def test_slot_order_is_random(monkeypatch: pytest.MonkeyPatch, duress: str | None) -> None:
    keys, decoy, secret = MemberKeys.generate(), MemberKeys.generate(), "first passphrase here"
    positions = []
    for bit in (0, 1):
        monkeypatch.setattr(login_slots.secrets, "randbits", lambda _n, bit=bit: bit)
        slots = login_slots.make_slots(
            b"t" * 32,
            b"m" * 16,
            keys,
            secret,
            TEST.member,
            None if duress is None else (decoy, duress),
        )
        real = [login_slots.open_slots(b"t" * 32, (s, s), secret) is not None for s in slots]
        assert sorted(real) == [False, True]
        positions.append(real.index(True))
    assert sorted(positions) == [0, 1], "the real slot is always in the same column"


def test_filler_slots_are_fresh_random_bytes() -> None:
    fillers = {login_slots.filler_slot(TEST.member) for _ in range(20)}
    assert len(fillers) == 20
    assert {len(f) for f in fillers} == {login_slots.SLOT_BYTES}
    assert {f[:ENCODED_COST_BYTES] for f in fillers} == {TEST.member.encode()}

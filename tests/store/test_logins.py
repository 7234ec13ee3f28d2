"""Login slots at rest: an unknown codename does exactly the work of a wrong passphrase."""

from __future__ import annotations

import pytest

from safepassage import bootstrap
from safepassage.config import Settings
from safepassage.crypto import login_slots
from safepassage.crypto.keypairs import MemberKeys


def _count_derivations(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    salts: list[bytes] = []
    real = login_slots.derive_key

    def counting(passphrase: str, salt: bytes, cost: object) -> bytes:
        salts.append(salt)
        return real(passphrase, salt, cost)  # type: ignore[arg-type]

    monkeypatch.setattr(login_slots, "derive_key", counting)
    return salts


def test_every_login_attempt_derives_two_keys(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = bootstrap.initialise_store(store_settings, ["op"], 1)
    logins = runtime.context.logins
    logins.create("Heron", b"m" * 16, MemberKeys.generate(), "river at dawn")
    salts = _count_derivations(monkeypatch)
    outcomes = []
    for codename, passphrase in [
        ("Heron", "river at dawn"),
        ("Heron", "wrong"),
        ("Nobody", "river at dawn"),
        ("Nobody", "other"),
    ]:
        before = len(salts)
        outcomes.append(logins.open(codename, passphrase) is not None)
        assert len(salts) - before == 2, codename
    assert outcomes == [True, False, False, False]
    # The unknown codename is tried against slots of the same shape and cost.
    assert len(set(salts[4:6])) == 2
    assert salts[4:6] == salts[6:8]


def test_slot_rows_have_one_size_with_or_without_duress(store_settings: Settings) -> None:
    import sqlalchemy as sa

    from safepassage.store import schema

    runtime = bootstrap.initialise_store(store_settings, ["op"], 1)
    logins = runtime.context.logins
    logins.create("Plain", b"a" * 16, MemberKeys.generate(), "one passphrase")
    logins.create(
        "Guarded",
        b"b" * 16,
        MemberKeys.generate(),
        "two passphrase",
        duress=(MemberKeys.generate(), "decoy passphrase"),
    )
    with runtime.vault.engine.connect() as conn:
        rows = conn.execute(sa.select(schema.member_slot)).all()
    sizes = {(len(r.slot_a), len(r.slot_b)) for r in rows}
    assert sizes == {(login_slots.SLOT_BYTES, login_slots.SLOT_BYTES)}

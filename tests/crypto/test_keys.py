"""Subkeys, KDF profiles, generated passphrases, and secrets kept out of reprs."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from safepassage.config import ConfigError, Secret, Settings
from safepassage.crypto import passphrases
from safepassage.crypto.errors import EnvelopeError, KdfProfileError
from safepassage.crypto.kdf import (
    MIB,
    PRODUCTION,
    TEST,
    KdfCost,
    KdfProfile,
    derive_key,
    require_production_grade,
)
from safepassage.crypto.keypairs import BoxKeyPair, MemberKeys
from safepassage.crypto.subkeys import Subkey, derive_subkey
from safepassage.store.keyring import Subkeys

GIB = 1024 * MIB


# -- subkeys -----------------------------------------------------------------------------


def test_subkey_labels_are_unique_and_fit_blake2b_personalisation() -> None:
    labels = [label.value.encode() for label in Subkey]
    assert len(labels) == len(set(labels))
    for label in labels:
        assert 0 < len(label) <= 16, label


def test_subkeys_differ_per_label_and_per_instance_key() -> None:
    rng = random.Random(7)
    instance_keys = [rng.randbytes(32) for _ in range(4)]
    derived = {
        (i, label): derive_subkey(k, label) for i, k in enumerate(instance_keys) for label in Subkey
    }
    assert all(len(v) == 32 for v in derived.values())
    assert len(set(derived.values())) == len(derived), "two subkeys coincide"
    assert not set(derived.values()) & set(instance_keys), "a subkey equals an instance key"
    # Deterministic: the same instance key gives the same subkeys after a restart.
    assert derive_subkey(instance_keys[0], Subkey.ROW) == derived[(0, Subkey.ROW)]


def test_subkeys_of_the_store_use_every_label_once() -> None:
    keys = Subkeys.from_instance_key(b"\x07" * 32)
    values = [getattr(keys, name) for name in keys.__slots__]
    assert len(values) == len(set(values))
    assert set(values) == {derive_subkey(b"\x07" * 32, label) for label in Subkey}


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_subkeys_refuse_instance_keys_of_the_wrong_length(length: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        derive_subkey(b"k" * length, Subkey.ROW)


# -- KDF profiles ------------------------------------------------------------------------


def test_production_profile_meets_its_floor() -> None:
    assert PRODUCTION.member.memlimit >= 256 * MIB
    assert PRODUCTION.operator.memlimit >= GIB
    assert PRODUCTION.member.opslimit >= 3
    assert PRODUCTION.operator.opslimit >= 3
    require_production_grade(PRODUCTION)


def test_test_profile_is_refused_for_production() -> None:
    with pytest.raises(KdfProfileError):
        require_production_grade(TEST)


@pytest.mark.parametrize(
    "profile",
    [
        KdfProfile("cheap-member", KdfCost(3, 256 * MIB - 1), PRODUCTION.operator),
        KdfProfile("cheap-operator", PRODUCTION.member, KdfCost(4, GIB - 1)),
        KdfProfile("few-member-passes", KdfCost(2, 256 * MIB), PRODUCTION.operator),
        KdfProfile("few-operator-passes", PRODUCTION.member, KdfCost(3, GIB)),
    ],
    ids=lambda p: p.name,
)
def test_each_floor_is_enforced(profile: KdfProfile) -> None:
    with pytest.raises(KdfProfileError):
        require_production_grade(profile)


def test_settings_refuse_the_test_profile_in_production(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Settings(tmp_path, environment="production", kdf_profile="test")
    with pytest.raises(ConfigError):
        Settings.from_env({"SAFEPASSAGE_KDF": "test"}, data_dir=tmp_path)
    assert Settings(tmp_path, environment="development", kdf_profile="test").kdf_profile == "test"
    assert Settings.from_env({}, data_dir=tmp_path).kdf_profile == "production"


def test_kdf_cost_round_trips() -> None:
    for cost in (TEST.member, TEST.operator, PRODUCTION.member, PRODUCTION.operator):
        assert KdfCost.decode(cost.encode()) == cost


@pytest.mark.parametrize(
    ("opslimit", "memlimit"),
    [
        (0, 256 * MIB),
        (65, 256 * MIB),
        (2**32 - 1, 256 * MIB),
        (3, 0),
        (3, 1024),
        (3, 8 * GIB + 1),
        (3, 1 << 40),
        (3, 2**64 - 1),
    ],
)
def test_kdf_cost_decode_refuses_absurd_values(opslimit: int, memlimit: int) -> None:
    with pytest.raises(EnvelopeError):
        KdfCost.decode(KdfCost(opslimit, memlimit).encode())


@pytest.mark.parametrize("raw", [b"", b"\x00" * 4, b"\xff" * 12])
def test_kdf_cost_decode_refuses_short_or_garbage_rows(raw: bytes) -> None:
    with pytest.raises(EnvelopeError):
        KdfCost.decode(raw)


def test_derived_keys_depend_on_passphrase_salt_and_cost() -> None:
    salt, other_salt = b"s" * 16, b"t" * 16
    base = derive_key("amber orbit", salt, TEST.member)
    assert derive_key("amber orbit", salt, TEST.member) == base
    assert derive_key(" amber orbit ", salt, TEST.member) == base  # normalised
    variants = [
        derive_key("amber orbiu", salt, TEST.member),
        derive_key("amber orbit", other_salt, TEST.member),
        derive_key("amber orbit", salt, KdfCost(TEST.member.opslimit + 1, TEST.member.memlimit)),
        derive_key("amber orbit", salt, KdfCost(TEST.member.opslimit, 2 * TEST.member.memlimit)),
    ]
    assert len({base, *variants}) == 5


# -- passphrases -------------------------------------------------------------------------


def test_wordlist_has_7776_unique_words() -> None:
    words = passphrases.wordlist()
    assert len(words) == 7776
    assert len(set(words)) == 7776
    assert all(w and w == w.strip() and " " not in w for w in words)


def test_generated_passphrase_draws_eight_words_from_the_whole_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pools: list[int] = []
    real_choice = passphrases.secrets.choice

    def recording_choice(pool: tuple[str, ...]) -> str:
        pools.append(len(set(pool)))
        return real_choice(pool)

    monkeypatch.setattr(passphrases.secrets, "choice", recording_choice)
    phrase = passphrases.generate_passphrase()
    assert pools == [7776] * 8
    words = phrase.split(" ")
    assert len(words) == passphrases.DEFAULT_WORDS == 8
    assert set(words) <= set(passphrases.wordlist())


def test_generated_passphrases_differ() -> None:
    phrases = {passphrases.generate_passphrase() for _ in range(50)}
    assert len(phrases) == 50


# -- secrets out of reprs ----------------------------------------------------------------


def _forms(secret: bytes) -> list[str]:
    return [repr(secret), secret.hex(), secret.hex().upper(), str(list(secret)[:8])[1:-1]]


def _assert_hidden(obj: object, *secrets: bytes | str) -> None:
    shown = repr(obj) + str(obj)
    for secret in secrets:
        forms = [secret] if isinstance(secret, str) else _forms(secret)
        for form in forms:
            assert form not in shown, f"{type(obj).__name__} shows a secret: {shown}"


def test_secret_hides_its_value() -> None:
    url = "postgresql://sp:hunter2-very-secret@db/sp"
    secret = Secret(url)
    _assert_hidden(secret, url, "hunter2")
    assert secret.reveal() == url
    _assert_hidden(Settings(Path("x"), "test", "test", secret), "hunter2")


def test_key_pairs_hide_private_halves() -> None:
    pair = BoxKeyPair.generate()
    _assert_hidden(pair, pair.private)
    assert pair.public.hex() in repr(pair) or repr(pair.public) in repr(pair)
    member = MemberKeys.generate()
    _assert_hidden(member, member.box.private, member.signing_seed)


def test_subkeys_hide_every_subkey() -> None:
    keys = Subkeys.from_instance_key(b"\x01" * 32)
    _assert_hidden(keys, b"\x01" * 32, *(getattr(keys, name) for name in keys.__slots__))

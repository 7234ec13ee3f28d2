"""Round trips of every envelope kind, driven by Hypothesis.

Each property also checks a negative (wrong key, wrong passphrase, too few operators) so a
round trip that "works" by ignoring its key would fail here.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safepassage.crypto import aead, login_slots, operators, padding, records, sealing
from safepassage.crypto.errors import EnvelopeError, UnlockError
from safepassage.crypto.kdf import TEST, normalise_passphrase
from safepassage.crypto.keypairs import BoxKeyPair, MemberKeys
from safepassage.domain.record_header import RecordHeader

keys = st.binary(min_size=32, max_size=32)
record_ids = st.binary(min_size=16, max_size=16)
plaintexts = st.binary(max_size=3000)
kinds = st.text(max_size=24)
box_pairs = keys.map(BoxKeyPair.from_private)
member_keys = st.builds(lambda box, seed: MemberKeys(box=box, signing_seed=seed), box_pairs, keys)
passphrases = st.text(min_size=1, max_size=40)
# The same examples on every run: a failure here is a bug, never a flake.
DETERMINISTIC = settings(derandomize=True)
fixed_zones = st.sampled_from(
    [
        None,
        dt.UTC,
        dt.timezone(dt.timedelta(hours=5, minutes=30)),
        dt.timezone(-dt.timedelta(hours=3)),
        dt.timezone(dt.timedelta(hours=6, minutes=30)),
    ]
)


def _distinct(*phrases: str) -> bool:
    """Distinct as the KDF sees them (and as `make_slots`' own check sees them)."""
    normalised = [normalise_passphrase(p) for p in phrases]
    stripped = [p.strip() for p in phrases]
    return len(set(normalised)) == len(phrases) and len(set(stripped)) == len(phrases)


# -- AEAD and padding --------------------------------------------------------------------


@DETERMINISTIC
@given(keys, plaintexts, st.binary(max_size=300), keys)
def test_aead_round_trip_and_wrong_key(
    key: bytes, plaintext: bytes, associated: bytes, other: bytes
) -> None:
    envelope = aead.encrypt(key, plaintext, associated)
    assert len(envelope) == len(plaintext) + aead.OVERHEAD
    assert aead.decrypt(key, envelope, associated) == plaintext
    assume(other != key)
    with pytest.raises(EnvelopeError):
        aead.decrypt(other, envelope, associated)
    with pytest.raises(EnvelopeError):
        aead.decrypt(key, envelope, associated + b"\x00")


@DETERMINISTIC
@given(keys, plaintexts)
def test_aead_nonces_are_fresh(key: bytes, plaintext: bytes) -> None:
    first, second = aead.encrypt(key, plaintext, b""), aead.encrypt(key, plaintext, b"")
    assert first[: aead.NONCE_BYTES] != second[: aead.NONCE_BYTES]


@DETERMINISTIC
@given(st.binary(max_size=5000))
def test_padding_round_trip_and_bucket(data: bytes) -> None:
    padded = padding.pad(data)
    size = len(padded)
    assert size == padding.bucket_size(len(data))
    assert size >= 256
    assert size & (size - 1) == 0, "buckets are powers of two"
    assert size > len(data)
    assert size < 2 * max(256, len(data) + 1), "the smallest bucket that fits"
    assert padding.unpad(padded) == data


# -- record envelopes --------------------------------------------------------------------


@DETERMINISTIC
@given(keys, record_ids, st.binary(max_size=2000), record_ids)
def test_header_round_trip(row_key: bytes, rid: bytes, header: bytes, other_rid: bytes) -> None:
    envelope = records.seal_header(row_key, rid, header)
    assert len(envelope) == padding.bucket_size(len(header)) + aead.OVERHEAD
    assert records.open_header(row_key, rid, envelope) == header
    assume(other_rid != rid)
    with pytest.raises(EnvelopeError):
        records.open_header(row_key, other_rid, envelope)


@DETERMINISTIC
@given(keys, kinds, record_ids, plaintexts, kinds)
def test_body_round_trip(
    data_key: bytes, kind: str, rid: bytes, body: bytes, other_kind: str
) -> None:
    envelope = records.seal_body(data_key, kind, rid, body)
    assert len(envelope) == padding.bucket_size(len(body)) + aead.OVERHEAD
    assert records.open_body(data_key, kind, rid, envelope) == body
    assume(other_kind != kind)
    with pytest.raises(EnvelopeError):
        records.open_body(data_key, other_kind, rid, envelope)


@DETERMINISTIC
@given(keys, box_pairs, box_pairs, keys, kinds, record_ids, keys)
def test_wrap_round_trip(
    data_key: bytes,
    recipient: BoxKeyPair,
    stranger: BoxKeyPair,
    epoch_key: bytes,
    kind: str,
    rid: bytes,
    tag_key: bytes,
) -> None:
    tag = records.recipient_tag(tag_key, rid, recipient.public)
    envelope = records.wrap_data_key(data_key, recipient.public, epoch_key, kind, rid, tag)
    assert records.unwrap_data_key(envelope, recipient.private, epoch_key, kind, rid, tag) == (
        data_key
    )
    assume(stranger.public != recipient.public)
    with pytest.raises(EnvelopeError):
        records.unwrap_data_key(envelope, stranger.private, epoch_key, kind, rid, tag)


@DETERMINISTIC
@given(keys, keys, st.dates(), keys)
def test_epoch_key_round_trip(wrap_key: bytes, tag_key: bytes, day: dt.date, key: bytes) -> None:
    tag = records.epoch_tag(tag_key, day)
    envelope = records.seal_epoch_key(wrap_key, tag, day, key)
    assert records.open_epoch_key(wrap_key, tag, envelope) == (day, key)
    other_tag = records.epoch_tag(tag_key, day + dt.timedelta(days=1) if day < dt.date.max else day)
    if other_tag != tag:
        with pytest.raises(EnvelopeError):
            records.open_epoch_key(wrap_key, other_tag, envelope)


@DETERMINISTIC
@given(box_pairs, st.binary(max_size=2000), box_pairs)
def test_sealed_box_round_trip(pair: BoxKeyPair, data: bytes, stranger: BoxKeyPair) -> None:
    sealed = sealing.seal(pair.public, data)
    assert sealing.unseal(pair.private, sealed) == data
    assume(stranger.public != pair.public)
    with pytest.raises(EnvelopeError):
        sealing.unseal(stranger.private, sealed)


# -- operator material -------------------------------------------------------------------


@DETERMINISTIC
@given(keys, passphrases, passphrases)
def test_operator_one_of_one(instance_key: bytes, passphrase: str, wrong: str) -> None:
    assume(_distinct(passphrase, wrong))
    material = operators.wrap_instance_key(instance_key, [passphrase], 1, TEST.operator)
    assert len(material.wraps) == 1
    assert operators.unwrap_instance_key(material, [passphrase]) == instance_key
    with pytest.raises(UnlockError):
        operators.unwrap_instance_key(material, [wrong])
    with pytest.raises(UnlockError):
        operators.unwrap_instance_key(material, [])


@DETERMINISTIC
@given(keys, st.lists(passphrases, min_size=4, max_size=4))
def test_operator_two_of_three(instance_key: bytes, phrases: list[str]) -> None:
    assume(_distinct(*phrases))
    team, wrong = phrases[:3], phrases[3]
    material = operators.wrap_instance_key(instance_key, team, 2, TEST.operator)
    assert len(material.wraps) == 3
    for pair in itertools.permutations(team, 2):
        assert operators.unwrap_instance_key(material, list(pair)) == instance_key
    for one in team:
        with pytest.raises(UnlockError):
            operators.unwrap_instance_key(material, [one])
        with pytest.raises(UnlockError):
            operators.unwrap_instance_key(material, [one, one])
        with pytest.raises(UnlockError):
            operators.unwrap_instance_key(material, [one, wrong])
    with pytest.raises(UnlockError):
        operators.unwrap_instance_key(material, [wrong, team[0]])


# -- login slots -------------------------------------------------------------------------


@DETERMINISTIC
@given(keys, record_ids, member_keys, passphrases, passphrases)
def test_login_slots_without_duress(
    tag: bytes, member_id: bytes, keys_: MemberKeys, passphrase: str, wrong: str
) -> None:
    assume(_distinct(passphrase, wrong))
    slots = login_slots.make_slots(tag, member_id, keys_, passphrase, TEST.member)
    assert [len(s) for s in slots] == [login_slots.SLOT_BYTES] * 2
    opened = login_slots.open_slots(tag, slots, passphrase)
    assert opened is not None
    assert (opened.member_id, opened.keys, opened.duress) == (member_id, keys_, False)
    assert login_slots.open_slots(tag, slots, wrong) is None


@DETERMINISTIC
@given(keys, record_ids, member_keys, member_keys, st.lists(passphrases, min_size=3, max_size=3))
def test_login_slots_with_duress(
    tag: bytes, member_id: bytes, real: MemberKeys, decoy: MemberKeys, phrases: list[str]
) -> None:
    passphrase, duress, wrong = phrases
    assume(_distinct(passphrase, duress, wrong))
    slots = login_slots.make_slots(
        tag, member_id, real, passphrase, TEST.member, duress=(decoy, duress)
    )
    assert [len(s) for s in slots] == [login_slots.SLOT_BYTES] * 2
    opened = login_slots.open_slots(tag, slots, passphrase)
    assert opened is not None
    assert (opened.member_id, opened.keys, opened.duress) == (member_id, real, False)
    under_duress = login_slots.open_slots(tag, slots, duress)
    assert under_duress is not None
    assert (under_duress.member_id, under_duress.keys, under_duress.duress) == (
        member_id,
        decoy,
        True,
    )
    assert login_slots.open_slots(tag, slots, wrong) is None


# -- record headers ----------------------------------------------------------------------

roles = st.text(max_size=12)
headers = st.builds(
    RecordHeader,
    kind=kinds,
    expires=st.dates(),
    links=st.dictionaries(roles, st.lists(record_ids, max_size=3).map(tuple), max_size=3),
    times=st.dictionaries(roles, st.datetimes(timezones=fixed_zones), max_size=3),
    recipients=st.lists(keys, max_size=4).map(tuple),
    attrs=st.dictionaries(roles, st.text(max_size=30), max_size=3),
)


@DETERMINISTIC
@given(headers)
def test_record_header_round_trip(header: RecordHeader) -> None:
    decoded = RecordHeader.decode(header.encode())
    assert decoded == header
    for name, moment in header.times.items():
        assert decoded.times[name].utcoffset() == moment.utcoffset()


@DETERMINISTIC
@given(headers, keys, record_ids)
def test_record_header_through_its_envelope(
    header: RecordHeader, row_key: bytes, rid: bytes
) -> None:
    envelope = records.seal_header(row_key, rid, header.encode())
    assert RecordHeader.decode(records.open_header(row_key, rid, envelope)) == header


def test_duress_passphrase_equal_after_normalisation_is_refused() -> None:
    keys_, decoy = MemberKeys.generate(), MemberKeys.generate()
    real, duress = "fish tank river", "\ufb01sh tank river"  # "fi" ligature: NFKC-equal
    assert normalise_passphrase(real) == normalise_passphrase(duress)
    with pytest.raises(ValueError, match="duress"):
        login_slots.make_slots(
            b"t" * 32, b"m" * 16, keys_, real, TEST.member, duress=(decoy, duress)
        )


def test_real_passphrase_never_opens_as_duress() -> None:
    """Whatever make_slots accepts, the real passphrase must log in as the real member.

    Runs 40 fresh slot pairs, so a 50/50 slot order cannot hide a wrong match.
    """
    keys_, decoy = MemberKeys.generate(), MemberKeys.generate()
    real, duress = "fish tank river", "fish tank rover"
    for _ in range(40):
        slots = login_slots.make_slots(
            b"t" * 32, b"m" * 16, keys_, real, TEST.member, duress=(decoy, duress)
        )
        opened = login_slots.open_slots(b"t" * 32, slots, real)
        assert opened is not None
        assert opened.duress is False
        assert opened.keys == keys_

"""Tamper campaigns: at least 1,000 altered envelopes per kind, each rejected in one way only.

Attempts are generated from a seeded `random.Random` (not Hypothesis) so every run makes
the same attempts and the count is exact. Every attempt must raise exactly the declared
error (`EnvelopeError`; `UnlockError` for operator material) or, for login slots, return
None. Anything else (acceptance, ValueError, IndexError, a PyNaCl error) fails the test.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from safepassage.crypto import aead, login_slots, operators, records, sealing
from safepassage.crypto.context import FORMAT_VERSION, Purpose, associated_data
from safepassage.crypto.errors import EnvelopeError, UnlockError
from safepassage.crypto.kdf import ENCODED_COST_BYTES, MIB, SALT_BYTES, TEST, KdfCost, derive_key
from safepassage.crypto.keypairs import BoxKeyPair, MemberKeys
from safepassage.crypto.padding import pad
from safepassage.crypto.subkeys import keyed_hash

MIN_ATTEMPTS = 1000
SEED = 20261125
OTHER_VERSIONS = (0, FORMAT_VERSION + 1, 0xFFFF)

Regions = dict[str, tuple[int, int]]


def aead_regions(envelope: bytes, start: int = 0) -> Regions:
    n = len(envelope)
    return {
        "nonce": (start, start + aead.NONCE_BYTES),
        "ciphertext": (start + aead.NONCE_BYTES, n - aead.TAG_BYTES),
        "tag": (n - aead.TAG_BYTES, n),
    }


def sealed_box_regions(sealed: bytes) -> Regions:
    # crypto_box_seal: ephemeral public key || MAC || ciphertext
    return {"ephemeral-key": (0, 32), "tag": (32, 48), "ciphertext": (48, len(sealed))}


def slot_regions(slot: bytes) -> Regions:
    head = ENCODED_COST_BYTES + SALT_BYTES
    return {"cost": (0, ENCODED_COST_BYTES), "salt": (ENCODED_COST_BYTES, head)} | aead_regions(
        slot, head
    )


def _region_of(regions: Regions, position: int) -> str:
    return next(name for name, (lo, hi) in regions.items() if lo <= position < hi)


def _flip(data: bytes, bits: list[int]) -> bytes:
    out = bytearray(data)
    for bit in bits:
        out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def mutations(envelope: bytes, regions: Regions, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Bit flips in every region, truncation at every length, extension, prefixes."""
    n = len(envelope)
    for position in range(n):
        bits = range(8) if n <= 256 else [rng.randrange(8)]
        for bit in bits:
            yield f"flip/{_region_of(regions, position)}", _flip(envelope, [position * 8 + bit])
    for name, (lo, hi) in regions.items():
        for _ in range(40):
            count = min(rng.randint(2, 12), (hi - lo) * 8)
            if count >= 2:
                yield (
                    f"multi-flip/{name}",
                    _flip(envelope, rng.sample(range(lo * 8, hi * 8), count)),
                )
    for _ in range(200):
        yield "multi-flip/any", _flip(envelope, rng.sample(range(n * 8), rng.randint(2, 24)))
    for length in range(n):
        yield "truncate", envelope[:length]
    for _ in range(100):
        yield "extend", envelope + rng.randbytes(rng.randint(1, 64))
    for _ in range(20):
        yield "prepend", rng.randbytes(rng.randint(1, 16)) + envelope


@dataclasses.dataclass
class Campaign:
    """Counts attempts and fails on the first one not rejected in the declared way."""

    kind: str
    error: type[Exception] | None  # None: the call must return None
    labels: Counter[str] = dataclasses.field(default_factory=Counter)

    @property
    def attempts(self) -> int:
        return sum(self.labels.values())

    def reject(self, label: str, call: Callable[[], Any]) -> None:
        self.labels[label] += 1
        try:
            result = call()
        except Exception as exc:
            if self.error is not None and type(exc) is self.error:
                return
            raise AssertionError(
                f"{self.kind} [{label}]: leaked {type(exc).__module__}.{type(exc).__name__}"
            ) from exc
        if self.error is None and result is None:
            return
        raise AssertionError(f"{self.kind} [{label}]: a tampered envelope was accepted")

    def check(self, *required: str) -> None:
        assert self.attempts >= MIN_ATTEMPTS, (self.kind, self.attempts)
        parts = [label.split("/") for label in self.labels]
        seen = {"/".join(p[:i]) for p in parts for i in range(1, len(p) + 1)}
        missing = [label for label in required if label not in seen]
        assert not missing, f"{self.kind}: no attempt of class {missing}"


ENVELOPE_CLASSES = ("flip/nonce", "flip/ciphertext", "flip/tag", "truncate", "extend")


def _other_contexts(purpose: Purpose, kind: str, ident: bytes) -> Iterator[tuple[str, bytes]]:
    """Associated data of every neighbouring context: purpose, kind, ident and version."""
    for other in Purpose:
        if other is not purpose:
            yield f"ad/purpose={other.value}", associated_data(other, kind, ident)
    for other_kind in ("", "case", "member", "cell", "journey", kind + "x"):
        if other_kind != kind:
            yield "ad/kind", associated_data(purpose, other_kind, ident)
    for other_ident in (b"", ident[:-1], ident + b"\x00", _flip(ident, [0]), b"\x00" * 16):
        if other_ident != ident:
            yield "ad/ident", associated_data(purpose, kind, other_ident)
    for version in OTHER_VERSIONS:
        yield f"ad/version={version}", associated_data(purpose, kind, ident, version)


def _wrong_keys(rng: random.Random, key: bytes) -> Iterator[tuple[str, bytes]]:
    for _ in range(40):
        yield "wrong-key", rng.randbytes(32)
    yield "wrong-key/flipped", _flip(key, [rng.randrange(256)])
    for length in (0, 1, 16, 31, 33, 64):
        yield "wrong-key/length", rng.randbytes(length)


# -- AEAD --------------------------------------------------------------------------------


def test_aead_tamper_campaign() -> None:
    rng = random.Random(SEED)
    key, associated = rng.randbytes(32), associated_data(Purpose.BODY, "case", rng.randbytes(16))
    envelope = aead.encrypt(key, rng.randbytes(100), associated)
    campaign = Campaign("aead", EnvelopeError)
    for label, bad in mutations(envelope, aead_regions(envelope), rng):
        campaign.reject(label, lambda bad=bad: aead.decrypt(key, bad, associated))
    for label, other in _wrong_keys(rng, key):
        campaign.reject(label, lambda other=other: aead.decrypt(other, envelope, associated))
    for label, bad_ad in mutations(associated, {"ad": (0, len(associated))}, rng):
        campaign.reject(f"ad/{label}", lambda bad_ad=bad_ad: aead.decrypt(key, envelope, bad_ad))
    campaign.check(*ENVELOPE_CLASSES, "wrong-key", "ad/truncate", "ad/extend")


# -- headers and bodies ------------------------------------------------------------------


def _bad_padding(rng: random.Random) -> Iterator[bytes]:
    yield b""
    yield b"\x00" * 256  # no marker
    yield b"\x00" * 512
    yield rng.randbytes(100)  # not a bucket size
    yield rng.randbytes(255)
    yield rng.randbytes(257)
    yield b"\x80" + b"\x01" * 255  # bytes after the marker that are not zero
    for _ in range(20):
        yield rng.randbytes(256).rstrip(b"\x80\x00") + b"\x01"


def test_header_tamper_campaign() -> None:
    rng = random.Random(SEED + 1)
    row_key, rid = rng.randbytes(32), rng.randbytes(16)
    header = b'{"k":"case","e":"2026-12-01","r":[]}'
    envelope = records.seal_header(row_key, rid, header)
    assert records.open_header(row_key, rid, envelope) == header
    campaign = Campaign("header", EnvelopeError)
    for label, bad in mutations(envelope, aead_regions(envelope), rng):
        campaign.reject(label, lambda bad=bad: records.open_header(row_key, rid, bad))
    for label, key in _wrong_keys(rng, row_key):
        campaign.reject(label, lambda key=key: records.open_header(key, rid, envelope))
    for _ in range(30):
        other = rng.randbytes(16)
        campaign.reject("other-record", lambda o=other: records.open_header(row_key, o, envelope))
    for label, ad in _other_contexts(Purpose.HEADER, "", rid):
        moved = aead.encrypt(row_key, pad(header), ad)
        campaign.reject(label, lambda moved=moved: records.open_header(row_key, rid, moved))
    body_under_row_key = records.seal_body(row_key, "case", rid, header)
    campaign.reject("swap/body", lambda: records.open_header(row_key, rid, body_under_row_key))
    ad = associated_data(Purpose.HEADER, "", rid)
    for plaintext in _bad_padding(rng):
        bad = aead.encrypt(row_key, plaintext, ad)
        campaign.reject("bad-padding", lambda bad=bad: records.open_header(row_key, rid, bad))
    campaign.check(*ENVELOPE_CLASSES, "wrong-key", "other-record", "ad/kind", "bad-padding")
    assert {"ad/purpose=body", "ad/version=2", "ad/version=0"} <= set(campaign.labels)


def test_body_tamper_campaign() -> None:
    rng = random.Random(SEED + 2)
    data_key, rid, kind = rng.randbytes(32), rng.randbytes(16), "case"
    body = rng.randbytes(300)
    envelope = records.seal_body(data_key, kind, rid, body)
    campaign = Campaign("body", EnvelopeError)
    for label, bad in mutations(envelope, aead_regions(envelope), rng):
        campaign.reject(label, lambda bad=bad: records.open_body(data_key, kind, rid, bad))
    for label, key in _wrong_keys(rng, data_key):
        campaign.reject(label, lambda key=key: records.open_body(key, kind, rid, envelope))
    for _ in range(30):
        other = rng.randbytes(16)
        campaign.reject(
            "other-record", lambda o=other: records.open_body(data_key, kind, o, envelope)
        )
    for other_kind in ("", "member", "cell", "Case", "case ", "journey"):
        campaign.reject(
            "other-kind", lambda k=other_kind: records.open_body(data_key, k, rid, envelope)
        )
    for label, ad in _other_contexts(Purpose.BODY, kind, rid):
        moved = aead.encrypt(data_key, pad(body), ad)
        campaign.reject(label, lambda moved=moved: records.open_body(data_key, kind, rid, moved))
    ad = associated_data(Purpose.BODY, kind, rid)
    for plaintext in _bad_padding(rng):
        bad = aead.encrypt(data_key, plaintext, ad)
        campaign.reject("bad-padding", lambda bad=bad: records.open_body(data_key, kind, rid, bad))
    campaign.check(*ENVELOPE_CLASSES, "wrong-key", "other-record", "other-kind", "bad-padding")
    assert {"ad/purpose=header", "ad/version=2"} <= set(campaign.labels)


# -- wraps -------------------------------------------------------------------------------


def test_wrap_tamper_campaign() -> None:
    rng = random.Random(SEED + 3)
    data_key, epoch_key, rid, kind = (
        rng.randbytes(32),
        rng.randbytes(32),
        rng.randbytes(16),
        "case",
    )
    recipient = BoxKeyPair.from_private(rng.randbytes(32))
    tag = records.recipient_tag(rng.randbytes(32), rid, recipient.public)
    envelope = records.wrap_data_key(data_key, recipient.public, epoch_key, kind, rid, tag)

    def unwrap(
        env: bytes = envelope,
        private: bytes = recipient.private,
        ek: bytes = epoch_key,
        kind_: str = kind,
        rid_: bytes = rid,
        tag_: bytes = tag,
    ) -> bytes:
        return records.unwrap_data_key(env, private, ek, kind_, rid_, tag_)

    assert unwrap() == data_key
    campaign = Campaign("wrap", EnvelopeError)
    for label, bad in mutations(envelope, aead_regions(envelope), rng):
        campaign.reject(label, lambda bad=bad: unwrap(env=bad))
    for label, key in _wrong_keys(rng, epoch_key):
        campaign.reject(f"epoch-{label}", lambda key=key: unwrap(ek=key))
    for label, key in _wrong_keys(rng, recipient.private):
        campaign.reject(f"recipient-{label}", lambda key=key: unwrap(private=key))
    for _ in range(20):
        other = rng.randbytes(16)
        campaign.reject("other-record", lambda o=other: unwrap(rid_=o))
        campaign.reject("other-tag", lambda o=other + other: unwrap(tag_=o))
    for other_kind in ("", "member", "cell", "Case"):
        campaign.reject("other-kind", lambda k=other_kind: unwrap(kind_=k))
    inner = sealing.seal(recipient.public, data_key)
    for label, ad in _other_contexts(Purpose.WRAP, kind, rid + tag):
        moved = aead.encrypt(epoch_key, inner, ad)
        campaign.reject(label, lambda moved=moved: unwrap(env=moved))
    # The outer layer intact, the sealed box inside it altered: the inner check must hold.
    ad = associated_data(Purpose.WRAP, kind, rid + tag)
    for label, bad_inner in mutations(inner, sealed_box_regions(inner), rng):
        rewrapped = aead.encrypt(epoch_key, bad_inner, ad)
        campaign.reject(f"inner/{label}", lambda env=rewrapped: unwrap(env=env))
    for length in (0, 1, 16, 31, 33, 64):
        odd = aead.encrypt(epoch_key, sealing.seal(recipient.public, rng.randbytes(length)), ad)
        campaign.reject("inner/key-length", lambda env=odd: unwrap(env=env))
    campaign.check(
        *ENVELOPE_CLASSES, "epoch-wrong-key", "recipient-wrong-key", "other-tag", "inner/flip"
    )


# -- epoch keys --------------------------------------------------------------------------


def test_epoch_tamper_campaign() -> None:
    import datetime as dt

    rng = random.Random(SEED + 4)
    wrap_key, tag_key, key = rng.randbytes(32), rng.randbytes(32), rng.randbytes(32)
    day = dt.date(2026, 12, 1)
    tag = records.epoch_tag(tag_key, day)
    envelope = records.seal_epoch_key(wrap_key, tag, day, key)
    assert records.open_epoch_key(wrap_key, tag, envelope) == (day, key)
    campaign = Campaign("epoch", EnvelopeError)
    for label, bad in mutations(envelope, aead_regions(envelope), rng):
        campaign.reject(label, lambda bad=bad: records.open_epoch_key(wrap_key, tag, bad))
    for label, other in _wrong_keys(rng, wrap_key):
        campaign.reject(label, lambda o=other: records.open_epoch_key(o, tag, envelope))
    for offset in range(1, 31):
        other_tag = records.epoch_tag(tag_key, day + dt.timedelta(days=offset))
        campaign.reject(
            "other-day", lambda t=other_tag: records.open_epoch_key(wrap_key, t, envelope)
        )
    plaintext = day.isoformat().encode() + key
    for label, ad in _other_contexts(Purpose.EPOCH, "", tag):
        moved = aead.encrypt(wrap_key, plaintext, ad)
        campaign.reject(label, lambda m=moved: records.open_epoch_key(wrap_key, tag, m))
    ad = associated_data(Purpose.EPOCH, "", tag)
    malformed = [b"", b"2026-12-01", b"2026-13-01" + key, b"2026-12-\xff1" + key, b"x" * 42]
    malformed += [day.isoformat().encode() + rng.randbytes(n) for n in range(64) if n != 32]
    for bad_plaintext in malformed:
        bad = aead.encrypt(wrap_key, bad_plaintext, ad)
        campaign.reject("malformed", lambda bad=bad: records.open_epoch_key(wrap_key, tag, bad))
    campaign.check(*ENVELOPE_CLASSES, "wrong-key", "other-day", "malformed")


# -- sealed boxes ------------------------------------------------------------------------


def test_sealed_box_tamper_campaign() -> None:
    rng = random.Random(SEED + 5)
    pair = BoxKeyPair.from_private(rng.randbytes(32))
    sealed = sealing.seal(pair.public, rng.randbytes(32))
    campaign = Campaign("sealed-box", EnvelopeError)
    for label, bad in mutations(sealed, sealed_box_regions(sealed), rng):
        campaign.reject(label, lambda bad=bad: sealing.unseal(pair.private, bad))
    for label, key in _wrong_keys(rng, pair.private):
        campaign.reject(label, lambda key=key: sealing.unseal(key, sealed))
    campaign.check("flip/ephemeral-key", "flip/tag", "flip/ciphertext", "truncate", "extend")


# -- login slots -------------------------------------------------------------------------


def _inert_cost_change(original: bytes, slot: bytes) -> bool:
    """True when only the cost changed, and only in bits Argon2id ignores.

    libsodium counts memory in KiB (memlimit // 1024), so the ten low bits of the stored
    memlimit do not change the key; the cost is not in the associated data, so such a slot
    still opens. That is the bug `test_login_slot_cost_is_authenticated` records.
    """
    if len(slot) != len(original) or slot[ENCODED_COST_BYTES:] != original[ENCODED_COST_BYTES:]:
        return False
    before = KdfCost.decode(original[:ENCODED_COST_BYTES])
    try:
        after = KdfCost.decode(slot[:ENCODED_COST_BYTES])
    except EnvelopeError:
        return False
    return (after.opslimit, after.memlimit // 1024) == (before.opslimit, before.memlimit // 1024)


def _affordable(slot: bytes) -> bool:
    """False for slots whose altered cost asks Argon2id for more than 4 MiB.

    `KdfCost.decode` accepts up to 8 GiB by design (a stored production cost), so a flipped
    high memory bit would make one attempt allocate gigabytes; those are left out here and
    the bound itself is tested in test_keys.py.
    """
    try:
        cost = KdfCost.decode(slot[:ENCODED_COST_BYTES])
    except EnvelopeError:
        return True
    return cost.memlimit <= 4 * MIB


def test_login_slot_tamper_campaign() -> None:
    rng = random.Random(SEED + 6)
    tag, member_id = rng.randbytes(32), rng.randbytes(16)
    keys = MemberKeys(BoxKeyPair.from_private(rng.randbytes(32)), rng.randbytes(32))
    passphrase = "ledger quilt morning sparrow"
    first, second = login_slots.make_slots(tag, member_id, keys, passphrase, TEST.member)
    real, filler = (
        (first, second)
        if login_slots.open_slots(tag, (first, first), passphrase)
        else (
            second,
            first,
        )
    )
    assert login_slots.open_slots(tag, (real, real), passphrase) is not None
    assert login_slots.open_slots(tag, (filler, filler), passphrase) is None

    campaign = Campaign("login-slot", None)
    for label, bad in mutations(real, slot_regions(real), rng):
        if _affordable(bad) and not _inert_cost_change(real, bad):
            campaign.reject(
                label, lambda bad=bad: login_slots.open_slots(tag, (bad, filler), passphrase)
            )
    for _ in range(40):
        wrong = " ".join(rng.choice(["ledger", "quilt", "morning", "sparrow", "x"]) for _ in "1234")
        if wrong != passphrase:
            campaign.reject(
                "wrong-passphrase",
                lambda w=wrong: login_slots.open_slots(tag, (real, filler), w),
            )
        other_tag = rng.randbytes(32)
        campaign.reject(
            "other-member",
            lambda t=other_tag: login_slots.open_slots(t, (real, filler), passphrase),
        )
    salt = real[ENCODED_COST_BYTES : ENCODED_COST_BYTES + SALT_BYTES]
    secret = derive_key(passphrase, salt, TEST.member)
    plaintext = b"\x01" + member_id + keys.box.private + keys.signing_seed
    head = real[: ENCODED_COST_BYTES + SALT_BYTES]
    for label, ad in _other_contexts(Purpose.LOGIN_SLOT, "", tag):
        moved = head + aead.encrypt(secret, plaintext, ad)
        campaign.reject(label, lambda m=moved: login_slots.open_slots(tag, (m, filler), passphrase))
    # A duress slot tampered: the duress passphrase must open nothing, not the real slot.
    decoy = MemberKeys.generate()
    duress = "ledger quilt evening sparrow"
    pair = login_slots.make_slots(tag, member_id, keys, passphrase, TEST.member, (decoy, duress))
    duress_slot = next(s for s in pair if login_slots.open_slots(tag, (s, s), duress))
    real_slot = next(s for s in pair if s is not duress_slot)
    for index, (label, bad) in enumerate(mutations(duress_slot, slot_regions(duress_slot), rng)):
        if index % 5 == 0 and _affordable(bad) and not _inert_cost_change(duress_slot, bad):
            campaign.reject(
                f"duress/{label}",
                lambda bad=bad: login_slots.open_slots(tag, (real_slot, bad), duress),
            )
    campaign.check("flip/cost", "flip/salt", *ENVELOPE_CLASSES, "wrong-passphrase", "other-member")
    assert {"ad/purpose=session", "ad/version=2", "ad/ident"} <= set(campaign.labels)


# -- operator material -------------------------------------------------------------------

TEAM = ("amber orbit cactus", "velvet harbor tundra", "pepper signal meadow")


def _combined_key(indices: tuple[int, ...], keys: list[bytes]) -> bytes:
    """The k-subset key as `operators` computes it (checked against a real wrap below)."""
    material = b"".join(i.to_bytes(1, "big") + keys[i] for i in indices)
    return keyed_hash(b"", material, person=b"sp.op-combine")


def test_operator_tamper_campaign() -> None:
    rng = random.Random(SEED + 7)
    instance_key = rng.randbytes(32)
    material = operators.wrap_instance_key(instance_key, list(TEAM), 2, TEST.operator)
    subsets = list(itertools.combinations(range(3), 2))
    op_keys = [derive_key(p, s.salt, s.cost) for p, s in zip(TEAM, material.slots, strict=True)]
    for position, subset in enumerate(subsets):
        ad = associated_data(Purpose.INSTANCE, "", bytes(subset))
        assert aead.decrypt(_combined_key(subset, op_keys), material.wraps[position], ad) == (
            instance_key
        ), "the test's model of the operator wraps is out of date"

    campaign = Campaign("operator", UnlockError)

    def unlock(m: operators.OperatorMaterial, phrases: list[str]) -> bytes:
        return operators.unwrap_instance_key(m, phrases)

    def with_check(i: int, check: bytes) -> operators.OperatorMaterial:
        slots = list(material.slots)
        slots[i] = dataclasses.replace(slots[i], check=check)
        return dataclasses.replace(material, slots=tuple(slots))

    def with_wrap(position: int, wrap: bytes) -> operators.OperatorMaterial:
        wraps = list(material.wraps)
        wraps[position] = wrap
        return dataclasses.replace(material, wraps=tuple(wraps))

    for i in range(3):
        check = material.slots[i].check
        phrases = [TEAM[i], TEAM[(i + 1) % 3]]
        for index, (label, bad) in enumerate(mutations(check, aead_regions(check), rng)):
            if index % 2 == i % 2:
                m = with_check(i, bad)
                campaign.reject(f"check/{label}", lambda m=m, p=phrases: unlock(m, p))
        for j in range(3):
            if j != i:  # another operator's check envelope in this slot
                m = with_check(i, material.slots[j].check)
                campaign.reject("check/swap", lambda m=m, p=phrases: unlock(m, p))
        for label, ad in _other_contexts(Purpose.OPERATOR_CHECK, "", material.slots[i].salt):
            m = with_check(i, aead.encrypt(op_keys[i], b"", ad))
            campaign.reject(f"check/{label}", lambda m=m, p=phrases: unlock(m, p))
        for _ in range(10):
            salt = _flip(material.slots[i].salt, rng.sample(range(SALT_BYTES * 8), 3))
            slots = list(material.slots)
            slots[i] = dataclasses.replace(slots[i], salt=salt)
            m = dataclasses.replace(material, slots=tuple(slots))
            campaign.reject("salt/flip", lambda m=m, p=phrases: unlock(m, p))
        for passes in (2, 3, 4):
            slots = list(material.slots)
            slots[i] = dataclasses.replace(
                slots[i], cost=KdfCost(passes, material.slots[i].cost.memlimit)
            )
            m = dataclasses.replace(material, slots=tuple(slots))
            campaign.reject("cost", lambda m=m, p=phrases: unlock(m, p))

    for position, subset in enumerate(subsets):
        phrases = [TEAM[i] for i in subset]
        wrap = material.wraps[position]
        for index, (label, bad) in enumerate(mutations(wrap, aead_regions(wrap), rng)):
            if index % 3 == position:
                m = with_wrap(position, bad)
                campaign.reject(f"wrap/{label}", lambda m=m, p=phrases: unlock(m, p))
        key = _combined_key(subset, op_keys)
        for label, ad in _other_contexts(Purpose.INSTANCE, "", bytes(subset)):
            m = with_wrap(position, aead.encrypt(key, instance_key, ad))
            campaign.reject(f"wrap/{label}", lambda m=m, p=phrases: unlock(m, p))
        for other in range(3):
            if other != position:
                m = with_wrap(position, material.wraps[other])
                campaign.reject("wrap/swap", lambda m=m, p=phrases: unlock(m, p))
    for order in itertools.permutations(range(3)):
        if order != (0, 1, 2):
            m = dataclasses.replace(material, wraps=tuple(material.wraps[i] for i in order))
            for position, subset in enumerate(subsets):
                if order[position] != position:
                    phrases = [TEAM[i] for i in subset]
                    campaign.reject("wrap/reorder", lambda m=m, p=phrases: unlock(m, p))
    for _ in range(60):
        wrong = " ".join(rng.choice(["amber", "orbit", "velvet", "tundra", "meadow"]) for _ in "12")
        campaign.reject("wrong-passphrase", lambda w=wrong: unlock(material, [w, TEAM[0]]))
        campaign.reject("too-few", lambda w=wrong: unlock(material, [TEAM[rng.randrange(3)]]))
    for threshold in (3, 4, 7):
        m = dataclasses.replace(material, threshold=threshold)
        campaign.reject("threshold", lambda m=m: unlock(m, list(TEAM)))
    campaign.check(
        "check/flip/nonce",
        "check/flip/tag",
        "check/truncate",
        "wrap/flip/ciphertext",
        "wrap/truncate",
        "wrap/extend",
        "wrap/swap",
        "wrong-passphrase",
    )
    assert {"wrap/ad/version=2", "check/ad/purpose=instance"} <= set(campaign.labels)


def test_missing_instance_wrap_is_an_unlock_error() -> None:
    material = operators.wrap_instance_key(b"k" * 32, list(TEAM), 2, TEST.operator)
    damaged = dataclasses.replace(material, wraps=material.wraps[:2])
    campaign = Campaign("operator", UnlockError)
    campaign.reject("missing-wrap", lambda: operators.unwrap_instance_key(damaged, list(TEAM[1:])))


@pytest.mark.parametrize("salt_length", [0, 8, 15, 17])
def test_operator_salt_of_wrong_length_is_an_unlock_error(salt_length: int) -> None:
    material = operators.wrap_instance_key(b"k" * 32, list(TEAM), 2, TEST.operator)
    slot = material.slots[0]
    salt = (slot.salt * 2)[:salt_length]
    damaged = dataclasses.replace(
        material, slots=(dataclasses.replace(slot, salt=salt), *material.slots[1:])
    )
    campaign = Campaign("operator", UnlockError)
    campaign.reject("salt-length", lambda: operators.unwrap_instance_key(damaged, list(TEAM[:2])))


def test_login_slot_cost_is_authenticated() -> None:
    keys = MemberKeys.generate()
    tag, passphrase = b"t" * 32, "ledger quilt morning sparrow"
    first, second = login_slots.make_slots(tag, b"m" * 16, keys, passphrase, TEST.member)
    real = first if login_slots.open_slots(tag, (first, first), passphrase) else second
    campaign = Campaign("login-slot", None)
    for bit in range(10):  # the low bits of memlimit: the last bytes of the cost field
        bad = _flip(real, [(ENCODED_COST_BYTES - 1 - bit // 8) * 8 + bit % 8])
        campaign.reject(
            "flip/cost", lambda bad=bad: login_slots.open_slots(tag, (bad, bad), passphrase)
        )

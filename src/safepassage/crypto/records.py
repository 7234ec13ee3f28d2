"""Envelopes of the record store: headers, bodies, key wraps and epoch keys.

- A header is padded and encrypted under the row key (a subkey of the instance key).
- A body is padded and encrypted under the record's own random data key.
- A wrap is the data key sealed to one recipient's public key, then encrypted again under
  the epoch key of the record's expiry day: deleting that epoch key makes every wrap of
  that day unreadable, whatever copies of the rows survive.
- An epoch key is stored with its day, encrypted under the epoch-wrapping subkey.
Every envelope's associated data names its purpose, the record kind and the record id.
"""

from __future__ import annotations

import datetime as dt

from safepassage.crypto import aead
from safepassage.crypto.context import Purpose, associated_data
from safepassage.crypto.errors import EnvelopeError
from safepassage.crypto.padding import pad, unpad
from safepassage.crypto.sealing import seal, unseal
from safepassage.crypto.subkeys import keyed_hash

RECORD_ID_BYTES = 16


def seal_header(row_key: bytes, record_id: bytes, header: bytes) -> bytes:
    return aead.encrypt(row_key, pad(header), associated_data(Purpose.HEADER, "", record_id))


def open_header(row_key: bytes, record_id: bytes, envelope: bytes) -> bytes:
    return unpad(aead.decrypt(row_key, envelope, associated_data(Purpose.HEADER, "", record_id)))


def seal_body(data_key: bytes, kind: str, record_id: bytes, body: bytes) -> bytes:
    return aead.encrypt(data_key, pad(body), associated_data(Purpose.BODY, kind, record_id))


def open_body(data_key: bytes, kind: str, record_id: bytes, envelope: bytes) -> bytes:
    return unpad(aead.decrypt(data_key, envelope, associated_data(Purpose.BODY, kind, record_id)))


def recipient_tag(wrap_tag_key: bytes, record_id: bytes, recipient_public: bytes) -> bytes:
    """The wrap row's tag: unlinkable across records without the instance key."""
    return keyed_hash(wrap_tag_key, record_id + recipient_public)


def _wrap_ad(kind: str, record_id: bytes, tag: bytes) -> bytes:
    return associated_data(Purpose.WRAP, kind, record_id + tag)


def wrap_data_key(
    data_key: bytes,
    recipient_public: bytes,
    epoch_key: bytes,
    kind: str,
    record_id: bytes,
    tag: bytes,
) -> bytes:
    return aead.encrypt(epoch_key, seal(recipient_public, data_key), _wrap_ad(kind, record_id, tag))


def unwrap_data_key(
    envelope: bytes,
    recipient_private: bytes,
    epoch_key: bytes,
    kind: str,
    record_id: bytes,
    tag: bytes,
) -> bytes:
    sealed = aead.decrypt(epoch_key, envelope, _wrap_ad(kind, record_id, tag))
    data_key = unseal(recipient_private, sealed)
    if len(data_key) != aead.KEY_BYTES:
        raise EnvelopeError
    return data_key


def epoch_tag(epoch_tag_key: bytes, day: dt.date) -> bytes:
    return keyed_hash(epoch_tag_key, day.isoformat().encode())


def seal_epoch_key(epoch_wrap_key: bytes, tag: bytes, day: dt.date, epoch_key: bytes) -> bytes:
    plaintext = day.isoformat().encode() + epoch_key
    return aead.encrypt(epoch_wrap_key, plaintext, associated_data(Purpose.EPOCH, "", tag))


def open_epoch_key(epoch_wrap_key: bytes, tag: bytes, envelope: bytes) -> tuple[dt.date, bytes]:
    plaintext = aead.decrypt(epoch_wrap_key, envelope, associated_data(Purpose.EPOCH, "", tag))
    try:
        day = dt.date.fromisoformat(plaintext[:10].decode())
    except (UnicodeDecodeError, ValueError):
        raise EnvelopeError from None
    key = plaintext[10:]
    if len(key) != aead.KEY_BYTES:
        raise EnvelopeError
    return day, key

"""Subkeys of the instance key, by keyed BLAKE2b with a distinct label each.

A subkey leaks nothing about the instance key or its siblings; the label goes into
BLAKE2b's personalisation field, so the labels below must stay distinct.
"""

from __future__ import annotations

from enum import StrEnum

import nacl.encoding
import nacl.hash

KEY_BYTES = 32


class Subkey(StrEnum):
    """Labels for subkeys of the instance key (at most 16 bytes each)."""

    ROW = "sp.row"  # record headers
    EPOCH_WRAP = "sp.epoch-wrap"  # epoch keys at rest
    OUTBOX = "sp.outbox"  # messages waiting for delivery
    HANDLE_INDEX = "sp.handle-index"  # tags of messenger handles
    WRAP_TAG = "sp.wrap-tag"  # unlinkable tags of wrap rows
    MEMBER_LOOKUP = "sp.member-tag"  # tags of login slots
    EPOCH_TAG = "sp.epoch-tag"  # tags of epoch rows
    RELEASE = "sp.release"  # the server's key pair for tasks held until their window
    SERVER_TAG = "sp.server-tag"  # tags the running server checks (e.g. phrases)


def derive_subkey(instance_key: bytes, label: Subkey) -> bytes:
    """The 32-byte subkey of `instance_key` for `label`."""
    if len(instance_key) != KEY_BYTES:
        raise ValueError("the instance key is 32 bytes")
    return keyed_hash(instance_key, b"", person=label.value.encode())


def keyed_hash(key: bytes, data: bytes, person: bytes = b"") -> bytes:
    """Keyed BLAKE2b-256: a tag that only holders of `key` can compute or link."""
    return bytes(
        nacl.hash.blake2b(
            data, digest_size=32, key=key, person=person, encoder=nacl.encoding.RawEncoder
        )
    )

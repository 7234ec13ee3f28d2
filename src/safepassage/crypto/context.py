"""Associated data that binds every ciphertext to what it is and where it belongs.

The encoding is length-prefixed so no two distinct contexts share bytes.
"""

from __future__ import annotations

from enum import StrEnum

FORMAT_VERSION = 1


class Purpose(StrEnum):
    """What a ciphertext is. Each envelope kind has its own purpose string."""

    HEADER = "header"
    BODY = "body"
    WRAP = "wrap"
    EPOCH = "epoch"
    OPERATOR_CHECK = "operator-check"
    INSTANCE = "instance"
    LOGIN_SLOT = "login-slot"
    SESSION = "session"


def associated_data(
    purpose: Purpose, record_kind: str, ident: bytes, version: int = FORMAT_VERSION
) -> bytes:
    """Canonical associated data for one envelope.

    `record_kind` is the record kind (e.g. "case") or "" where there is none; `ident` is the
    record id, epoch tag or slot tag the envelope belongs to.
    """
    parts = [b"safepassage", purpose.value.encode(), record_kind.encode(), ident]
    out = bytearray(version.to_bytes(2, "big"))
    for part in parts:
        out += len(part).to_bytes(4, "big") + part
    return bytes(out)

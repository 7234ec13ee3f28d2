"""Errors of the record store. Messages carry no personal data and no key material."""

from __future__ import annotations


class StoreError(Exception):
    """Base class; `code` is stable for entry points to map."""

    code = "store.error"


class StoreMissing(StoreError):
    code = "store.missing"


class StoreExists(StoreError):
    code = "store.exists"


class StoreCorrupt(StoreError):
    code = "store.corrupt"


class DiskFull(StoreError):
    code = "store.disk_full"


class NotReadable(StoreError):
    """The record does not exist or these keys may not read it: deliberately one error."""

    code = "store.not_readable"

    def __init__(self) -> None:
        super().__init__("this record is not available")

"""The errors crypto raises. Messages never carry key material or plaintext."""


class CryptoError(Exception):
    """Base class of every error raised by `safepassage.crypto`."""


class EnvelopeError(CryptoError):
    """A ciphertext was rejected: wrong key, wrong context, tampered, truncated or extended."""

    def __init__(self) -> None:
        super().__init__("the envelope could not be opened")


class UnlockError(CryptoError):
    """The operator passphrases given do not unlock the instance key."""


class KdfProfileError(CryptoError):
    """A key-derivation cost below what production allows."""

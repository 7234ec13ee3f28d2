"""Generated passphrases: words drawn uniformly from the EFF large word list.

7,776 words give 12.9 bits each; eight words give about 103 bits.
"""

from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

DEFAULT_WORDS = 8


@cache
def wordlist() -> tuple[str, ...]:
    """The EFF large word list (CC BY 3.0 US), shipped with the package."""
    text = resources.files("safepassage.crypto").joinpath("wordlist.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def generate_passphrase(words: int = DEFAULT_WORDS) -> str:
    """A fresh passphrase of `words` random words separated by spaces."""
    pool = wordlist()
    return " ".join(secrets.choice(pool) for _ in range(words))

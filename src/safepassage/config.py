"""Settings, parsed once from the environment into a frozen dataclass.

Only this module reads the environment. Secrets are wrapped so they never show in a repr,
a log line or a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENVIRONMENTS = ("production", "development", "test")
KDF_PROFILES = ("production", "test")


class ConfigError(Exception):
    code = "config.invalid"


class Secret:
    """A string that does not reveal itself when printed."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    environment: str = "production"
    kdf_profile: str = "production"
    database_url: Secret | None = field(default=None)

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise ConfigError(f"SAFEPASSAGE_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.kdf_profile not in KDF_PROFILES:
            raise ConfigError(f"SAFEPASSAGE_KDF must be one of {', '.join(KDF_PROFILES)}")
        if self.environment == "production" and self.kdf_profile != "production":
            raise ConfigError(
                "production refuses the cheap key-derivation profile; "
                "unset SAFEPASSAGE_KDF or set SAFEPASSAGE_ENV=development"
            )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, data_dir: Path | None = None
    ) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("SAFEPASSAGE_DATABASE_URL") or None
        return cls(
            data_dir=data_dir or Path(env.get("SAFEPASSAGE_DATA_DIR", "safepassage-data")),
            environment=env.get("SAFEPASSAGE_ENV", "production"),
            kdf_profile=env.get("SAFEPASSAGE_KDF", "production"),
            database_url=Secret(url) if url else None,
        )

"""All configuration, read from ``OIAP_*`` environment variables.

The defaults are the embedded setup: a SQLite file in the working directory and the
in-process session store, so ``oiap serve`` needs nothing else to run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OIAP_", extra="ignore")

    database_url: str = "sqlite:///./oiap.db"
    session_store: str = "memory"
    token_ttl: Annotated[int, Field(ge=1, le=86400 * 7)] = 3600
    lockout_threshold: Annotated[int, Field(ge=1, le=1000)] = 5
    lockout_window: Annotated[int, Field(ge=1)] = 900
    lockout_duration: Annotated[int, Field(ge=1)] = 900
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    dialog_ttl: Annotated[int, Field(ge=1)] = 1800
    # seconds a chat turn waits for a third-party language model (application type 6)
    language_model_timeout: Annotated[float, Field(gt=0, le=600)] = 30.0
    demo: bool = False  # set by `oiap serve --demo`: serves the demo bot's stand-in systems
    time_zone: str = "UTC"  # of the SYS.* clock variables (time nodes name their own zone)
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080

    @field_validator("session_store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if value != "memory" and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("OIAP_SESSION_STORE must be 'memory' or a redis:// URL")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("OIAP_TIME_ZONE must be an IANA time zone, e.g. Europe/Paris") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("OIAP_DATABASE_URL must be a sqlite:/// or postgresql:// URL")
        return value

    @property
    def async_database_url(self) -> str:
        """The URL with the async driver the service uses for each database."""
        return async_driver_url(self.database_url)


def async_driver_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    base = scheme.split("+", 1)[0]
    if base == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    if base in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""All configuration, read from ``OIAP_*`` environment variables.

The defaults are the embedded setup: a SQLite file in the working directory and the
in-process session store, so ``oiap serve`` needs nothing else to run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

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
    # seconds a nonce of the authorization interface (/chatbot/serverauth/login) stays usable
    serverauth_nonce_ttl: Annotated[int, Field(ge=5, le=600)] = 60
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    dialog_ttl: Annotated[int, Field(ge=1)] = 1800
    # seconds a chat turn waits for a third-party language model (application type 6)
    language_model_timeout: Annotated[float, Field(gt=0, le=600)] = 30.0
    demo: bool = False  # set by `oiap serve --demo`: serves the demo bot's stand-in systems
    time_zone: str = "UTC"  # of the SYS.* clock variables (time nodes name their own zone)
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080

    # -- faults: deadlines, limits and shares (docs/operations.md) --------------------------
    # seconds a whole dialog turn may take, its business-interface calls included; a retry
    # of a turn still running waits this long for its answer
    turn_budget: Annotated[float, Field(gt=0, le=300)] = 20.0
    # seconds a dialog lock lives unless renewed; a running turn renews it, a dead worker's
    # lock frees this long after the crash
    dialog_lock_lease: Annotated[float, Field(ge=1, le=60)] = 5.0
    # largest business-interface or language-model answer read, in bytes
    interface_max_answer_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    # concurrent business-interface calls per worker: in all, per tenant, per destination host
    interface_max_connections: Annotated[int, Field(ge=1)] = 100
    interface_max_per_tenant: Annotated[int, Field(ge=1)] = 20
    interface_max_per_host: Annotated[int, Field(ge=1)] = 20
    # outgoing calls (business interfaces, language models): CIDR lists, comma-separated
    egress_deny: str = (
        "127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,0.0.0.0/8,::/128,224.0.0.0/4,ff00::/8,"
        "::ffff:127.0.0.0/104,::ffff:169.254.0.0/112"
    )
    egress_allow: str = ""
    # seconds to connect to Redis, and to wait for one command's answer
    redis_connect_timeout: Annotated[float, Field(gt=0, le=60)] = 2.0
    redis_command_timeout: Annotated[float, Field(gt=0, le=60)] = 2.0
    # the IVR's Redis holding ASR results sent as "<key>@<inter_no>" (spec §7.7); empty: the
    # session store's Redis if it is one, else such input is read as text
    asr_redis_url: str = ""
    # turn records kept in memory while the database is away (in-process session store)
    record_buffer_max: Annotated[int, Field(ge=100)] = 100_000
    # with a Redis session store: turn records waiting in the Redis Stream, at most (about:
    # trimmed with MAXLEN ~); and seconds a record read by a worker stays unwritten before
    # another worker takes it over (the first one is presumed dead)
    record_stream_max: Annotated[int, Field(ge=1000)] = 1_000_000
    record_reclaim_idle: Annotated[float, Field(ge=1, le=3600)] = 60.0
    # operators' metrics and logs (docs/operations.md): a bearer token for /metrics (empty:
    # open), one JSON object a log line, and callers' words in the request log (debugging)
    metrics_token: str = ""
    log_format: Literal["text", "json"] = "text"
    log_caller_input: bool = False
    # seconds a console sign-in lasts without a request (docs/console.md)
    console_idle_timeout: Annotated[int, Field(ge=1, le=86400)] = 1800
    # secret checks (scrypt) run at once per worker, off the event loop
    secret_check_concurrency: Annotated[int, Field(ge=1, le=64)] = 2
    # text to voice (spec §8, docs/api.md): WAV sample rate; bytes of rendered prompts kept
    # per worker; prompts rendering or queued per worker before 503 "busy"
    tts_sample_rate: int = 8000
    tts_cache_bytes: Annotated[int, Field(ge=0)] = 32 * 1024 * 1024
    tts_max_waiting: Annotated[int, Field(ge=1, le=1000)] = 32
    # turn records (docs/operations.md "Audit log and record retention"): days kept; rows
    # deleted per statement, seconds between statements and between sweeps; digits-only
    # caller inputs longer than record_mask_digits stored masked but for their last 2 digits
    record_retention_days: Annotated[int, Field(ge=1, le=36500)] = 90
    record_retention_batch: Annotated[int, Field(ge=1, le=100_000)] = 1000
    record_retention_pause: Annotated[float, Field(ge=0, le=60)] = 0.2
    record_retention_interval: Annotated[float, Field(ge=1, le=86400)] = 3600.0
    record_mask: bool = True
    record_mask_digits: Annotated[int, Field(ge=2, le=1024)] = 6

    @field_validator("tts_sample_rate")
    @classmethod
    def _telephony_rate(cls, value: int) -> int:
        if value not in (8000, 16000, 22050):
            raise ValueError("OIAP_TTS_SAMPLE_RATE must be 8000, 16000 or 22050")
        return value

    @field_validator("asr_redis_url")
    @classmethod
    def _asr_redis(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("OIAP_ASR_REDIS_URL must be empty or a redis:// URL")
        return value

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

from __future__ import annotations

import pytest
from pydantic import ValidationError

from oiap.settings import Settings, async_driver_url


def test_the_service_picks_the_async_driver() -> None:
    assert async_driver_url("sqlite:///./oiap.db") == "sqlite+aiosqlite:///./oiap.db"
    assert async_driver_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_driver_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_driver_url("postgresql+psycopg://u@h/db") == "postgresql+asyncpg://u@h/db"


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OIAP_TOKEN_TTL", "60")
    monkeypatch.setenv("OIAP_SESSION_STORE", "redis://127.0.0.1:6379/0")
    settings = Settings()
    assert settings.token_ttl == 60
    assert settings.session_store.startswith("redis://")
    assert Settings.model_fields["lockout_threshold"].default == 5


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OIAP_SESSION_STORE", "memcached://x"),
        ("OIAP_DATABASE_URL", "mysql://x"),
        ("OIAP_TOKEN_TTL", "0"),
    ],
)
def test_bad_settings_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()

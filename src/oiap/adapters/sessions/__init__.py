"""Session store backends: in-process memory (default) and Redis."""

from __future__ import annotations

from oiap.services.ports import SessionStore


def open_session_store(
    url: str,
    *,
    prefix: str = "oiap:",
    lock_lease: float = 5.0,
    connect_timeout: float = 2.0,
    command_timeout: float = 2.0,
) -> SessionStore:
    """``memory`` or a ``redis://`` URL. ``lock_lease`` is how long a lock outlives a holder
    that stopped renewing it (a dead worker); the timeouts bound every Redis exchange."""
    if url == "memory":
        from oiap.adapters.sessions.memory import MemorySessionStore

        return MemorySessionStore()
    from oiap.adapters.sessions.redis import RedisSessionStore

    return RedisSessionStore(
        url,
        prefix=prefix,
        lock_lease=lock_lease,
        connect_timeout=connect_timeout,
        command_timeout=command_timeout,
    )

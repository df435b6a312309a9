"""Session store backends: in-process memory (default) and Redis."""

from __future__ import annotations

from oiap.services.ports import SessionStore


def open_session_store(url: str, *, prefix: str = "oiap:") -> SessionStore:
    if url == "memory":
        from oiap.adapters.sessions.memory import MemorySessionStore

        return MemorySessionStore()
    from oiap.adapters.sessions.redis import RedisSessionStore

    return RedisSessionStore(url, prefix=prefix)

"""ASR transcripts an IVR left in Redis, read by the key it sends as ``<key>@<inter_no>``
(spec §7.7).

The key is read as the IVR wrote it, with no prefix of ours. Keys under the platform's own
prefix (``oiap:``) are never read: when the ASR Redis is the session store's, a caller must not
be able to pull tokens or another tenant's dialog into a flow as "what was said".
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError, ResponseError

from oiap.adapters.sessions.redis import FailureLog, bounded_client
from oiap.services.ports import StoreUnavailable

log = logging.getLogger("oiap.asr")

OWN_PREFIX = "oiap:"
MAX_TRANSCRIPT_BYTES = 4096  # read at most this much: ``input`` is 1024 characters (§7.7)


class RedisTranscripts:
    def __init__(self, url: str, *, connect_timeout: float, command_timeout: float) -> None:
        self._redis = bounded_client(
            url, connect_timeout=connect_timeout, command_timeout=command_timeout
        )
        self._failures = FailureLog(log)

    async def transcript(self, key: str) -> str | None:
        """The text under ``key``; None when there is none (missing, empty, not a string,
        or one of the platform's own keys). Raises StoreUnavailable when Redis fails."""
        if key.startswith(OWN_PREFIX):
            return None
        try:
            raw: bytes = await self._redis.getrange(key, 0, MAX_TRANSCRIPT_BYTES - 1)
        except ResponseError:
            return None  # WRONGTYPE: whatever is there, it is not a transcript
        except (RedisError, OSError) as exc:
            self._failures.note(type(exc).__name__, str(exc))
            raise StoreUnavailable(f"ASR results: {type(exc).__name__}: {exc}") from exc
        # A cut at the byte limit may split a character: drop the broken tail.
        text = raw.decode("utf-8", errors="ignore").strip()
        return text[:1024] or None

    async def close(self) -> None:
        await self._redis.aclose()

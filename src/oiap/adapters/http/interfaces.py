"""Business-interface calls (spec §11.7) over one pooled async HTTP client.

Inputs go in the query string for GET and DELETE and as a JSON object otherwise. Only a 2xx
answer whose body is a JSON object counts as success; a timeout, a connection error, another
status or another body is a failure the flow sees as ``SYSERROR_INTERFACE``.
"""

from __future__ import annotations

import logging

import httpx

from oiap.engine.release import InterfaceAnswer, InterfaceCall

log = logging.getLogger("oiap.interfaces")
MAX_ANSWER_BYTES = 1024 * 1024


class HttpInterfaceCaller:
    def __init__(self, *, max_connections: int = 100) -> None:
        self._client: httpx.AsyncClient | None = None
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )

    def _http(self) -> httpx.AsyncClient:
        # Created on first use so that it belongs to the running event loop.
        if self._client is None:
            self._client = httpx.AsyncClient(limits=self._limits, follow_redirects=False)
        return self._client

    async def call(self, call: InterfaceCall) -> InterfaceAnswer:
        method = call.method.upper()
        in_query = method in ("GET", "DELETE", "HEAD")
        try:
            response = await self._http().request(
                method,
                call.url,
                params=dict(call.inputs) if in_query else None,
                json=None if in_query else dict(call.inputs),
                headers=dict(call.headers),
                timeout=call.timeout,
            )
        except httpx.TimeoutException:
            return self._failed(call, f"no answer within {call.timeout:g} s")
        except (httpx.HTTPError, ValueError) as exc:
            return self._failed(call, f"{type(exc).__name__}: {exc}")
        if not 200 <= response.status_code < 300:
            return self._failed(call, f"HTTP {response.status_code}")
        if len(response.content) > MAX_ANSWER_BYTES:
            return self._failed(call, "answer larger than 1 MiB")
        try:
            data = response.json()
        except ValueError:
            return self._failed(call, "answer is not JSON")
        if not isinstance(data, dict):
            return self._failed(call, "answer is not a JSON object")
        return InterfaceAnswer(data)

    def _failed(self, call: InterfaceCall, problem: str) -> InterfaceAnswer:
        log.warning("business interface %r (%s) failed: %s", call.name, call.url, problem)
        return InterfaceAnswer(None, problem)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

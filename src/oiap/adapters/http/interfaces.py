"""Business-interface calls (spec §11.7) over one pooled async HTTP client.

Inputs go in the query string for GET and DELETE and as a JSON object otherwise. Only a 2xx
answer whose body is a JSON object counts as success; anything else is a failure the flow sees
as ``SYSERROR_INTERFACE``: no http(s) URL, a destination the egress policy refuses, no free
connection slot, connect + send + the whole answer not done within the interface's timeout,
an answer larger than the limit, another status, or a body that is not a JSON object (nested
too deep included).
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx

from oiap.adapters.http.egress import (
    DEFAULT_EGRESS,
    AnswerTooLarge,
    EgressPolicy,
    EgressRefused,
    egress_client,
    is_web_url,
    read_limited,
)
from oiap.adapters.http.shares import ConnectionShares
from oiap.domain.untrusted_json import UntrustedJsonError, load_untrusted
from oiap.engine.release import InterfaceAnswer, InterfaceCall
from oiap.services.telemetry import meters

log = logging.getLogger("oiap.interfaces")


class HttpInterfaceCaller:
    def __init__(
        self,
        *,
        egress: EgressPolicy = DEFAULT_EGRESS,
        max_connections: int = 100,
        max_per_tenant: int = 20,
        max_per_host: int = 20,
        max_answer_bytes: int = 1024 * 1024,
    ) -> None:
        self.egress = egress
        self.max_answer_bytes = max_answer_bytes
        self._max_connections = max_connections
        self._shares_args = (max_connections, max_per_tenant, max_per_host)
        self._client: httpx.AsyncClient | None = None
        self._shares: ConnectionShares | None = None

    def _http(self) -> tuple[httpx.AsyncClient, ConnectionShares]:
        # Made on first use so that they belong to the running event loop.
        if self._client is None or self._shares is None:
            self._client = egress_client(self.egress, max_connections=self._max_connections)
            total, per_tenant, per_host = self._shares_args
            self._shares = ConnectionShares(
                total=total, per_tenant=per_tenant, per_destination=per_host
            )
        return self._client, self._shares

    async def call(self, call: InterfaceCall) -> InterfaceAnswer:
        began = time.perf_counter()
        answer, outcome = await self._call(call)
        meters.interface_seconds.observe(time.perf_counter() - began)
        meters.interface_calls[outcome].inc()
        return answer

    async def _call(self, call: InterfaceCall) -> tuple[InterfaceAnswer, str]:
        """The answer and its outcome for the metrics: ok, error, timeout or refused."""
        if not is_web_url(call.url):
            return self._failed(call, "not an http or https URL"), "refused"
        client, shares = self._http()
        method = call.method.upper()
        in_query = method in ("GET", "DELETE", "HEAD")
        url = httpx.URL(call.url)
        destination = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
        try:
            # One deadline for everything: a slot, connecting, sending and the whole answer.
            async with asyncio.timeout(call.timeout), shares.slot(call.tenant_id, destination):
                request = client.build_request(
                    method,
                    url,
                    params=dict(call.inputs) if in_query else None,
                    json=None if in_query else dict(call.inputs),
                    headers=dict(call.headers),
                    timeout=call.timeout,
                )
                response = await client.send(request, stream=True)
                try:
                    if not 200 <= response.status_code < 300:
                        return self._failed(call, f"HTTP {response.status_code}"), "error"
                    raw = await read_limited(response, self.max_answer_bytes)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            return self._failed(call, f"not done within {call.timeout:g} s"), "timeout"
        except AnswerTooLarge:
            problem = f"answer larger than {self.max_answer_bytes} bytes"
            return self._failed(call, problem), "error"
        except httpx.ConnectError as exc:
            if isinstance(exc.__cause__, EgressRefused):
                return self._failed(call, "refused by the egress policy"), "refused"
            return self._failed(call, str(exc)), "error"
        except (httpx.HTTPError, ValueError) as exc:
            return self._failed(call, f"{type(exc).__name__}: {exc}"), "error"
        try:
            data = load_untrusted(raw)
        except UntrustedJsonError as exc:
            return self._failed(call, f"answer: {exc}"), "error"
        if not isinstance(data, dict):
            return self._failed(call, "answer is not a JSON object"), "error"
        return InterfaceAnswer(data), "ok"

    def _failed(self, call: InterfaceCall, problem: str) -> InterfaceAnswer:
        # The URL may carry a credential; the interface's name is the author's handle on it.
        log.warning(
            "business interface %r of tenant %r failed: %s", call.name, call.tenant_id, problem
        )
        return InterfaceAnswer(None, problem)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
            self._shares = None

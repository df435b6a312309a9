"""Third-party language models (application type 6) over one pooled async HTTP client.

The model is an OpenAI-compatible chat-completions endpoint: ``POST {llm_url}`` with
``Authorization: Bearer {app_key}`` and ``{"model": app_id, "messages": [...], "stream":
false}``; the reply is ``choices[0].message.content``. Calls go through the egress policy,
must be done (answer read) within the timeout, and read at most the answer limit; redirects
are not followed. Problems are told in words that name neither the key nor the URL (which
may carry a credential too), and nothing here logs: the chat service logs the problem with
the job it belongs to.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from oiap.adapters.http.egress import (
    DEFAULT_EGRESS,
    AnswerTooLarge,
    EgressPolicy,
    egress_client,
    is_web_url,
    read_limited,
)
from oiap.domain.untrusted_json import UntrustedJsonError, load_untrusted
from oiap.services.model_ports import Message, ModelEndpoint, ModelFailure

PROBE_TIMEOUT = 10.0
"""Seconds ``validate`` waits for its one tiny request."""
UNREACHABLE = "The model could not be reached."


class HttpLanguageModel:
    def __init__(
        self,
        *,
        timeout: float = 30.0,
        egress: EgressPolicy = DEFAULT_EGRESS,
        max_connections: int = 100,
        max_answer_bytes: int = 1024 * 1024,
    ) -> None:
        self.timeout = timeout
        self.egress = egress
        self.max_answer_bytes = max_answer_bytes
        self._max_connections = max_connections
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        # Created on first use so that it belongs to the running event loop.
        if self._client is None:
            self._client = egress_client(self.egress, max_connections=self._max_connections)
        return self._client

    async def complete(self, endpoint: ModelEndpoint, messages: list[Message]) -> str:
        body = {"model": endpoint.model, "messages": messages, "stream": False}
        return reply_text(await self._post(endpoint, body, self.timeout))

    async def probe(self, config: dict[str, Any]) -> str | None:
        """One tiny completion request (``validate``); the problem in words, or None."""
        endpoint = ModelEndpoint.of(config)
        body = {
            "model": endpoint.model,
            "messages": [{"role": "user", "content": "ping"}],
            "max_tokens": 1,
            "stream": False,
        }
        try:
            answer = await self._post(endpoint, body, PROBE_TIMEOUT)
        except ModelFailure as failure:
            return failure.problem
        return None if isinstance(answer.get("choices"), list) else _NO_CHOICES

    async def _post(
        self, endpoint: ModelEndpoint, body: dict[str, Any], timeout: float
    ) -> dict[str, Any]:
        if not is_web_url(endpoint.url):
            raise ModelFailure(UNREACHABLE)
        headers = {"Authorization": f"Bearer {endpoint.key}"} if endpoint.key else {}
        client = self._http()
        try:
            # One deadline for connecting, sending and reading the whole answer.
            async with asyncio.timeout(timeout):
                request = client.build_request(
                    "POST", endpoint.url, json=body, headers=headers, timeout=timeout
                )
                response = await client.send(request, stream=True)
                try:
                    if not 200 <= response.status_code < 300:
                        raise ModelFailure(f"The model answered HTTP {response.status_code}.")
                    raw = await read_limited(response, self.max_answer_bytes)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            problem = f"The model did not answer within {timeout:g} s."
            raise ModelFailure(problem, timed_out=True) from None
        except AnswerTooLarge:
            raise ModelFailure(
                f"The model's answer is larger than {self.max_answer_bytes} bytes."
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError):
            # A refused destination reads like any other: this is no map of the network.
            raise ModelFailure(UNREACHABLE) from None
        try:
            answer = load_untrusted(raw)
        except UntrustedJsonError:
            raise ModelFailure("The model did not answer JSON.") from None
        if not isinstance(answer, dict):
            raise ModelFailure(_NO_CHOICES)
        return answer

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


_NO_CHOICES = "The model's answer has no 'choices'."


def reply_text(answer: dict[str, Any]) -> str:
    """The first choice's message text; anything else is not a reply."""
    choices = answer.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ModelFailure(_NO_CHOICES)
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ModelFailure("The model's first choice has no message text.")
    return content

"""Third-party language models (application type 6) over one pooled async HTTP client.

The model is an OpenAI-compatible chat-completions endpoint: ``POST {llm_url}`` with
``Authorization: Bearer {app_key}`` and ``{"model": app_id, "messages": [...], "stream":
false}``; the reply is ``choices[0].message.content``. Redirects are not followed. Problems
are told in words that name neither the key nor the URL (which may carry a credential too),
and nothing here logs: the chat service logs the problem with the job it belongs to.
"""

from __future__ import annotations

from typing import Any

import httpx

from oiap.services.model_ports import Message, ModelEndpoint, ModelFailure

MAX_ANSWER_BYTES = 1024 * 1024
PROBE_TIMEOUT = 10.0
"""Seconds ``validate`` waits for its one tiny request."""


class HttpLanguageModel:
    def __init__(self, *, timeout: float = 30.0, max_connections: int = 100) -> None:
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )

    def _http(self) -> httpx.AsyncClient:
        # Created on first use so that it belongs to the running event loop.
        if self._client is None:
            self._client = httpx.AsyncClient(limits=self._limits, follow_redirects=False)
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
        headers = {"Authorization": f"Bearer {endpoint.key}"} if endpoint.key else {}
        try:
            response = await self._http().post(
                endpoint.url, json=body, headers=headers, timeout=timeout
            )
        except httpx.TimeoutException:
            problem = f"The model did not answer within {timeout:g} s."
            raise ModelFailure(problem, timed_out=True) from None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise ModelFailure(f"The model could not be reached: {type(exc).__name__}.") from None
        if not 200 <= response.status_code < 300:
            raise ModelFailure(f"The model answered HTTP {response.status_code}.")
        if len(response.content) > MAX_ANSWER_BYTES:
            raise ModelFailure("The model's answer is larger than 1 MiB.")
        try:
            answer = response.json()
        except ValueError:
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

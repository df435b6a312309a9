"""Reaching a customer's language model over HTTP (application type 6).

The common case is an OpenAI-compatible chat-completions endpoint: ``llm_url`` is the full
URL, ``app_key`` the bearer key and ``app_id`` the model name.
"""

from __future__ import annotations

from typing import Any

import httpx


async def probe_chat_completions(config: dict[str, Any], *, timeout: float = 10.0) -> str | None:
    """One tiny completion request; the problem in words, or None when the model answered."""
    headers = {"Content-Type": "application/json"}
    if config.get("app_key"):
        headers["Authorization"] = f"Bearer {config['app_key']}"
    body = {
        "model": config.get("app_id") or "default",
        "messages": [{"role": "user", "content": "ping"}],
        "max_tokens": 1,
        "stream": False,
    }
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(str(config["llm_url"]), json=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"The model could not be reached: {type(exc).__name__}."
    if response.status_code >= 300:
        return f"The model answered HTTP {response.status_code}."
    try:
        data = response.json()
    except ValueError:
        return "The model did not answer JSON."
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        return "The model's answer has no 'choices'."
    return None

"""An end user's conversation with a job whose application is a third-party language model
(type 6).

Each typed turn sends the conversation so far to the application's chat-completions
endpoint and answers the model's reply. The model is sent the application's
``system_prompt`` (ours) when it has one, then the last ``chat_rounds - 1`` rounds (a user
text and its reply) of this job, then the new text: ``chat_rounds`` (1-10, spec §8.2)
defaults to ``DEFAULT_ROUNDS``, and 1 sends the new text alone. The application is read at
every turn, so an update applies from the next one. The conversation lives in the session
store under the job, so every worker sharing Redis continues it, for the dialog TTL after
its last turn; it is forgotten when the job ends. A failed call changes nothing: the end
user may send the same text again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from oiap.errors import MetaStudioError, MsErr
from oiap.services.model_ports import LanguageModel, Message, ModelEndpoint, ModelFailure
from oiap.services.ports import SessionStore

log = logging.getLogger("oiap.metastudio.chat")

MAX_ROUNDS = 10
"""The spec's largest ``chat_rounds``: the rounds a job keeps, whatever its application says."""
DEFAULT_ROUNDS = 5
"""``chat_rounds`` of an application that does not set it."""


@dataclass(frozen=True)
class ModelTurn:
    reply: str | None
    """What the model said (for a bare repeat, its last reply); None: nothing yet."""
    user_turn: bool
    """Whether the end user did something (which puts off the job's silence timeout)."""


def conversation(config: dict[str, Any], history: list[Message], text: str) -> list[Message]:
    """What the model is sent for ``text``: the system prompt, the rounds kept, the text."""
    rounds = min(max(int(config.get("chat_rounds") or DEFAULT_ROUNDS), 1), MAX_ROUNDS)
    kept = history[max(0, len(history) - 2 * (rounds - 1)) :]
    prompt = config.get("system_prompt")
    system = [{"role": "system", "content": str(prompt)}] if prompt else []
    return [*system, *kept, {"role": "user", "content": text}]


def _key(job_id: str) -> str:
    return f"ms:llm:{job_id}"


async def _keep(sessions: SessionStore, job_id: str, history: list[Message], ttl: float) -> None:
    await sessions.set(_key(job_id), json.dumps(history).encode(), ttl)


async def turn(
    model: LanguageModel,
    sessions: SessionStore,
    job_id: str,
    config: dict[str, Any],
    text: str | None,
    ttl: float,
) -> ModelTurn:
    """One request of the job's end user: ``text`` is sent to the model; without it the
    chat is opened (first request: nothing is said) or the model's last reply repeated."""
    raw = await sessions.get(_key(job_id))
    history: list[Message] | None = json.loads(raw) if raw is not None else None
    if text is None:
        if history is None:
            await _keep(sessions, job_id, [], ttl)
            return ModelTurn(None, user_turn=True)
        return ModelTurn(history[-1]["content"] if history else None, user_turn=False)
    history = history or []
    try:
        reply = await model.complete(ModelEndpoint.of(config), conversation(config, history, text))
    except ModelFailure as failure:
        log.warning("the language model of job %s failed: %s", job_id, failure.problem)
        error = MsErr.LLM_TIMEOUT if failure.timed_out else MsErr.LLM_FAILED
        raise MetaStudioError(error, failure.problem) from None
    said = [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    await _keep(sessions, job_id, [*history, *said][-2 * (MAX_ROUNDS - 1) :], ttl)
    return ModelTurn(reply, user_turn=True)


async def forget(sessions: SessionStore, job_id: str) -> None:
    """The job ended: its conversation goes."""
    await sessions.delete(_key(job_id))

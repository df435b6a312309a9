"""What a chat with a third-party language model (application type 6) needs from outside."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Message = dict[str, str]
"""One chat-completions message: ``{"role": "system"|"user"|"assistant", "content": ...}``."""


@dataclass(frozen=True)
class ModelEndpoint:
    """Where and as whom the model is called, from ``third_party_model_config``."""

    url: str
    model: str
    key: str = field(repr=False)
    """The bearer key: sent to the model only, never logged, never in an error text."""

    @classmethod
    def of(cls, config: dict[str, Any]) -> ModelEndpoint:
        return cls(
            url=str(config.get("llm_url") or ""),
            model=str(config.get("app_id") or "default"),
            key=str(config.get("app_key") or ""),
        )


class ModelFailure(Exception):
    """The model could not be reached, timed out, or did not answer a chat completion."""

    def __init__(self, problem: str, *, timed_out: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.timed_out = timed_out


class LanguageModel(Protocol):
    async def complete(self, endpoint: ModelEndpoint, messages: list[Message]) -> str:
        """The assistant's reply to ``messages``; ``ModelFailure`` when there is none."""
        ...

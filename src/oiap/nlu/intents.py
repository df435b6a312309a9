"""Intent definitions as the bot author writes them, and what recognition returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from oiap.nlu.slots import SlotSpec

UNKNOWN_INTENT = "unknown"
"""Code of the preset Unknown intent, chosen when no intent reaches the domain's threshold.
An :class:`IntentSpec` with this code may list examples: what callers say that the bot does
not handle. They are trained as one more class, and an utterance like them is answered
Unknown whatever the threshold."""

UNKNOWN_INTENT_NAME = "Unknown"


@dataclass(frozen=True)
class IntentSpec:
    code: str
    examples: tuple[str, ...] = ()
    slots: tuple[SlotSpec, ...] = ()
    name: str = ""
    reply: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.code


@dataclass(frozen=True)
class Prediction:
    intent: str
    """Intent code, or :data:`UNKNOWN_INTENT` when the best score is below the threshold
    (or the Unknown intent's examples outscore every intent)."""
    score: float
    """Calibrated confidence of the best intent, in [0, 1] (also when the answer is Unknown)."""
    ranked: list[tuple[str, float]] = field(default_factory=list)
    """Best intents first, with their confidences; never contains the Unknown intent."""
    slots: dict[str, str] = field(default_factory=dict)

    @property
    def is_unknown(self) -> bool:
        return self.intent == UNKNOWN_INTENT

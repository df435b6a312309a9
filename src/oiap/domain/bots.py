"""Bots: semantic domains (containers of intents) and their languages."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Language(StrEnum):
    """Languages a domain or a flow can speak (spec §4)."""

    ZH_CN = "zh_CN"
    EN_US = "en_US"
    ES_ES = "es_ES"
    AR = "ar"
    FR_FR = "fr_FR"


@dataclass(frozen=True)
class NewDomain:
    tenant_id: str
    name: str
    language: Language
    threshold: float = 0.5
    active: bool = True


@dataclass(frozen=True)
class Domain(NewDomain):
    domain_id: int = 0


UNKNOWN_INTENT_CODE = "unknown"
"""Every domain has this preset intent, selected when nothing else matches (spec §11.8)."""

ACCESS_CODE_MAX = 20

# Control (Cc), format (Cf: bidi overrides, zero-width characters, BOM), surrogate, private-use
# and unassigned characters, and every separator but the plain space: an IVR or a person
# typing the code can never send what they cannot see, and a bidi override makes a listed
# code read as another one.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


def access_code_problem(code: str) -> str | None:
    """Why ``code`` cannot be an access code, or None when it can."""
    if not 1 <= len(code) <= ACCESS_CODE_MAX:
        return f"an access code is 1-{ACCESS_CODE_MAX} characters"
    if not code.strip():
        return "an access code is not only spaces"
    if code != code.strip():
        return "an access code does not start or end with a space"
    for position, char in enumerate(code, 1):
        if char != " " and unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            return (
                f"an access code has no control, format or invisible characters "
                f"(U+{ord(char):04X} at character {position})"
            )
    return None


class DialogType(IntEnum):
    """What an access code starts (spec §5.1, §11.1)."""

    VOICE_NAVIGATION = 1
    OUTBOUND = 2
    CHATBOT = 3
    IVR_FLOW = 4


@dataclass(frozen=True)
class Slot:
    """An intent parameter, recognised either by a pattern or from a list of values."""

    name: str
    regex: str | None = None
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # canonical value -> synonyms


@dataclass(frozen=True)
class Intent:
    code: str
    name: str
    examples: tuple[str, ...] = ()
    slots: tuple[Slot, ...] = ()
    reply: str = ""


@dataclass(frozen=True)
class DomainSpec:
    """A domain with its intents, as a bot file or the management API describes it."""

    name: str
    language: Language
    threshold: float = 0.5
    active: bool = True
    intents: tuple[Intent, ...] = ()

    def with_unknown_intent(self) -> DomainSpec:
        if any(i.code == UNKNOWN_INTENT_CODE for i in self.intents):
            return self
        unknown = Intent(code=UNKNOWN_INTENT_CODE, name="Unknown")
        return DomainSpec(
            self.name, self.language, self.threshold, self.active, (*self.intents, unknown)
        )

    def intent_codes(self) -> set[str]:
        return {i.code for i in self.with_unknown_intent().intents}


@dataclass(frozen=True)
class AccessCode:
    """A binding from an access code (called number / robot code) to a flow (spec §5)."""

    access_code: str
    dialog_type: DialogType
    flow_code: str
    domain: str | None = None  # domain name; the wire format shows its id
    robot_name: str = ""
    description: str = ""
    source: str = "OIFDE"
    using_record_service: int = 0

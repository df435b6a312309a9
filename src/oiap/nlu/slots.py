"""Slot filling from the utterance: regular-expression slots and value-list slots.

Value-list slots map a canonical value to its synonyms (``{"credit": ["credit card", "visa"]}``);
the slot is filled with the canonical value. Synonyms are matched on the normalised text
(case and full-width folded); Latin-script synonyms must sit on word boundaries so that "visa"
does not fire inside "visage", while CJK synonyms match as plain substrings because Chinese has
no word separators. Regex slots run on the width-folded but case-preserved text so authors can
write case-sensitive patterns, and full-width digits typed by Chinese users still match ``\\d``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from oiap.nlu.text import MAX_INPUT_CHARS, normalize, phrase_pattern


@dataclass(frozen=True)
class SlotSpec:
    """One slot of an intent: either ``regex`` or ``values`` (canonical value → synonyms)."""

    name: str
    regex: str | None = None
    values: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a slot needs a name")
        if (self.regex is None) == (not self.values):
            raise ValueError(f"slot {self.name!r}: give exactly one of regex or values")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"slot {self.name!r}: invalid regex: {exc}") from exc


@dataclass(frozen=True)
class CompiledSlot:
    name: str
    pattern: re.Pattern[str]
    canonical: Mapping[str, str] | None
    """Normalised synonym → canonical value; ``None`` for regex slots."""

    @classmethod
    def compile(cls, spec: SlotSpec) -> CompiledSlot:
        if spec.regex is not None:
            return cls(spec.name, re.compile(spec.regex), None)
        canonical: dict[str, str] = {}
        for value, synonyms in spec.values.items():
            for synonym in (value, *synonyms):
                key = normalize(synonym)
                if key:
                    canonical.setdefault(key, value)
        # Longest first so "credit card" wins over "card" when both are synonyms.
        ordered = sorted(canonical, key=len, reverse=True)
        pattern = re.compile("|".join(phrase_pattern(s) for s in ordered))
        return cls(spec.name, pattern, canonical)

    def find(self, folded: str, normalized: str) -> str | None:
        if self.canonical is None:
            match = self.pattern.search(folded)
            if match is None:
                return None
            groups = [g for g in match.groups() if g is not None]
            return groups[0] if groups else match.group(0)
        found = self.pattern.search(normalized)
        return None if found is None else self.canonical[found.group(0)]


def fill_slots(slots: Sequence[CompiledSlot], text: str) -> dict[str, str]:
    """Values of the slots found in ``text``; slots not found are absent."""
    folded = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS])
    normalized = normalize(text)
    filled: dict[str, str] = {}
    for slot in slots:
        value = slot.find(folded, normalized)
        if value is not None:
            filled[slot.name] = value
    return filled

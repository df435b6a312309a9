"""Published flow versions and the gray rules that choose one per calling number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class GrayRule:
    """Calling numbers routed to a non-default version: exact numbers or prefixes."""

    numbers: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def matches(self, calling_number: str) -> bool:
        return calling_number in self.numbers or any(
            calling_number.startswith(p) for p in self.prefixes
        )

    def specificity(self, calling_number: str) -> int:
        """How closely the rule names the number; exact numbers beat any prefix."""
        if calling_number in self.numbers:
            return 10_000
        return max((len(p) for p in self.prefixes if calling_number.startswith(p)), default=-1)

    @property
    def empty(self) -> bool:
        return not self.numbers and not self.prefixes


@dataclass(frozen=True)
class VersionRouting:
    """How one published version takes part in routing."""

    number: int
    is_default: bool = False
    gray: GrayRule | None = None


def select_version(versions: Sequence[VersionRouting], calling_number: str) -> int | None:
    """The version a new dialog from ``calling_number`` runs on.

    The most specific matching gray rule wins (ties: the newest version); otherwise the
    default version; otherwise, if none is marked default, the newest version.
    """
    best: tuple[int, int] | None = None
    for v in versions:
        if v.gray is None or v.is_default:
            continue
        score = v.gray.specificity(calling_number)
        if score >= 0 and (best is None or (score, v.number) > best):
            best = (score, v.number)
    if best is not None:
        return best[1]
    default = next((v.number for v in versions if v.is_default), None)
    if default is not None:
        return default
    return max((v.number for v in versions), default=None)

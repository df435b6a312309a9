"""Bots: semantic domains (containers of intents) and their languages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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

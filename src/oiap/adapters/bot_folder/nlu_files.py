"""Reading a bot folder's NLU files: ``domains/<name>.yaml`` and ``faq/<group>.yaml``.

Kept outside :mod:`oiap.nlu` because it does file I/O; it turns the YAML into the pure
package's dataclasses and reports authoring mistakes with the file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from oiap.adapters.bot_folder.yaml_source import BotFileLoader
from oiap.nlu import FaqEntry, IntentSpec, SlotSpec

LANGUAGES = ("en_US", "zh_CN", "es_ES", "fr_FR", "ar")


class BotFilesError(ValueError):
    """A bot folder file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class DomainFile:
    name: str
    language: str
    threshold: float | None
    intents: tuple[IntentSpec, ...]
    path: Path


@dataclass(frozen=True)
class FaqGroupFile:
    group: str
    entries: tuple[FaqEntry, ...]
    path: Path


@dataclass(frozen=True)
class BotNlu:
    domains: tuple[DomainFile, ...]
    faq_groups: tuple[FaqGroupFile, ...]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=BotFileLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BotFilesError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise BotFilesError(f"{path}: expected a mapping at the top level")
    return data


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BotFilesError(f"{where}: expected a list of strings")
    return tuple(value)


def _slot(raw: Any, where: str) -> SlotSpec:
    if not isinstance(raw, dict) or "name" not in raw:
        raise BotFilesError(f"{where}: a slot needs a name")
    values = raw.get("values") or {}
    if not isinstance(values, dict):
        raise BotFilesError(f"{where}: slot values must map a value to its synonyms")
    synonyms = {str(k): _strings(v, f"{where}.values.{k}") for k, v in values.items()}
    regex = raw.get("regex")
    try:
        return SlotSpec(
            name=str(raw["name"]), regex=None if regex is None else str(regex), values=synonyms
        )
    except ValueError as exc:
        raise BotFilesError(f"{where}: {exc}") from exc


def read_domain(path: Path) -> DomainFile:
    data = _read(path)
    language = str(data.get("language", "en_US"))
    if language not in LANGUAGES:
        raise BotFilesError(f"{path}: language {language!r} not one of {', '.join(LANGUAGES)}")
    threshold = data.get("threshold")
    if threshold is not None and not (
        isinstance(threshold, int | float) and 0.0 <= threshold <= 1.0
    ):
        raise BotFilesError(f"{path}: threshold must be a number between 0 and 1")
    intents = []
    for n, raw in enumerate(data.get("intents") or []):
        where = f"{path}: intents[{n}]"
        if not isinstance(raw, dict) or not raw.get("code"):
            raise BotFilesError(f"{where}: an intent needs a code")
        slots = tuple(_slot(s, f"{where}.slots") for s in raw.get("slots") or [])
        intents.append(
            IntentSpec(
                code=str(raw["code"]),
                name=str(raw.get("name", "")),
                examples=_strings(raw.get("examples"), f"{where}.examples"),
                slots=slots,
                reply=str(raw.get("reply", "")),
            )
        )
    return DomainFile(
        name=str(data.get("name", path.stem)),
        language=language,
        threshold=None if threshold is None else float(threshold),
        intents=tuple(intents),
        path=path,
    )


def read_faq_group(path: Path) -> FaqGroupFile:
    data = _read(path)
    entries = []
    for n, raw in enumerate(data.get("questions") or []):
        where = f"{path}: questions[{n}]"
        if not isinstance(raw, dict) or not raw.get("question") or not raw.get("answer"):
            raise BotFilesError(f"{where}: a Q&A needs a question and an answer")
        entries.append(
            FaqEntry(
                question=str(raw["question"]),
                answer=str(raw["answer"]),
                similar=_strings(raw.get("similar"), f"{where}.similar"),
                keywords=_strings(raw.get("keywords"), f"{where}.keywords"),
                id=str(raw.get("id", n + 1)),
            )
        )
    return FaqGroupFile(group=str(data.get("group", path.stem)), entries=tuple(entries), path=path)


def read_bot_nlu(directory: Path) -> BotNlu:
    if not directory.is_dir():
        raise BotFilesError(f"{directory}: not a directory")
    domain_files = sorted((directory / "domains").glob("*.y*ml"))
    faq_files = sorted((directory / "faq").glob("*.y*ml"))
    return BotNlu(
        domains=tuple(read_domain(p) for p in domain_files),
        faq_groups=tuple(read_faq_group(p) for p in faq_files),
    )

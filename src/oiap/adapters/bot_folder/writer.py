"""Writing a ``Bot`` as a folder that ``read_bot_folder`` reads back to the same bot."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from oiap.domain.bot_definition import Bot
from oiap.domain.bots import AccessCode, DomainSpec, Slot
from oiap.domain.faq import FaqGroup
from oiap.domain.flows import BusinessInterface, Flow, InterfaceParameter, flow_to_data

# Sub-folders whose YAML files this writer owns; other files (tests/, README) are kept.
OWNED_FOLDERS = ("domains", "faq", "flows")
OWNED_FILES = (
    "bot.yaml",
    "variables.yaml",
    "templates.yaml",
    "interfaces.yaml",
    "access-codes.yaml",
)


def file_stem(name: str) -> str:
    """A file name for an object; the name inside the file is what counts."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")
    return stem or "unnamed"


def yaml_text(data: dict[str, Any]) -> str:
    """The text of one file as this writer spells it."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml_text(data), encoding="utf-8")


def _slot(slot: Slot) -> dict[str, Any]:
    if slot.regex is not None:
        return {"name": slot.name, "regex": slot.regex}
    return {"name": slot.name, "values": {k: list(v) for k, v in slot.values}}


def domain_data(domain: DomainSpec) -> dict[str, Any]:
    return {
        "name": domain.name,
        "language": domain.language.value,
        "threshold": domain.threshold,
        "active": domain.active,
        "intents": [
            {
                "code": i.code,
                "name": i.name,
                "examples": list(i.examples),
                "slots": [_slot(s) for s in i.slots],
                "reply": i.reply,
            }
            for i in domain.intents
        ],
    }


def faq_data(group: FaqGroup) -> dict[str, Any]:
    return {
        "group": group.name,
        "language": group.language,
        "description": group.description,
        "active": group.active,
        "questions": [
            {
                "question": q.question,
                "similar": list(q.similar),
                "keywords": list(q.keywords),
                "answer": q.answer,
                "similar_answers": list(q.similar_answers),
            }
            for q in group.questions
        ],
    }


def flow_file_data(flow: Flow) -> dict[str, Any]:
    data = flow_to_data(flow)
    for node in data["nodes"]:
        if not node["params"]:
            del node["params"]
        if not node["branches"]:
            del node["branches"]
        if not node["name"]:
            del node["name"]
    return data


def flow_file_text(flow: Flow) -> str:
    """``flows/<code>.yaml`` exactly as ``oiap bot pull`` writes it."""
    return yaml_text(flow_file_data(flow))


def _parameters(params: tuple[InterfaceParameter, ...], value_key: str) -> list[dict[str, str]]:
    return [{"name": p.name, value_key: p.value, "description": p.description} for p in params]


def interface_data(interface: BusinessInterface) -> dict[str, Any]:
    return {
        "name": interface.name,
        "method": interface.method,
        "url": interface.url,
        "timeout": interface.timeout,
        "inputs": _parameters(interface.inputs, "value"),
        "outputs": _parameters(interface.outputs, "path"),
        "headers": _parameters(interface.headers, "value"),
        "description": interface.description,
    }


def access_code_data(access: AccessCode) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": access.access_code,
        "dialog_type": int(access.dialog_type),
        "flow": access.flow_code,
        "robot_name": access.robot_name,
        "description": access.description,
    }
    if access.domain is not None:
        data["domain"] = access.domain
    return data


def write_bot_folder(bot: Bot, folder: Path) -> list[Path]:
    """Write ``bot`` into ``folder``, replacing the files this format owns; returns them."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in OWNED_FOLDERS:
        for old in (folder / sub).glob("*.y*ml") if (folder / sub).is_dir() else ():
            old.unlink()
    for name in OWNED_FILES:
        (folder / name).unlink(missing_ok=True)
    written: list[Path] = []

    def dump(relative: str, data: dict[str, Any]) -> None:
        _dump(folder / relative, data)
        written.append(folder / relative)

    dump(
        "bot.yaml",
        {"name": bot.name, "language": bot.language.value, "description": bot.description},
    )
    for domain in bot.domains:
        dump(f"domains/{file_stem(domain.name)}.yaml", domain_data(domain))
    for group in bot.faq_groups:
        dump(f"faq/{file_stem(group.name)}.yaml", faq_data(group))
    for flow in bot.flows:
        dump(f"flows/{file_stem(flow.code)}.yaml", flow_file_data(flow))
    if bot.variables:
        dump(
            "variables.yaml",
            {
                "variables": [
                    {
                        "name": v.name,
                        "type": v.type.value,
                        "default": v.default,
                        "description": v.description,
                    }
                    for v in bot.variables
                ]
            },
        )
    if bot.templates:
        dump(
            "templates.yaml",
            {
                "templates": [
                    {"name": t.name, "text": t.text, "description": t.description}
                    for t in bot.templates
                ]
            },
        )
    if bot.interfaces:
        dump("interfaces.yaml", {"interfaces": [interface_data(i) for i in bot.interfaces]})
    if bot.access_codes:
        dump(
            "access-codes.yaml",
            {"access_codes": [access_code_data(a) for a in bot.access_codes]},
        )
    return written

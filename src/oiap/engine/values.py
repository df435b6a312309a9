"""Variables as a flow sees them: namespaced lookup, typed assignment, text rendering and the
JSON paths that pick business-interface outputs."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from oiap.domain.flows import PLACEHOLDER, Variable, VariableType

_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def system_clock_values(now: datetime) -> dict[str, str]:
    """The SYS.* values that follow the clock (spec §11.5)."""
    return {
        "systemDate": now.strftime("%Y%m%d"),
        "systemMonth": now.strftime("%Y%m"),
        "systemTime": now.strftime("%H%M%S"),
        "currentTime": now.strftime("%Y%m%d%H%M%S"),
        "timeStamp": str(int(now.timestamp())),
    }


def as_text(value: object) -> str:
    """How a value reads inside a prompt or an interface input."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def render(text: str, lookup: Any) -> str:
    """``text`` with every ``${NS.name}`` replaced by the variable's value (unset: empty)."""
    if "${" not in text:
        return text
    return PLACEHOLDER.sub(lambda m: as_text(lookup(m.group(1).strip())), text)


def coerce(value: object, declared: VariableType | None) -> object:
    """``value`` as the declared type holds it; left as it is when it cannot be converted."""
    if declared is None or value is None:
        return value
    try:
        if declared in (VariableType.INTEGER, VariableType.LONG):
            if isinstance(value, bool):
                return int(value)
            return int(float(str(value)))
        if declared is VariableType.FLOAT:
            return float(str(value))
        if declared is VariableType.STRING:
            return as_text(value)
        if declared in (VariableType.LIST, VariableType.OBJECT) and isinstance(value, str):
            parsed = json.loads(value)
            wanted = list if declared is VariableType.LIST else dict
            return parsed if isinstance(parsed, wanted) else value
    except (ValueError, OverflowError):
        return value
    return value


def initial_values(variables: tuple[Variable, ...]) -> dict[str, Any]:
    return {
        v.name: coerce(v.default, v.type) if v.default is not None else v.type.default()
        for v in variables
    }


def json_path(data: object, path: str) -> object:
    """The value at a path such as ``result.items[0].name`` (a leading ``$.`` is allowed)."""
    path = path.strip()
    if path.startswith("$"):
        path = path[1:].lstrip(".")
    current = data
    for name, index in _PATH_STEP.findall(path):
        if name:
            if not isinstance(current, Mapping) or name not in current:
                return None
            current = current[name]
        else:
            position = int(index)
            if not isinstance(current, list) or position >= len(current):
                return None
            current = current[position]
    return current

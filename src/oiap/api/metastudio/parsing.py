"""Reading MetaStudio bodies and query strings; every problem is an MSS code."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from oiap.api.wire import MalformedBody, RefusedValue, read_json_value
from oiap.errors import MetaStudioError, MsErr, invalid_parameter

M = TypeVar("M", bound=BaseModel)


async def json_value(request: Request, *, empty: Any = None) -> Any:
    """The body's JSON value: not JSON is MetaStudio's JSON error (spec §11,
    ``MSS.10000002``); JSON nested too deeply or holding NUL or lone surrogates is a
    parameter error naming the field."""
    raw = await request.body()
    if not raw.strip():
        if empty is not None:
            return empty
        raise MetaStudioError(MsErr.REQUEST_JSON, "The body is empty.")
    try:
        return read_json_value(raw)
    except RefusedValue as exc:
        raise invalid_parameter(exc.field or "body", exc.problem) from None
    except MalformedBody as exc:
        raise MetaStudioError(MsErr.REQUEST_JSON, exc.problem) from None


async def json_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    data = await json_value(request, empty={} if optional else None)
    if not isinstance(data, dict):
        raise MetaStudioError(MsErr.REQUEST_JSON, "The body must be a JSON object.")
    return data


MAX_IDS = 1000
"""IDs one delete call may name (spec §12 item 17: our choice)."""


async def json_string_list(request: Request, name: str) -> list[str]:
    data = await json_value(request)
    if not isinstance(data, list) or not all(isinstance(i, str) for i in data) or not data:
        raise invalid_parameter(name, "must be a non-empty JSON array of IDs")
    if len(data) > MAX_IDS:
        raise invalid_parameter(name, f"may name at most {MAX_IDS} IDs")
    return data


def parse(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issue = exc.errors()[0]
        where = ".".join(str(p) for p in issue["loc"]) or "body"
        raise invalid_parameter(where, f"is invalid: {issue['msg']}") from exc


def int_query(request: Request, name: str, low: int, high: int, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise invalid_parameter(name, "must be an integer") from None
    if not low <= value <= high:
        raise invalid_parameter(name, f"must be {low}-{high}")
    return value


def text_query(request: Request, name: str, max_length: int = 256) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > max_length:
        raise invalid_parameter(name, f"must be at most {max_length} characters")
    return raw


def time_query(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise invalid_parameter(
            name, "must be an RFC 3339 time like 2021-01-10T08:43:17Z"
        ) from None
    if moment.tzinfo is None or "T" not in raw.upper():
        raise invalid_parameter(name, "must be an RFC 3339 time with a zone")
    return moment


def choice_query(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    raw = text_query(request, name)
    if raw is not None and raw not in allowed:
        raise invalid_parameter(name, f"must be one of {', '.join(allowed)}")
    return raw

"""Reading requests the same way for every interface: content type, size, shape, text.

We parse bodies ourselves rather than letting FastAPI do it, so that every malformed
request is answered with the catalogue's code for its wire family instead of a 422. Every
JSON body goes through ``read_json_value``: bounded depth, and no NUL or lone surrogate in
any string or key, since PostgreSQL refuses such text and a request must fail at the edge,
by name, not in the database. ``UnsafeTextGuard`` does the same for paths, query strings
and credential headers before anything else sees them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oiap.domain.untrusted_json import (
    MAX_DEPTH,
    JsonTooDeep,
    UntrustedJsonError,
    read_untrusted,
    unsafe_text_at,
)

M = TypeVar("M", bound=BaseModel)


class BodyTooLarge(Exception):
    pass


class MalformedBody(Exception):
    """The body is not a JSON object of the expected shape; ``field`` names the culprit."""

    def __init__(self, field: str | None, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(problem)


class RefusedValue(MalformedBody):
    """The body is JSON but holds what no edge accepts: nesting deeper than ``MAX_DEPTH``,
    or NUL or lone surrogates in a string or key. A parameter error in every family, where
    ``MalformedBody`` alone may be a family's own "not JSON" code."""


UNSAFE_TEXT = "must not contain NUL or unpaired surrogate characters"
TOO_DEEP = f"is nested deeper than {MAX_DEPTH} levels"


def read_json_value(raw: bytes) -> Any:
    """The JSON value of a request body, refused as a whole or by field name."""
    try:
        body = read_untrusted(raw)
    except JsonTooDeep:
        raise RefusedValue("body", TOO_DEEP) from None
    except UntrustedJsonError:
        raise _unsafe_or_malformed(raw) from None
    if body.unsafe_at is not None:
        raise RefusedValue(_printable(body.unsafe_at), UNSAFE_TEXT)
    if body.wide_integer:
        # orjson reads integers wider than 64 bits as floats; a caller's digits stay exact.
        # The depth is known to be within the limit, so the recursive parser is safe here.
        return json.loads(raw)
    return body.value


def _printable(where: str) -> str:
    """A field path fit for an error message: a NUL in a key is shown, not sent."""
    return where.replace("\x00", "\\x00")


def _unsafe_or_malformed(raw: bytes) -> MalformedBody:
    """Why orjson refused ``raw``. It refuses a lone surrogate escape (``"\\ud800"``) as
    invalid JSON; the standard parser reads one, so a client is told which field holds it.
    Only refused bodies, already bounded in size, take this second parse."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return MalformedBody(None, "The body is not valid JSON.")
    where = unsafe_text_at(value)
    if where is None:
        return MalformedBody(None, "The body is not valid JSON.")
    return RefusedValue(_printable(where), UNSAFE_TEXT)


def is_json_content_type(value: str | None) -> bool:
    if not value:
        return False
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


async def read_json_object(request: Request) -> dict[str, Any]:
    if not is_json_content_type(request.headers.get("content-type")):
        raise MalformedBody(None, "Content-Type must be application/json.")
    data = read_json_value(await request.body())
    if not isinstance(data, dict):
        raise MalformedBody(None, "The body must be a JSON object.")
    return data


def first_problem(error: ValidationError) -> MalformedBody:
    issue = error.errors()[0]
    field = ".".join(str(part) for part in issue["loc"]) or None
    return MalformedBody(field, issue["msg"])


def parse_model(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise first_problem(exc) from exc


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A FastAPI dependency yielding ``model`` parsed from the request body."""

    async def dependency(request: Request) -> M:
        return parse_model(model, await read_json_object(request))

    return dependency


def request_schema(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI ``requestBody`` for a handler that parses its body with ``json_body``."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inlined(model.model_json_schema())}},
        }
    }


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its ``$defs`` written in place of their references.

    Pydantic refers to nested models as ``#/$defs/Name``, a pointer into the schema's own
    root; placed inside openapi.json that pointer resolves against the whole document, where
    there is no ``$defs``, and client generators and the docs page cannot read the body.
    """
    definitions = schema.pop("$defs", {})

    def resolve(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in seen:  # a model that contains itself: stop at an open object
                return {"type": "object"}
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return resolve({**definitions[name], **siblings}, (*seen, name))
        return {key: resolve(value, seen) for key, value in node.items()}

    result: dict[str, Any] = resolve(schema, ())
    return result


class BodyLimit:
    """Refuses bodies over the limit before they are read into memory, by declared
    length or, for chunked uploads, as soon as the running total passes it."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: Callable[[Scope], int], on_too_large: ASGIApp
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.on_too_large = on_too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self.on_too_large(scope, receive, send)
                    return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self.on_too_large(scope, receive, send)


CREDENTIAL_HEADERS = frozenset(
    {b"authorization", b"authtoken", b"token", b"username", b"tenantid", b"x-auth-token"}
)
UNSAFE_PART = "must be UTF-8 text without NUL or unpaired surrogate characters"


def _clean(raw: bytes) -> bool:
    """UTF-8's decoder refuses encoded surrogates, so this also refuses lone surrogates."""
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def path_parameter(raw_path: bytes, templates: Iterable[str]) -> str:
    """The name of the path parameter whose segment is not clean text, by the route
    templates (``/v1/{project_id}/...``); ``path`` where none matches."""
    segments = raw_path.split(b"/")
    bad = next(i for i, s in enumerate(segments) if not _clean(unquote_to_bytes(s)))
    for template in templates:
        parts = template.split("/")
        if len(parts) != len(segments) or not parts[bad].startswith("{"):
            continue
        if all(p.startswith("{") or p.encode() == s for p, s in zip(parts, segments, strict=True)):
            return parts[bad].strip("{}")
    return "path"


def unsafe_request_part(scope: Scope, templates: Callable[[], Iterable[str]] = tuple) -> str | None:
    """The name of the first path, query parameter or credential header of the request
    that is not clean text, or None.

    Percent-decoding is ours: the server and Starlette decode with replacement characters,
    which would hide ``%ED%A0%80`` from any later check while ``%00`` passes as NUL.
    """
    raw_path = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8", "replace")
    if not _clean(unquote_to_bytes(raw_path)):
        return path_parameter(raw_path, templates())
    query: bytes = scope.get("query_string", b"")
    for pair in query.split(b"&") if query else ():
        name, _, value = pair.partition(b"=")
        name = unquote_to_bytes(name.replace(b"+", b" "))
        if not _clean(name) or not _clean(unquote_to_bytes(value.replace(b"+", b" "))):
            label: str = name.decode("utf-8", "backslashreplace")
            return label.replace("\x00", "\\x00")
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for header, content in headers:
        if header in CREDENTIAL_HEADERS and not _clean(content):
            return header.decode("latin-1")
    return None


class UnsafeTextGuard:
    """Refuses a request whose path, query or credential headers hold NUL, lone surrogates
    or bytes that are not UTF-8, before routing, so no handler or database ever sees it.
    ``refuse`` renders the parameter error in the wire family of the path."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        refuse: Callable[[Scope, str], Response],
        path_templates: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.app = app
        self.refuse = refuse
        self.path_templates = path_templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = unsafe_request_part(scope, self.path_templates)
            if where is not None:
                await self.refuse(scope, f"'{where}' {UNSAFE_PART}.")(scope, receive, send)
                return
        await self.app(scope, receive, send)

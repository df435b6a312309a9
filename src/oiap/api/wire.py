"""Reading JSON bodies the same way for every interface: content type, size, shape.

We parse bodies ourselves rather than letting FastAPI do it, so that every malformed
request is answered with the catalogue's code for its wire family instead of a 422.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

M = TypeVar("M", bound=BaseModel)


class BodyTooLarge(Exception):
    pass


class MalformedBody(Exception):
    """The body is not a JSON object of the expected shape; ``field`` names the culprit."""

    def __init__(self, field: str | None, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(problem)


def is_json_content_type(value: str | None) -> bool:
    if not value:
        return False
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


async def read_json_object(request: Request) -> dict[str, Any]:
    if not is_json_content_type(request.headers.get("content-type")):
        raise MalformedBody(None, "Content-Type must be application/json.")
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedBody(None, "The body is not valid JSON.") from exc
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

"""What every management route shares: the tenant, the page asked for, names in paths and
JSON bodies written with the bot folder's field names (docs/bot-format.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from fastapi import Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from oiap.api.platform import platform_of
from oiap.api.wire import parse_model, read_json_object
from oiap.errors import parameter_error
from oiap.services.bot_management import PAGE_SIZE_MAX, Page
from oiap.services.ports import Storage

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
S = TypeVar("S")

NAME_MAX = 128
CODE_MAX = 64
TEXT_MAX = 4096  # any text box of a diagram element (spec §11.2)
NUMBER_MAX = 2**31 - 1
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"  # usable as GLOBAL.x / FLOW.x in expressions


def storage_of(request: Request) -> Storage:
    return platform_of(request).storage


Store = Annotated[Storage, Depends(storage_of)]
NameInPath = Annotated[str, Path(min_length=1, max_length=NAME_MAX, pattern=PRINTABLE)]
CodeInPath = Annotated[str, Path(min_length=1, max_length=CODE_MAX, pattern=PRINTABLE)]
VariableInPath = Annotated[str, Path(min_length=1, max_length=NAME_MAX, pattern=IDENTIFIER)]
VersionInPath = Annotated[int, Path(ge=1, le=NUMBER_MAX, description="Version number")]

Name = Annotated[StrictStr, Field(min_length=1, max_length=NAME_MAX, pattern=PRINTABLE)]
Code = Annotated[StrictStr, Field(min_length=1, max_length=CODE_MAX, pattern=PRINTABLE)]
Identifier = Annotated[StrictStr, Field(min_length=1, max_length=NAME_MAX, pattern=IDENTIFIER)]
Text = Annotated[StrictStr, Field(max_length=TEXT_MAX)]


def page_params(
    page: Annotated[int, Query(ge=1, le=NUMBER_MAX, description="First page = 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 20,
) -> tuple[int, int]:
    return page, page_size


PageAsked = Annotated[tuple[int, int], Depends(page_params)]


class PageOut(BaseModel, Generic[T]):
    total: int
    page: int
    page_size: int
    items: list[T]

    @classmethod
    def of(cls, page: Page[S], render: Callable[[S], T]) -> Self:
        """The wire form of a service page, each item rendered by ``render``."""
        items = [render(item) for item in page.items]
        return cls(total=page.total, page=page.number, page_size=page.size, items=items)


class Body(BaseModel):
    """A request body: unknown fields are refused (a typo never passes silently); the
    read-only fields a GET adds are dropped, so what was read can be written back."""

    model_config = ConfigDict(extra="forbid")
    READ_ONLY: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _drop_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls.READ_ONLY:
            return {k: v for k, v in data.items() if k not in cls.READ_ONLY}
        return data


def body_of(model: type[M]) -> Any:
    """A dependency yielding ``model`` from the JSON body; every problem is 10000002."""

    async def dependency(request: Request) -> M:
        # The reader refuses what no database can hold: NUL, lone surrogates, NaN,
        # infinities and nesting deeper than its limit.
        return parse_model(model, await read_json_object(request))

    return Depends(dependency)


def named_as_path(in_path: str, in_body: str | None, field: str) -> str:
    """The object's name: the path's; a body that names it must agree."""
    if in_body is not None and in_body != in_path:
        raise parameter_error(field, f"is {in_body!r} but the path names {in_path!r}")
    return in_path


def created_or_replaced(response: Response, created: bool) -> None:
    response.status_code = 201 if created else 200


WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "Created"},
    200: {"description": "Replaced"},
}


def timestamp(moment: datetime) -> str:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()

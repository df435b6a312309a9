"""The one reader of request bodies and the guard of paths, queries and credential headers:
what they refuse, and the field they name."""

from __future__ import annotations

from typing import Any

import pytest

from oiap.api.wire import MalformedBody, RefusedValue, read_json_value, unsafe_request_part


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"[" * 990 + b"]" * 990, "body"),
        (b'{"a":' * 990 + b"1" + b"}" * 990, "body"),
        (b"[" * 5000 + b"]" * 5000, "body"),
        (b'{"userid": "a\\u0000b"}', "userid"),
        (b'{"inparams": {"input": "\\ud800"}}', "inparams.input"),
        (b'{"inparams": {"input": "x\\udc00y"}}', "inparams.input"),
        (b'{"list": ["ok", "\\u0000"]}', "list[1]"),
        (b'{"k\\u0000ey": 1}', "k\\x00ey"),
        (b'{"raw": "\xed\xa0\x80"}', "raw"),  # a surrogate as UTF-8 would encode it
    ],
)
def test_refused_values_name_their_field(raw: bytes, field: str) -> None:
    with pytest.raises(RefusedValue) as refused:
        read_json_value(raw)
    assert refused.value.field == field
    assert "\x00" not in refused.value.field


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"a": NaN}', b'{"a": 1e999}', b"\xff\xfe"],
)
def test_what_is_not_json_stays_a_malformed_body(raw: bytes) -> None:
    with pytest.raises(MalformedBody) as malformed:
        read_json_value(raw)
    assert not isinstance(malformed.value, RefusedValue)


def test_clean_json_within_the_limit_is_read() -> None:
    nested = b"[" * 64 + b"]" * 64
    assert read_json_value(nested) is not None
    assert read_json_value('{"name": "Zoë 🙂"}'.encode()) == {"name": "Zoë 🙂"}


def test_integers_wider_than_64_bits_stay_exact() -> None:
    wide = 123456789012345678901234567890
    raw = f'{{"n": {wide}, "m": [-{2**63 + 1}], "f": 1.5e300}}'.encode()
    assert read_json_value(raw) == {"n": wide, "m": [-(2**63 + 1)], "f": 1.5e300}


def _scope(path: bytes = b"/x", query: bytes = b"", **headers: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "path": path.decode("latin-1"),
        "raw_path": path,
        "query_string": query,
        "headers": [(k.lower().encode(), v) for k, v in headers.items()],
    }


TEMPLATES = ("/v1/{project_id}/smart-chat-rooms/{room_id}", "/oiap/v1/templates/{name}")


@pytest.mark.parametrize(
    ("scope", "named"),
    [
        (_scope(query=b"room_name=a%00"), "room_name"),
        (_scope(query=b"page=1&room_name=x%ED%A0%80"), "room_name"),
        (_scope(query=b"a%00b=1"), "a\\x00b"),
        (_scope(query=b"q=%FF"), "q"),
        (_scope(b"/v1/p1/smart-chat-rooms/a%00b"), "room_id"),
        (_scope(b"/v1/p%ED%A0%80/smart-chat-rooms/r1"), "project_id"),
        (_scope(b"/oiap/v1/templates/a%00b"), "name"),
        (_scope(b"/nowhere/a%00b"), "path"),
        (_scope(authToken=b"tok\x00en"), "authtoken"),
        (_scope(username=b"\xed\xa0\x80"), "username"),
    ],
)
def test_unsafe_paths_queries_and_credentials_are_named(scope: dict[str, Any], named: str) -> None:
    assert unsafe_request_part(scope, lambda: TEMPLATES) == named


def test_clean_requests_pass_the_guard() -> None:
    scope = _scope(
        b"/v1/p1/smart-chat-rooms/r%C3%A9", b"room_name=Zo%C3%AB+x&page=2&flag", token=b"abc"
    )
    assert unsafe_request_part(scope, lambda: TEMPLATES) is None

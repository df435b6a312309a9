"""The ``SDK-HMAC-SHA256`` request signature of Huawei Cloud (spec §2.2), both directions.

The server recomputes the signature a client sent; tests and tools sign with the same
functions. Everything here is pure: the caller supplies the clock, the secret and the bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_BODY_HASH = hashlib.sha256(b"").hexdigest()

_AUTHORIZATION = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<ak>[^,\s]+)\s*,\s*SignedHeaders=(?P<headers>[^,\s]+)"
    r"\s*,\s*Signature=(?P<signature>[0-9a-fA-F]{64})\s*$"
)


@dataclass(frozen=True)
class Authorization:
    """The three parts of an ``Authorization: SDK-HMAC-SHA256 ...`` header."""

    access_key: str
    signed_headers: tuple[str, ...]
    signature: str


def _encode(value: str) -> str:
    # RFC 3986 unreserved characters stay literal; everything else is percent-encoded.
    return quote(value, safe="-._~")


def canonical_uri(path: str) -> str:
    segments = [_encode(unquote(segment)) for segment in path.split("/")]
    uri = "/".join(segments)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    encoded = sorted((_encode(name), _encode(value)) for name, value in pairs)
    return "&".join(f"{name}={value}" for name, value in encoded)


def canonical_headers(headers: Mapping[str, str], signed: Iterable[str]) -> str:
    lowered = {name.lower(): value for name, value in headers.items()}
    return "".join(f"{name}:{lowered.get(name, '').strip()}\n" for name in sorted(signed))


def payload_hash(body: bytes, headers: Mapping[str, str]) -> str:
    lowered = {name.lower(): value for name, value in headers.items()}
    if lowered.get("x-sdk-content-sha256") == UNSIGNED_PAYLOAD:
        return UNSIGNED_PAYLOAD
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed: Iterable[str],
    body: bytes,
) -> str:
    names = sorted(name.lower() for name in signed)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            canonical_headers(headers, names),
            ";".join(names),
            payload_hash(body, headers),
        ]
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(secret_key: str, to_sign: str) -> str:
    return hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def default_signed_headers(headers: Mapping[str, str]) -> list[str]:
    """What a signing client covers: every header but those with ``_`` in their name."""
    return sorted({name.lower() for name in headers if "_" not in name})


def authorization_header(access_key: str, signed: Iterable[str], sig: str) -> str:
    names = ";".join(sorted(name.lower() for name in signed))
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={names}, Signature={sig}"


def sign(
    access_key: str,
    secret_key: str,
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes = b"",
) -> str:
    """The ``Authorization`` value for a request whose headers already hold ``X-Sdk-Date``
    and ``Host``."""
    lowered = {name.lower(): value for name, value in headers.items()}
    signed = default_signed_headers(headers)
    canonical = canonical_request(method, path, query, headers, signed, body)
    sig = signature(secret_key, string_to_sign(canonical, lowered["x-sdk-date"]))
    return authorization_header(access_key, signed, sig)


def parse_authorization(value: str) -> Authorization | None:
    match = _AUTHORIZATION.match(value.strip())
    if match is None:
        return None
    names = tuple(match["headers"].lower().split(";"))
    return Authorization(match["ak"], names, match["signature"].lower())


def parse_sdk_date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def format_sdk_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(DATE_FORMAT)


def same_signature(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())

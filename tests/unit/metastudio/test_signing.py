"""The published SDK-HMAC-SHA256 test vectors (spec §2.2.1)."""

from __future__ import annotations

from oiap.domain import signing

HOST = "service.endpoint.myhuaweicloud.com"
HEADERS = {"Host": HOST, "X-Sdk-Date": "20200608T023900Z", "TEST_UNDERSCORE": "TEST_VALUE"}


def test_get_vector_intermediate_values() -> None:
    signed = signing.default_signed_headers(HEADERS)
    assert signed == ["host", "x-sdk-date"]
    canonical = signing.canonical_request(
        "GET", "/resources", [("size", "1")], HEADERS, signed, b""
    )
    assert canonical == (
        "GET\n/resources/\nsize=1\nhost:service.endpoint.myhuaweicloud.com\n"
        "x-sdk-date:20200608T023900Z\n\nhost;x-sdk-date\n" + signing.EMPTY_BODY_HASH
    )
    assert signing.string_to_sign(canonical, "20200608T023900Z") == (
        "SDK-HMAC-SHA256\n20200608T023900Z\n"
        "de94dd1e1ccdb730b403ce35d7e14f7c7b04337f6def1c3a3a2ba936852b133f"
    )


def test_get_vector() -> None:
    header = signing.sign("AccessKey", "SecretKey", "GET", "/resources", [("size", "1")], HEADERS)
    assert header == (
        "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, "
        "Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
    )


def test_post_vector() -> None:
    body = b'{"name":"test","id":1}'
    header = signing.sign(
        "AccessKey", "SecretKey", "POST", "/resources", [("size", "1")], HEADERS, body
    )
    assert header.endswith(
        "Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
    )


def test_metastudio_shaped_vector() -> None:
    project = "70b76xxxxxx34253880af501cdxxxxxx"
    headers = {
        "Content-Type": "application/json",
        "Host": "metastudio.cn-north-4.myhuaweicloud.com",
        "X-Project-Id": project,
        "X-Sdk-Date": "20250101T000000Z",
    }
    header = signing.sign(
        "AccessKey",
        "SecretKey",
        "GET",
        f"/v1/{project}/smart-chat-rooms",
        [("offset", "0"), ("limit", "10")],
        headers,
    )
    assert header == (
        "SDK-HMAC-SHA256 Access=AccessKey, "
        "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        "Signature=751173e705782a0d05210cf0238f17135fc383385a8cb468bfa5f99cfba0c1b9"
    )


def test_canonical_uri_and_query_encoding() -> None:
    assert signing.canonical_uri("/a b/c%2Fd/") == "/a%20b/c%2Fd/"
    assert signing.canonical_query([("b", "2"), ("a", "x y"), ("a", "1"), ("e", "")]) == (
        "a=1&a=x%20y&b=2&e="
    )


def test_unsigned_payload() -> None:
    headers = {"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"}
    assert signing.payload_hash(b"anything", headers) == "UNSIGNED-PAYLOAD"


def test_parse_authorization() -> None:
    parsed = signing.parse_authorization(
        "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=" + "a" * 64
    )
    assert parsed == signing.Authorization("AK1", ("host", "x-sdk-date"), "a" * 64)
    assert signing.parse_authorization("SDK-HMAC-SHA256 Access=AK1") is None
    assert signing.parse_sdk_date("20200608T023900Z") is not None
    assert signing.parse_sdk_date("2020-06-08") is None

"""Dialog ID binding interfaces (spec §5) against a real server, as a client drives them."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from conftest import Deployment, Tenant

QUERY = "/oifde/rest/api/querynavigationinfo"
CREATE = "/oifde/rest/api/createnavigationinfo"
UPDATE = "/oifde/rest/api/updatenavigationinfo"
DELETE = "/oifde/rest/api/deletenavigationinfo"


def fresh_code() -> str:
    return "7" + str(secrets.randbelow(10**12)).zfill(12)


def lookup(d: Deployment, tenant: Tenant, code: str, source: str = "IVR") -> list[Any]:
    reply = d.call(QUERY, tenant, accessCode=code, pageNum="1", pageSize="10", source=source)
    assert reply.status_code == 200, reply.text
    found: list[Any] = reply.json()["accessInfoList"]
    return found


def create(d: Deployment, tenant: Tenant, code: str, **fields: Any) -> dict[str, Any]:
    body = {"accessCode": code, "dialogType": 1, "flowCode": "hotline", "description": ""}
    reply = d.call(CREATE, tenant, **{**body, **fields})
    assert reply.status_code == 200, reply.text
    assert reply.content == b""
    (stored,) = lookup(d, tenant, code, fields.get("source", "IVR"))
    return dict(stored)


def error_code(reply: Any) -> int:
    assert reply.status_code >= 400, reply.text
    code: int = reply.json()["errorCode"]
    return code


def test_pushed_bindings_are_listed_with_the_documented_fields(deployment: Deployment) -> None:
    d = deployment
    reply = d.call(QUERY, d.a, pageNum="1", pageSize="10", source="OIFDE")
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"total", "accessInfoList"}  # errorCode is absent on success
    assert body["total"] == 2
    first = body["accessInfoList"][0]
    assert first["accessId"].isdigit()
    assert first == {
        "accessId": first["accessId"],
        "tenantId": d.a.tenant_id,
        "accessCode": "4001",
        "domainId": d.domain_id(d.a),
        "dialogType": 1,
        "flowCode": "hotline",
        "flowName": "Bank hotline",
        "description": "Main customer hotline, voice navigation.",
        "source": "OIFDE",
        "chatBotName": "Bank hotline",
        "usingRecordService": 0,
    }
    # Absent source means IVR; the bot's bindings are intelligent (OIFDE) ones.
    only_ivr = d.call(QUERY, d.a, accessCode="4001", pageNum=1, pageSize=5).json()
    assert only_ivr == {"total": 0, "accessInfoList": []}


def test_create_binds_a_code_and_refuses_a_second_binding_of_it(deployment: Deployment) -> None:
    d = deployment
    code = fresh_code()
    stored = create(d, d.a, code, domainId=d.domain_id(d.a), description="first", dialogType=3)
    assert stored["domainId"] == d.domain_id(d.a)
    assert (stored["dialogType"], stored["source"], stored["description"]) == (3, "IVR", "first")

    again = d.call(CREATE, d.a, accessCode=code, dialogType=1, flowCode="hotline", description="")
    assert error_code(again) == 10000004
    assert lookup(d, d.a, code)[0]["description"] == "first"

    # createFlag 1: a flow import overwriting the binding of the same code.
    replaced = d.call(
        CREATE, d.a, accessCode=code, dialogType=4, flowCode="hotline", createFlag="1"
    )
    assert replaced.status_code == 200, replaced.text
    (now,) = lookup(d, d.a, code)
    assert (now["dialogType"], now["description"]) == (4, "")


def test_create_without_access_code_generates_one(deployment: Deployment) -> None:
    d = deployment
    before = d.call(QUERY, d.a).json()["total"]
    reply = d.call(CREATE, d.a, dialogType=1, flowCode="hotline", description="generated")
    assert reply.status_code == 200, reply.text
    listed = d.call(QUERY, d.a).json()
    assert listed["total"] == before + 1
    made = [b for b in listed["accessInfoList"] if b["description"] == "generated"]
    assert made and made[0]["accessCode"].isdigit()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"flowCode": "no-such-flow"}, 10000003),
        ({"domainId": 999999}, 10000003),
        ({"accessCode": "x" * 21}, 10000002),
        ({"dialogType": 5}, 10000002),
        ({"dialogType": 0}, 10000002),
        ({"source": "OTHER"}, 10000002),
        ({"description": None}, 10000002),  # neither description nor createFlag
    ],
)
def test_create_errors_write_nothing(
    deployment: Deployment, fields: dict[str, Any], code: int
) -> None:
    d = deployment
    access_code = fresh_code()
    body = {"accessCode": access_code, "dialogType": 1, "flowCode": "hotline", "description": ""}
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    assert error_code(d.call(CREATE, d.a, **body)) == code
    assert lookup(d, d.a, access_code) == []


def test_other_tenants_flows_and_domains_are_unknown(deployment: Deployment) -> None:
    d = deployment
    code = fresh_code()
    foreign_domain = d.call(
        CREATE,
        d.a,
        accessCode=code,
        dialogType=1,
        flowCode="hotline",
        description="",
        domainId=d.domain_id(d.b),
    )
    assert error_code(foreign_domain) == 10000003
    fresh = d.new_tenant("No flows")
    no_flow = d.call(
        CREATE, fresh, accessCode=code, dialogType=1, flowCode="hotline", description=""
    )
    assert error_code(no_flow) == 10000003


def test_pages_cover_every_binding_once(deployment: Deployment) -> None:
    d = deployment
    for _ in range(6):
        create(d, d.a, fresh_code())
    everything = d.call(QUERY, d.a).json()
    assert everything["total"] >= 6
    paged: list[Any] = []
    page = 1
    while True:
        reply = d.call(QUERY, d.a, pageNum=str(page), pageSize="5").json()
        assert reply["total"] == everything["total"]
        if not reply["accessInfoList"]:
            break
        assert len(reply["accessInfoList"]) <= 5
        paged += reply["accessInfoList"]
        page += 1
    assert paged == everything["accessInfoList"]


@pytest.mark.parametrize(
    "paging",
    [
        {"accessCode": "4001"},  # a code asks for paging too
        {"pageNum": "1"},
        {"pageNum": "0", "pageSize": "10"},
        {"pageNum": "1", "pageSize": "7"},
        {"pageNum": "one", "pageSize": "10"},
        {"pageNum": "1", "pageSize": "10", "accessCode": "1" * 21},
        {"pageNum": "1", "pageSize": "10", "source": "SOMETHING"},
    ],
)
def test_query_refuses_bad_paging(deployment: Deployment, paging: dict[str, Any]) -> None:
    assert error_code(deployment.call(QUERY, deployment.a, **paging)) == 10000002


def test_update_changes_only_what_is_given(deployment: Deployment) -> None:
    d = deployment
    code, new_code = fresh_code(), fresh_code()
    stored = create(d, d.a, code, description="before", domainId=d.domain_id(d.a))
    reply = d.call(
        UPDATE,
        d.a,
        accessId=stored["accessId"],
        accessCode=new_code,
        dialogType=2,
        description="after",
    )
    assert reply.status_code == 200, reply.text
    assert reply.content == b""
    assert lookup(d, d.a, code) == []
    (now,) = lookup(d, d.a, new_code)
    assert now == {
        **stored,
        "accessCode": new_code,
        "dialogType": 2,
        "description": "after",
    }


def test_update_errors_change_nothing(deployment: Deployment) -> None:
    d = deployment
    code = fresh_code()
    stored = create(d, d.a, code, description="kept")
    foreign = create(d, d.b, fresh_code())
    base = {"dialogType": 1, "description": "changed"}
    cases: list[tuple[dict[str, Any], int]] = [
        ({"accessId": "999999999"}, 10000003),
        ({"accessId": "not-a-number"}, 10000003),
        ({"accessId": "9" * 30}, 10000003),
        ({"accessId": foreign["accessId"]}, 10000003),  # another tenant's binding
        ({"accessId": stored["accessId"], "accessCode": "4001"}, 10000004),
        ({"accessId": stored["accessId"], "flowCode": "nope"}, 10000003),
        ({"accessId": stored["accessId"], "domainId": d.domain_id(d.b)}, 10000003),
        ({"accessId": stored["accessId"], "dialogType": 9}, 10000002),
        ({"accessId": stored["accessId"], "description": None}, 10000002),
    ]
    for fields, expected in cases:
        body = {k: v for k, v in {**base, **fields}.items() if v is not None}
        assert error_code(d.call(UPDATE, d.a, **body)) == expected, fields
    assert lookup(d, d.a, code) == [stored]
    assert lookup(d, d.b, foreign["accessCode"]) == [foreign]


def test_delete_is_all_or_nothing(deployment: Deployment) -> None:
    d = deployment
    one, two = create(d, d.a, fresh_code()), create(d, d.a, fresh_code())
    foreign = create(d, d.b, fresh_code())
    for ids in (
        [one["accessId"], "999999999"],
        [one["accessId"], foreign["accessId"]],
        [one["accessId"], "abc"],
    ):
        assert error_code(d.call(DELETE, d.a, accessIdList=ids)) == 10000003
    unknown_code = d.call(DELETE, d.a, accessIdList=[one["accessId"]], accessCodeList=["0"])
    assert error_code(unknown_code) == 10000003
    assert lookup(d, d.a, one["accessCode"]) == [one]
    assert lookup(d, d.b, foreign["accessCode"]) == [foreign]

    reply = d.call(
        DELETE,
        d.a,
        accessIdList=[one["accessId"], two["accessId"]],
        accessCodeList=[one["accessCode"]],
    )
    assert reply.status_code == 200 and reply.content == b""
    assert lookup(d, d.a, one["accessCode"]) == lookup(d, d.a, two["accessCode"]) == []
    assert error_code(d.call(DELETE, d.a, accessIdList=[])) == 10000002


def test_another_tenants_token_is_refused_everywhere(deployment: Deployment) -> None:
    d = deployment
    stored = create(d, d.a, fresh_code())
    bodies: list[tuple[str, dict[str, Any]]] = [
        (QUERY, {"pageNum": "1", "pageSize": "10"}),
        (
            CREATE,
            {"accessCode": fresh_code(), "dialogType": 1, "flowCode": "hotline", "description": ""},
        ),
        (UPDATE, {"accessId": stored["accessId"], "dialogType": 2, "description": "x"}),
        (DELETE, {"accessIdList": [stored["accessId"]]}),
    ]
    for path, fields in bodies:
        reply = d.post(path, {"tenantId": d.a.tenant_id, "authToken": d.b.token, **fields})
        assert reply.status_code == 401 and reply.json()["errorCode"] == 900002, path
    assert lookup(d, d.a, stored["accessCode"]) == [stored]


@pytest.mark.parametrize("path", [QUERY, CREATE, UPDATE, DELETE])
@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"tenantId": 5},
        {"tenantId": {"x": 1}},
        {"dialogType": "voice", "accessIdList": "1", "pageNum": [], "pageSize": {}},
        {"accessId": None, "accessIdList": [None], "domainId": "x", "flowCode": 3},
        {"pageNum": 10**40, "pageSize": 10**40, "domainId": 10**40, "accessId": "1" * 500},
    ],
)
def test_bad_input_is_never_a_server_error(deployment: Deployment, path: str, body: Any) -> None:
    d = deployment
    if isinstance(body, dict):
        body = {"tenantId": d.a.tenant_id, "authToken": d.a.token, **body}
    reply = d.post(path, body)
    assert reply.status_code < 500, reply.text
    if reply.status_code != 200:  # fields a call does not know are ignored, as in OIAP
        assert reply.json()["errorCode"] in {10000002, 10000003}

"""Intent list query (spec §10) against a real server, as a client drives it."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Deployment

QUERY = "/oifde/rest/api/intentions/query"

BANKING_INTENTS = [  # examples/bank-hotline/domains/banking.yaml, in file order
    ("balance", "Check balance"),
    ("lost_card", "Report a lost or stolen card"),
    ("transfer_money", "Transfer money"),
    ("open_account", "Open an account"),
    ("loan", "Loans and mortgages"),
    ("agent", "Speak to an agent"),
    ("card_activation", "Activate a card"),
    ("goodbye", "End the call"),
    ("faq", "General question"),
]


def ok(reply: Any) -> dict[str, Any]:
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    assert (body["errorCode"], body["errorMsg"]) == (0, "")
    return body


def error_code(reply: Any) -> int:
    assert reply.status_code >= 400, reply.text
    code: int = reply.json()["errorCode"]
    return code


def test_intents_are_listed_with_the_documented_fields(deployment: Deployment) -> None:
    d = deployment
    body = ok(d.call(QUERY, d.a, language="en_US", pageNum=1, pageSize=10))
    assert set(body) == {"errorCode", "errorMsg", "intentions", "total"}
    # The preset unknown intent is left out, as documented.
    assert body["total"] == len(BANKING_INTENTS) == len(body["intentions"])
    assert [i["intentCmd"] for i in body["intentions"]] == [c for c, _ in BANKING_INTENTS]
    assert body["intentions"][0] == {
        "intentCmd": "balance",
        "intentName": "banking/Check balance-balance",
        "intentDesc": "Check balance",
        "domainId": d.domain_id(d.a),
        "domainName": "banking",
        "exampleCount": 15,
    }
    for intention, (code, name) in zip(body["intentions"], BANKING_INTENTS, strict=True):
        assert intention["intentName"] == f"banking/{name}-{code}"
        assert intention["intentDesc"] == name
        assert intention["exampleCount"] > 0


def test_pages_cover_every_intent_once(deployment: Deployment) -> None:
    d = deployment
    everything = ok(d.call(QUERY, d.a, language="en_US", pageNum=1, pageSize=100))
    seen: list[Any] = []
    for page in (1, 2, 3):
        body = ok(d.call(QUERY, d.a, language="en_US", pageNum=page, pageSize=5))
        assert body["total"] == everything["total"]
        assert len(body["intentions"]) <= 5
        seen += body["intentions"]
    assert seen == everything["intentions"]
    assert len(ok(d.call(QUERY, d.a, language="en_US", pageNum=2, pageSize=5))["intentions"]) == 4


def test_domain_info_narrows_to_one_of_the_tenants_domains(deployment: Deployment) -> None:
    d = deployment
    domain_id = d.domain_id(d.a)
    info = {"domainId": domain_id, "domainName": "banking", "language": "en_US"}
    body = ok(d.call(QUERY, d.a, language="en_US", pageNum=1, pageSize=10, domainInfo=info))
    assert body["total"] == len(BANKING_INTENTS)
    same_tenant = {"domainId": domain_id, "tenantId": d.a.tenant_id}
    assert ok(
        d.call(QUERY, d.a, language="en_US", pageNum=1, pageSize=10, domainInfo=same_tenant)
    ) == ok(d.call(QUERY, d.a, language="en_US", pageNum=1, pageSize=10))
    # The domain speaks English: asking for Chinese intents of it finds none.
    chinese = ok(d.call(QUERY, d.a, language="zh_CN", pageNum=1, pageSize=10, domainInfo=info))
    assert (chinese["total"], chinese["intentions"]) == (0, [])


@pytest.mark.parametrize("language", ["zh_CN", "pt_BR", "th_TH", "fr_FR", "ar", "es_ES"])
def test_languages_without_domains_list_nothing(deployment: Deployment, language: str) -> None:
    body = ok(deployment.call(QUERY, deployment.a, language=language, pageNum=1, pageSize=5))
    assert (body["total"], body["intentions"]) == (0, [])


def test_a_tenant_without_domains_lists_nothing(deployment: Deployment) -> None:
    d = deployment
    empty = d.new_tenant("No domains")
    body = ok(d.call(QUERY, empty, language="en_US", pageNum=1, pageSize=5))
    assert (body["total"], body["intentions"]) == (0, [])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"language": None}, "language"),
        ({"language": ""}, "language"),
        ({"language": "de_DE"}, "language"),
        ({"pageNum": None}, "pageNum"),
        ({"pageNum": 0}, "pageNum"),
        ({"pageNum": "first"}, "pageNum"),
        ({"pageNum": True}, "pageNum"),
        ({"pageSize": None}, "pageSize"),
        ({"pageSize": 7}, "pageSize"),
        ({"pageSize": 1000}, "pageSize"),
        ({"domainInfo": {"domainName": "banking"}}, "domainInfo.domainId"),
        ({"domainInfo": {"domainId": "x"}}, "domainInfo.domainId"),
        ({"domainInfo": {"domainId": 10**40}}, "domainInfo.domainId"),
        ({"domainInfo": "banking"}, "domainInfo"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(
    deployment: Deployment, fields: dict[str, Any], field: str
) -> None:
    body = {"language": "en_US", "pageNum": 1, "pageSize": 10, **fields}
    body = {k: v for k, v in body.items() if v is not None}
    reply = deployment.call(QUERY, deployment.a, **body)
    assert reply.status_code == 400
    assert error_code(reply) == 10000002
    assert field in reply.json()["errorMsg"]


def test_another_tenants_token_and_domain_are_refused(deployment: Deployment) -> None:
    d = deployment
    fields = {"language": "en_US", "pageNum": 1, "pageSize": 10}
    stolen = d.post(QUERY, {"tenantId": d.a.tenant_id, "authToken": d.b.token, **fields})
    assert stolen.status_code == 401 and stolen.json()["errorCode"] == 900002
    assert "intentions" not in stolen.json()
    missing = d.post(QUERY, {"tenantId": d.a.tenant_id, **fields})
    assert missing.status_code == 401 and missing.json()["errorCode"] == 900001

    foreign = d.call(QUERY, d.a, **fields, domainInfo={"domainId": d.domain_id(d.b)})
    assert foreign.status_code == 404 and error_code(foreign) == 10000003
    assert "intentions" not in foreign.json()
    unknown = d.call(QUERY, d.a, **fields, domainInfo={"domainId": 999999999})
    assert error_code(unknown) == 10000003
    other_tenant = {"domainId": d.domain_id(d.a), "tenantId": d.b.tenant_id}
    mixed = d.call(QUERY, d.a, **fields, domainInfo=other_tenant)
    assert error_code(mixed) == 10000002
    assert "domainInfo.tenantId" in mixed.json()["errorMsg"]


def test_each_tenant_sees_its_own_domains(deployment: Deployment) -> None:
    d = deployment
    fields = {"language": "en_US", "pageNum": 1, "pageSize": 100}
    mine = ok(d.call(QUERY, d.a, **fields))["intentions"]
    theirs = ok(d.call(QUERY, d.b, **fields))["intentions"]
    assert {i["domainId"] for i in mine} == {d.domain_id(d.a)}
    assert {i["domainId"] for i in theirs} == {d.domain_id(d.b)}


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"tenantId": 5},
        {"tenantId": {"x": 1}},
        {"language": ["en_US"], "pageNum": [], "pageSize": {}},
        {"language": "en_US", "pageNum": 10**40, "pageSize": 10**40},
        {"language": "en_US", "pageNum": 1, "pageSize": 5, "domainInfo": {"domainId": None}},
        {"language": "en_US", "pageNum": 1, "pageSize": 5, "domainInfo": []},
    ],
)
def test_bad_input_is_never_a_server_error(deployment: Deployment, body: Any) -> None:
    d = deployment
    if isinstance(body, dict):
        body = {"tenantId": d.a.tenant_id, "authToken": d.a.token, **body}
    reply = d.post(QUERY, body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == 10000002

"""Q&A configuration interfaces (spec §9) against a real server, as a client drives them.

This family answers ``errorCode`` as a string: ``"0"`` on success, the catalogue's code
as text on failure.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from conftest import Deployment, Tenant

GROUP_QUERY = "/oifde/rest/api/faqGroup/query"
GROUP_CREATE = "/oifde/rest/api/faqGroup/create"
GROUP_UPDATE = "/oifde/rest/api/faqGroup/update"
GROUP_DELETE = "/oifde/rest/api/faqGroup/delete"
GROUP_STATUS = "/oifde/rest/api/faqGroup/changeStatus"
FAQ_QUERY = "/oifde/rest/api/faq/query"
FAQ_CREATE = "/oifde/rest/api/faq/create"
FAQ_UPDATE = "/oifde/rest/api/faq/update"
FAQ_DELETE = "/oifde/rest/api/faq/delete"

GROUP_FIELDS = {"id", "tenantId", "name", "description", "language", "updateTime", "on", "amount"}
FAQ_FIELDS = {"id", "faqGroupId", "question", "simQuestions", "answer", "simAnswers", "keywords"}


def fresh(prefix: str = "group") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def ok(reply: Any) -> dict[str, Any]:
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    assert body["errorCode"] == "0" and body["errorMsg"] == "", body
    return body


def error_code(reply: Any) -> str:
    assert reply.status_code >= 400, reply.text
    code = reply.json()["errorCode"]
    assert isinstance(code, str), code
    return code


def groups(d: Deployment, tenant: Tenant, **fields: Any) -> list[dict[str, Any]]:
    body = ok(d.call(GROUP_QUERY, tenant, **{"pageNum": 1, "pageSize": 100, **fields}))
    found: list[dict[str, Any]] = body["data"]
    return found


def group_named(d: Deployment, tenant: Tenant, name: str) -> dict[str, Any] | None:
    return next((g for g in groups(d, tenant) if g["name"] == name), None)


def create_group(d: Deployment, tenant: Tenant, name: str, **model: Any) -> dict[str, Any]:
    """Creates a group with the documented body: the tenant only inside ``model``."""
    body = {"id": -1, "tenantId": tenant.tenant_id, "name": name, **model}
    reply = d.post(GROUP_CREATE, {"authToken": tenant.token, "model": body})
    made: dict[str, Any] = ok(reply)["faqGroupModel"]
    return made


def faqs(d: Deployment, tenant: Tenant, group_id: int, **fields: Any) -> list[dict[str, Any]]:
    fields = {"faqGroupId": group_id, "pageNum": 1, "pageSize": 100, **fields}
    found: list[dict[str, Any]] = ok(d.call(FAQ_QUERY, tenant, **fields))["data"]
    return found


def create_faq(d: Deployment, tenant: Tenant, group_id: int, **model: Any) -> dict[str, Any]:
    body = {"id": -1, "faqGroupId": group_id, "question": fresh("q"), "answer": "A.", **model}
    made: dict[str, Any] = ok(d.call(FAQ_CREATE, tenant, model=body))["faqModel"]
    return made


@pytest.fixture(scope="module")
def foreign(deployment: Deployment) -> dict[str, Any]:
    """A group of tenant ``b`` with one Q&A: ids that tenant ``a`` must never reach."""
    group = create_group(deployment, deployment.b, fresh("foreign"), on=True)
    faq = create_faq(deployment, deployment.b, group["id"], question="Foreign question?")
    return {"group": group, "faq": faq}


# --- groups -------------------------------------------------------------------------------


def test_pushed_group_is_listed_with_the_documented_fields(deployment: Deployment) -> None:
    d = deployment
    body = ok(d.call(GROUP_QUERY, d.a, pageNum=1, pageSize=10, name="general"))
    assert set(body) == {"errorCode", "errorMsg", "data", "totalSize"}
    assert body["totalSize"] == 1
    (general,) = body["data"]
    assert set(general) == GROUP_FIELDS
    assert isinstance(general["id"], int) and isinstance(general["updateTime"], int)
    assert general["updateTime"] > 1_600_000_000_000  # milliseconds since the epoch
    assert {k: v for k, v in general.items() if k not in ("id", "updateTime")} == {
        "tenantId": d.a.tenant_id,
        "name": "general",
        "description": "Frequent questions about the bank.",
        "language": "en_US",
        "on": True,
        "amount": 3,
    }


def test_group_lifecycle_create_update_status_delete(deployment: Deployment) -> None:
    d = deployment
    name = fresh()
    made = create_group(d, d.a, name, description="This is a test group.", language="en_US")
    assert set(made) == GROUP_FIELDS
    assert (made["tenantId"], made["name"], made["description"]) == (
        d.a.tenant_id,
        name,
        "This is a test group.",
    )
    # New groups wait for activation (changeStatus), and hold no Q&A yet.
    assert (made["language"], made["on"], made["amount"]) == ("en_US", False, 0)
    assert group_named(d, d.a, name) == made

    renamed = fresh()
    reply = d.post(
        GROUP_UPDATE,
        {
            "authToken": d.a.token,
            "model": {"id": made["id"], "tenantId": d.a.tenant_id, "name": renamed},
        },
    )
    updated = ok(reply)["faqGroupModel"]
    # The description was not given, so it is kept.
    assert {**updated, "updateTime": 0} == {**made, "name": renamed, "updateTime": 0}
    assert updated["updateTime"] >= made["updateTime"]
    assert group_named(d, d.a, name) is None

    on = ok(d.call(GROUP_STATUS, d.a, faqGroupId=made["id"], on=True))
    assert on["faqGroupModel"]["on"] is True
    assert group_named(d, d.a, renamed)["on"] is True  # type: ignore[index]
    ok(d.call(GROUP_STATUS, d.a, faqGroupId=made["id"]))  # "on" absent: deactivate
    assert group_named(d, d.a, renamed)["on"] is False  # type: ignore[index]

    deleted = ok(d.call(GROUP_DELETE, d.a, faqGroupIds=[made["id"]]))
    assert deleted == {"errorCode": "0", "errorMsg": ""}
    assert group_named(d, d.a, renamed) is None
    assert error_code(d.call(GROUP_DELETE, d.a, faqGroupIds=[made["id"]])) == "10000003"


def test_group_update_cannot_change_the_language(deployment: Deployment) -> None:
    d = deployment
    made = create_group(d, d.a, fresh(), language="zh_CN")
    model = {"id": made["id"], "tenantId": d.a.tenant_id, "name": made["name"]}
    reply = d.post(GROUP_UPDATE, {"authToken": d.a.token, "model": {**model, "language": "en_US"}})
    assert error_code(reply) == "10000002"
    assert "language" in reply.json()["errorMsg"]
    same = d.post(GROUP_UPDATE, {"authToken": d.a.token, "model": {**model, "language": "zh_CN"}})
    assert ok(same)["faqGroupModel"]["language"] == "zh_CN"


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ({"name": "x" * 65}, "model.name"),
        ({"name": ""}, "model.name"),
        ({"name": "   "}, "name"),
        ({"description": "d" * 513}, "model.description"),
        ({"language": "de_DE"}, "model.language"),
        ({"id": 5}, "model.id"),
        ({"tenantId": None}, "model.tenantId"),
        ({"on": "maybe"}, "model.on"),
    ],
)
def test_group_create_refuses_what_breaks_the_limits(
    deployment: Deployment, model: dict[str, Any], field: str
) -> None:
    d = deployment
    body = {"id": -1, "tenantId": d.a.tenant_id, "name": fresh(), **model}
    body = {k: v for k, v in body.items() if v is not None}
    before = len(groups(d, d.a))
    reply = d.post(GROUP_CREATE, {"authToken": d.a.token, "model": body})
    assert error_code(reply) == "10000002"
    assert field in reply.json()["errorMsg"]
    assert len(groups(d, d.a)) == before


def test_group_limits_are_inclusive(deployment: Deployment) -> None:
    d = deployment
    name = fresh() + "n" * (64 - len(fresh()))
    made = create_group(d, d.a, name, description="d" * 512, language="th_TH")
    assert (len(made["name"]), len(made["description"])) == (64, 512)


def test_group_names_are_unique_per_tenant(deployment: Deployment) -> None:
    d = deployment
    first, second = create_group(d, d.a, fresh()), create_group(d, d.a, fresh())
    again = d.post(
        GROUP_CREATE,
        {"authToken": d.a.token, "model": {"tenantId": d.a.tenant_id, "name": first["name"]}},
    )
    assert error_code(again) == "10000004"
    clash = d.post(
        GROUP_UPDATE,
        {
            "authToken": d.a.token,
            "model": {"id": second["id"], "tenantId": d.a.tenant_id, "name": first["name"]},
        },
    )
    assert error_code(clash) == "10000004"
    assert group_named(d, d.a, second["name"]) is not None
    # Another tenant may use the same name.
    assert create_group(d, d.b, first["name"])["tenantId"] == d.b.tenant_id


def test_group_tenant_comes_from_the_model_or_beside_it(deployment: Deployment) -> None:
    d = deployment
    name = fresh()
    reply = d.call(GROUP_CREATE, d.a, model={"name": name})  # tenantId beside the model
    assert ok(reply)["faqGroupModel"]["tenantId"] == d.a.tenant_id
    mismatch = d.call(GROUP_CREATE, d.a, model={"tenantId": d.b.tenant_id, "name": fresh()})
    assert error_code(mismatch) == "10000002"
    assert "model.tenantId" in mismatch.json()["errorMsg"]


def test_group_query_filters_by_language_and_name_and_pages(deployment: Deployment) -> None:
    d = deployment
    t = d.new_tenant("Q&A pages")
    assert ok(d.call(GROUP_QUERY, t, pageNum=1, pageSize=10)) == {
        "errorCode": "0",
        "errorMsg": "",
        "data": [],
        "totalSize": 0,
    }
    for n in range(7):
        create_group(d, t, f"Billing FAQ {n}", language="en_US" if n % 2 else "es_ES")
    create_group(d, t, "Other")
    assert [g["name"] for g in groups(d, t, language="es_ES")] == [
        "Billing FAQ 0",
        "Billing FAQ 2",
        "Billing FAQ 4",
        "Billing FAQ 6",
    ]
    assert len(groups(d, t, name="billing faq")) == 7
    assert len(groups(d, t, name="", language="")) == 8  # blank filters filter nothing
    assert [g["name"] for g in groups(d, t, name="faq 3", language="en_US")] == ["Billing FAQ 3"]

    seen: list[str] = []
    for page in (1, 2, 3):
        body = ok(d.call(GROUP_QUERY, t, pageNum=page, pageSize=3))
        assert body["totalSize"] == 8
        seen += [g["name"] for g in body["data"]]
    assert seen == [g["name"] for g in groups(d, t)]
    assert ok(d.call(GROUP_QUERY, t, pageNum=4, pageSize=3))["data"] == []


@pytest.mark.parametrize(
    "paging",
    [
        {},
        {"pageNum": 1},
        {"pageSize": 10},
        {"pageNum": 0, "pageSize": 10},
        {"pageNum": 1, "pageSize": 0},
        {"pageNum": 1, "pageSize": 101},
        {"pageNum": "one", "pageSize": 10},
        {"pageNum": True, "pageSize": 10},
        {"pageNum": 1, "pageSize": 10, "language": "xx"},
        {"pageNum": 1, "pageSize": 10, "name": "n" * 65},
    ],
)
def test_group_query_refuses_bad_paging(deployment: Deployment, paging: dict[str, Any]) -> None:
    assert error_code(deployment.call(GROUP_QUERY, deployment.a, **paging)) == "10000002"


def test_group_delete_is_all_or_nothing_and_takes_the_questions(
    deployment: Deployment, foreign: dict[str, Any]
) -> None:
    d = deployment
    one, two = create_group(d, d.a, fresh()), create_group(d, d.a, fresh())
    create_faq(d, d.a, one["id"])
    for ids in ([one["id"], 999999999], [one["id"], foreign["group"]["id"]]):
        assert error_code(d.call(GROUP_DELETE, d.a, faqGroupIds=ids)) == "10000003"
    assert len(faqs(d, d.a, one["id"])) == 1
    assert error_code(d.call(GROUP_DELETE, d.a, faqGroupIds=[])) == "10000002"
    assert error_code(d.call(GROUP_DELETE, d.a, faqGroupIds=[0])) == "10000002"

    ok(d.call(GROUP_DELETE, d.a, faqGroupIds=[one["id"], two["id"], one["id"]]))
    assert group_named(d, d.a, one["name"]) is group_named(d, d.a, two["name"]) is None
    gone = d.call(FAQ_QUERY, d.a, faqGroupId=one["id"], pageNum=1, pageSize=10)
    assert error_code(gone) == "10000003"


def test_change_status_errors(deployment: Deployment) -> None:
    d = deployment
    assert error_code(d.call(GROUP_STATUS, d.a, faqGroupId=999999999, on=True)) == "10000003"
    assert error_code(d.call(GROUP_STATUS, d.a, on=True)) == "10000002"
    assert error_code(d.call(GROUP_STATUS, d.a, faqGroupId="x", on=True)) == "10000002"
    assert error_code(d.call(GROUP_STATUS, d.a, faqGroupId=10**40, on=True)) == "10000002"


# --- questions and answers ---------------------------------------------------------------


def test_faq_lifecycle_with_the_documented_shapes(deployment: Deployment) -> None:
    d = deployment
    group = create_group(d, d.a, fresh())
    model = {
        "id": -1,
        "faqGroupId": group["id"],
        "question": "How do I apply for social security?",
        "simQuestions": [
            {"id": -1, "elementId": -1, "statement": "Where to apply for social security"},
            {"statement": "Social security application", "type": "Q"},
        ],
        "answer": "Apply online or at any branch.",
        "simAnswers": [{"statement": "Online or at a branch.", "type": "A"}],
        "keywords": [{"w": "social security"}, {"w": "apply"}],
    }
    body = ok(d.call(FAQ_CREATE, d.a, model=model))
    assert set(body) == {"errorCode", "errorMsg", "faqGroupModel", "faqModel"}
    assert body["faqGroupModel"]["amount"] == 1
    made = body["faqModel"]
    assert set(made) == FAQ_FIELDS
    faq_id = made["id"]
    assert isinstance(faq_id, int) and faq_id > 0
    assert made == {
        "id": faq_id,
        "faqGroupId": group["id"],
        "question": "How do I apply for social security?",
        "simQuestions": [
            {
                "id": 1,
                "elementId": faq_id,
                "statement": "Where to apply for social security",
                "type": "Q",
            },
            {"id": 2, "elementId": faq_id, "statement": "Social security application", "type": "Q"},
        ],
        "answer": "Apply online or at any branch.",
        "simAnswers": [
            {"id": 1, "elementId": faq_id, "statement": "Online or at a branch.", "type": "A"}
        ],
        "keywords": [{"w": "social security"}, {"w": "apply"}],
    }
    listed = ok(d.call(FAQ_QUERY, d.a, faqGroupId=group["id"], pageNum=1, pageSize=10))
    assert set(listed) == {"errorCode", "errorMsg", "data", "totalSize"}
    assert (listed["data"], listed["totalSize"]) == ([made], 1)

    changed = {"id": faq_id, "faqGroupId": group["id"], "question": "New?", "answer": "New."}
    updated = ok(d.call(FAQ_UPDATE, d.a, model=changed))
    assert updated["faqModel"] == {
        "id": faq_id,
        "faqGroupId": group["id"],
        "question": "New?",
        "simQuestions": [],
        "answer": "New.",
        "simAnswers": [],
        "keywords": [],
    }
    assert updated["faqGroupModel"]["amount"] == 1
    assert faqs(d, d.a, group["id"]) == [updated["faqModel"]]

    gone = ok(d.call(FAQ_DELETE, d.a, faqGroupId=group["id"], faqIds=[faq_id]))
    assert gone == {"errorCode": "0", "errorMsg": ""}
    assert faqs(d, d.a, group["id"]) == []
    assert group_named(d, d.a, group["name"])["amount"] == 0  # type: ignore[index]


def test_pushed_questions_are_listed_and_filtered_by_question_text(
    deployment: Deployment,
) -> None:
    d = deployment
    general = group_named(d, d.a, "general")
    assert general is not None
    everything = faqs(d, d.a, general["id"])
    assert [f["question"] for f in everything] == [
        "What are your opening hours?",
        "How do I reset my online banking password?",
        "What is your routing number?",
    ]
    assert everything[0]["keywords"] == [{"w": "hours"}, {"w": "open"}]
    assert [s["statement"] for s in everything[0]["simQuestions"]] == [
        "When are branches open?",
        "What time do you open?",
        "Are you open on Saturday?",
    ]
    assert [f["question"] for f in faqs(d, d.a, general["id"], name="ROUTING")] == [
        "What is your routing number?"
    ]
    assert faqs(d, d.a, general["id"], name="") == everything
    page = ok(d.call(FAQ_QUERY, d.a, faqGroupId=general["id"], pageNum=2, pageSize=2))
    assert (page["totalSize"], page["data"]) == (3, everything[2:])


def statements(n: int, kind: str, size: int = 10) -> list[dict[str, str]]:
    return [{"statement": f"{kind}{i:04d}".ljust(size, "x"), "type": kind} for i in range(n)]


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ({"question": "q" * 8193}, "model.question"),
        ({"answer": "a" * 8193}, "model.answer"),
        ({"question": ""}, "model.question"),
        ({"question": "   "}, "question"),
        ({"answer": None}, "model.answer"),
        ({"faqGroupId": None}, "model.faqGroupId"),
        ({"simQuestions": statements(101, "Q")}, "model.simQuestions"),
        ({"simAnswers": statements(101, "A")}, "model.simAnswers"),
        ({"simQuestions": [{"statement": "s" * 8193}]}, "model.simQuestions"),
        ({"simAnswers": [{"statement": "s", "type": "Q"}]}, "model.simAnswers"),
        ({"keywords": [{"w": f"k{i}"} for i in range(21)]}, "model.keywords"),
        ({"keywords": [{"w": "a|b"}]}, "model.keywords"),
        ({"keywords": [{"w": "k" * 65}]}, "model.keywords"),
        ({"keywords": ["plain"]}, "model.keywords"),
        ({"id": 7}, "model.id"),
    ],
)
def test_faq_create_refuses_what_breaks_the_limits(
    deployment: Deployment, model: dict[str, Any], field: str
) -> None:
    d = deployment
    group = create_group(d, d.a, fresh())
    body = {"faqGroupId": group["id"], "question": "Q?", "answer": "A.", **model}
    body = {k: v for k, v in body.items() if v is not None}
    reply = d.call(FAQ_CREATE, d.a, model=body)
    assert error_code(reply) == "10000002"
    assert field in reply.json()["errorMsg"]
    assert faqs(d, d.a, group["id"]) == []


def test_faq_limits_are_inclusive(deployment: Deployment) -> None:
    d = deployment
    group = create_group(d, d.a, fresh())
    made = create_faq(
        d,
        d.a,
        group["id"],
        question="q" * 8192,
        answer="a" * 8192,
        simQuestions=statements(100, "Q", 8192),
        simAnswers=statements(100, "A"),
        keywords=[{"w": f"{i:02d}".ljust(64, "k")} for i in range(20)],
    )
    assert (len(made["question"]), len(made["answer"])) == (8192, 8192)
    assert (len(made["simQuestions"]), len(made["simAnswers"]), len(made["keywords"])) == (
        100,
        100,
        20,
    )
    assert made["simQuestions"][99]["id"] == 100
    assert faqs(d, d.a, group["id"]) == [made]


def test_faq_questions_are_unique_within_a_group(deployment: Deployment) -> None:
    d = deployment
    group, other = create_group(d, d.a, fresh()), create_group(d, d.a, fresh())
    first = create_faq(d, d.a, group["id"], question="Same?")
    second = create_faq(d, d.a, group["id"], question="Different?")
    again = {"faqGroupId": group["id"], "question": "Same?", "answer": "x"}
    assert error_code(d.call(FAQ_CREATE, d.a, model=again)) == "10000004"
    clash = {**again, "id": second["id"]}
    assert error_code(d.call(FAQ_UPDATE, d.a, model=clash)) == "10000004"
    # Keeping its own question is no clash; another group may ask the same.
    ok(d.call(FAQ_UPDATE, d.a, model={**again, "id": first["id"], "answer": "kept"}))
    create_faq(d, d.a, other["id"], question="Same?")
    assert [f["question"] for f in faqs(d, d.a, group["id"])] == ["Same?", "Different?"]


def test_faq_update_and_delete_errors_change_nothing(deployment: Deployment) -> None:
    d = deployment
    group, other = create_group(d, d.a, fresh()), create_group(d, d.a, fresh())
    mine = create_faq(d, d.a, group["id"], question="Mine?")
    elsewhere = create_faq(d, d.a, other["id"], question="Elsewhere?")
    base = {"faqGroupId": group["id"], "question": "Changed?", "answer": "Changed."}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"id": 999999999}, "10000003"),
        ({"id": elsewhere["id"]}, "10000003"),  # a Q&A of another group
        ({"id": mine["id"], "faqGroupId": 999999999}, "10000003"),
        ({}, "10000002"),  # no id
        ({"id": -1}, "10000002"),
        ({"id": mine["id"], "question": ""}, "10000002"),
    ]
    for fields, expected in cases:
        assert error_code(d.call(FAQ_UPDATE, d.a, model={**base, **fields})) == expected, fields

    for group_id, ids, expected in [
        (group["id"], [mine["id"], 999999999], "10000003"),
        (group["id"], [mine["id"], elsewhere["id"]], "10000003"),
        (999999999, [mine["id"]], "10000003"),
        (group["id"], [], "10000002"),
        (group["id"], ["x"], "10000002"),
    ]:
        reply = d.call(FAQ_DELETE, d.a, faqGroupId=group_id, faqIds=ids)
        assert error_code(reply) == expected, (group_id, ids)
    assert faqs(d, d.a, group["id"]) == [mine]
    assert faqs(d, d.a, other["id"]) == [elsewhere]


def test_faq_query_errors(deployment: Deployment) -> None:
    d = deployment
    unknown = d.call(FAQ_QUERY, d.a, faqGroupId=999999999, pageNum=1, pageSize=10)
    assert error_code(unknown) == "10000003"
    for fields in (
        {"pageNum": 1, "pageSize": 10},
        {"faqGroupId": 1, "pageNum": 0, "pageSize": 10},
        {"faqGroupId": 1, "pageNum": 1, "pageSize": 101},
        {"faqGroupId": 1, "pageNum": 1},
    ):
        assert error_code(d.call(FAQ_QUERY, d.a, **fields)) == "10000002", fields


# --- tenants and tokens -------------------------------------------------------------------


def every_call(group_id: int, faq_id: int, tenant_id: str) -> list[tuple[str, dict[str, Any]]]:
    faq_model = {"faqGroupId": group_id, "question": fresh("q"), "answer": "A."}
    group_model = {"tenantId": tenant_id, "name": fresh()}
    return [
        (GROUP_QUERY, {"pageNum": 1, "pageSize": 10}),
        (GROUP_CREATE, {"model": group_model}),
        (GROUP_UPDATE, {"model": {**group_model, "id": group_id}}),
        (GROUP_DELETE, {"faqGroupIds": [group_id]}),
        (GROUP_STATUS, {"faqGroupId": group_id, "on": True}),
        (FAQ_QUERY, {"faqGroupId": group_id, "pageNum": 1, "pageSize": 10}),
        (FAQ_CREATE, {"model": faq_model}),
        (FAQ_UPDATE, {"model": {**faq_model, "id": faq_id}}),
        (FAQ_DELETE, {"faqGroupId": group_id, "faqIds": [faq_id]}),
    ]


def test_another_tenants_token_or_none_is_refused_everywhere(deployment: Deployment) -> None:
    d = deployment
    group = create_group(d, d.a, fresh())
    faq = create_faq(d, d.a, group["id"])
    for path, fields in every_call(group["id"], faq["id"], d.a.tenant_id):
        stolen = d.post(path, {"tenantId": d.a.tenant_id, "authToken": d.b.token, **fields})
        assert stolen.status_code == 401 and stolen.json()["errorCode"] == "900002", path
        missing = d.post(path, {"tenantId": d.a.tenant_id, **fields})
        assert missing.status_code == 401 and missing.json()["errorCode"] == "900001", path
    assert group_named(d, d.a, group["name"]) == {**group, "amount": 1}
    assert faqs(d, d.a, group["id"]) == [faq]


def test_another_tenants_ids_read_as_unknown_everywhere(
    deployment: Deployment, foreign: dict[str, Any]
) -> None:
    d = deployment
    group_id, faq_id = foreign["group"]["id"], foreign["faq"]["id"]
    for path, fields in every_call(group_id, faq_id, d.a.tenant_id)[2:]:
        reply = d.call(path, d.a, **fields)
        assert error_code(reply) == "10000003", path
        assert "Foreign" not in reply.text
    # A Q&A of b addressed through a group of a is unknown too.
    own = create_group(d, d.a, fresh())
    through_own = {"id": faq_id, "faqGroupId": own["id"], "question": "Q?", "answer": "A."}
    assert error_code(d.call(FAQ_UPDATE, d.a, model=through_own)) == "10000003"
    own_delete = d.call(FAQ_DELETE, d.a, faqGroupId=own["id"], faqIds=[faq_id])
    assert error_code(own_delete) == "10000003"
    # a's listing never shows b's groups; b's data is untouched.
    assert all(g["tenantId"] == d.a.tenant_id for g in groups(d, d.a))
    assert foreign["group"]["name"] not in {g["name"] for g in groups(d, d.a)}
    theirs = group_named(d, d.b, foreign["group"]["name"])
    assert theirs == {**foreign["group"], "amount": 1, "updateTime": theirs["updateTime"]}  # type: ignore[index]
    assert faqs(d, d.b, group_id) == [foreign["faq"]]


# --- malformed input ----------------------------------------------------------------------


def test_malformed_bodies_answer_a_string_code_and_other_families_keep_integers(
    deployment: Deployment,
) -> None:
    d = deployment
    url = d.server.url + GROUP_QUERY
    for reply in (
        httpx.post(url, content=b"{not json", headers={"content-type": "application/json"}),
        httpx.post(url, content=b"{}", headers={"content-type": "text/plain"}),
        httpx.post(url, json=[1, 2]),
    ):
        assert reply.status_code == 400
        assert reply.json()["errorCode"] == "10000002"
    too_large = httpx.post(url, json={"tenantId": "x" * (2 * 1024 * 1024)})
    assert too_large.status_code == 413 and too_large.json()["errorCode"] == "10000002"
    domains = httpx.post(
        d.server.url + "/oifde/rest/api/querydomaininfo",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert domains.json()["errorCode"] == 10000002


PATHS = [
    GROUP_QUERY,
    GROUP_CREATE,
    GROUP_UPDATE,
    GROUP_DELETE,
    GROUP_STATUS,
    FAQ_QUERY,
    FAQ_CREATE,
    FAQ_UPDATE,
    FAQ_DELETE,
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"tenantId": 5},
        {"tenantId": {"x": 1}},
        {"model": "x", "faqGroupIds": "1", "pageNum": [], "pageSize": {}},
        {"model": {"id": None, "name": None, "question": 3}, "faqIds": [None], "on": "x"},
        {"faqGroupId": 10**40, "faqGroupIds": [10**40], "faqIds": [10**40], "pageNum": 10**40},
        {"model": {"id": 10**40, "faqGroupId": 10**40, "name": "n", "question": "q"}},
        {"model": {"simQuestions": "x", "keywords": {"w": 1}, "faqGroupId": 1, "answer": []}},
    ],
)
def test_bad_input_is_never_a_server_error(deployment: Deployment, path: str, body: Any) -> None:
    d = deployment
    if isinstance(body, dict):
        body = {"tenantId": d.a.tenant_id, "authToken": d.a.token, **body}
        if isinstance(body.get("model"), dict):
            body["model"] = {"tenantId": d.a.tenant_id, **body["model"]}
    reply = d.post(path, body)
    assert reply.status_code < 500, reply.text
    if reply.status_code != 200:
        assert reply.json()["errorCode"] in {"10000002", "10000003"}

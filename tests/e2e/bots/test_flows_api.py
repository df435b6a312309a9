"""Flow Query Interface (spec §6) against a real server."""

from __future__ import annotations

import time
from typing import Any

import pytest
from conftest import Deployment

FLOWS = "/oifde/rest/api/queryflows"


def test_published_flow_is_valid_with_its_default_version(deployment: Deployment) -> None:
    d = deployment
    reply = d.call(FLOWS, d.a, source="OIFDE")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert set(body) == {"total", "flowList"}
    assert body["total"] == 1
    (flow,) = body["flowList"]
    assert isinstance(flow["flowId"], int)
    now_ms = time.time() * 1000
    assert 0 < flow["createDate"] <= flow["statusDate"] <= now_ms + 1000
    assert flow == {
        **flow,
        "tenantId": d.a.tenant_id,
        "flowCode": "hotline",
        "flowName": "Bank hotline",
        "scenarioType": "Default",
        "status": "VALID",
        "version": "1",
        "isDefault": "1",
        "flowStartNode": "start",
        "logSwitch": "0",
    }
    assert flow["flowDesc"].startswith("Greeting")


def test_draft_only_flow_is_initial_without_version(deployment: Deployment) -> None:
    (flow,) = deployment.call(FLOWS, deployment.b, source="OIFDE").json()["flowList"]
    assert flow["status"] == "INITIAL"
    assert "version" not in flow


@pytest.mark.parametrize(
    ("filters", "total", "listed"),
    [
        ({"flowCode": "hotline"}, 1, 1),
        ({"flowCode": "other"}, 0, 0),
        ({"flowName": "Bank hotline"}, 1, 1),
        ({"flowName": "Bank"}, 0, 0),
        ({"flowId": "not-a-number"}, 0, 0),
        ({"pageNum": 1, "pageSize": 10}, 1, 1),
        ({"pageNum": "2", "pageSize": "10"}, 1, 0),
    ],
)
def test_filters_and_pages(
    deployment: Deployment, filters: dict[str, Any], total: int, listed: int
) -> None:
    body = deployment.call(FLOWS, deployment.a, source="OIFDE", **filters).json()
    assert (body["total"], len(body["flowList"])) == (total, listed)


def test_flow_id_filter_and_other_tenants_ids(deployment: Deployment) -> None:
    d = deployment
    (own,) = d.call(FLOWS, d.a, source="OIFDE").json()["flowList"]
    (foreign,) = d.call(FLOWS, d.b, source="OIFDE").json()["flowList"]
    assert d.call(FLOWS, d.a, source="OIFDE", flowId=str(own["flowId"])).json()["total"] == 1
    assert d.call(FLOWS, d.a, source="OIFDE", flowId=str(foreign["flowId"])).json() == {
        "total": 0,
        "flowList": [],
    }
    assert d.call(FLOWS, d.new_tenant("Empty")).json() == {"total": 0, "flowList": []}


def test_another_tenants_token_is_refused(deployment: Deployment) -> None:
    d = deployment
    reply = d.post(FLOWS, {"tenantId": d.a.tenant_id, "authToken": d.b.token})
    assert reply.status_code == 401 and reply.json()["errorCode"] == 900002
    missing = d.post(FLOWS, {"tenantId": d.a.tenant_id})
    assert missing.status_code == 401 and missing.json()["errorCode"] == 900001


@pytest.mark.parametrize(
    "fields",
    [
        {"pageNum": 0, "pageSize": 10},
        {"pageNum": 1},
        {"pageNum": 1, "pageSize": 0},
        {"pageNum": 1, "pageSize": 101},
        {"pageNum": "x", "pageSize": 10},
        {"source": "OTHER"},
        {"flowCode": ["hotline"]},
        {"flowId": 10**40},
    ],
)
def test_bad_input_is_a_parameter_error(deployment: Deployment, fields: dict[str, Any]) -> None:
    reply = deployment.call(FLOWS, deployment.a, **fields)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == 10000002

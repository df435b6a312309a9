"""Flow Query Interface (spec §6): ``source`` picks traditional IVR or intelligent flows."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Deployment, Tenant
from management import Api, reply_flow, unique

FLOWS = "/oifde/rest/api/queryflows"


def _codes(d: Deployment, tenant: Tenant, **fields: Any) -> tuple[int, set[str]]:
    reply = d.call(FLOWS, tenant, **fields)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    return body["total"], {f["flowCode"] for f in body["flowList"]}


def _dtmf_menu(name: str) -> dict[str, Any]:
    """A traditional IVR flow: a digit menu, a playback and a hang-up."""
    flow = reply_flow(name, "Thank you.")
    menu = {
        "id": "menu",
        "kind": "menu",
        "params": {"text": "Press 1 for balances."},
        "branches": [{"to": "say", "key": "1"}, {"to": "say", "on": "failure"}],
    }
    flow["nodes"][0]["branches"] = [{"to": "menu"}]
    flow["nodes"].insert(1, menu)
    return flow


def test_absent_source_lists_ivr_flows_only(deployment: Deployment) -> None:
    d = deployment
    tenant = d.new_tenant("Flow kinds")
    api = Api(d, tenant)
    menu, played, spoken = unique("menu"), unique("play"), unique("talk")
    api.put(f"/flows/{menu}", _dtmf_menu(unique("Menu ")))
    api.put(f"/flows/{played}", reply_flow(unique("Played ")))  # a reply in "play" mode
    # A robot reply listens for speech unless told otherwise: an intelligent flow.
    talk = reply_flow(unique("Talk "))
    del talk["nodes"][1]["params"]["mode"]
    api.put(f"/flows/{spoken}", talk)

    ivr = _codes(d, tenant)
    assert ivr == (2, {menu, played})
    assert _codes(d, tenant, source="IVR") == ivr
    assert _codes(d, tenant, source=None) == ivr
    assert _codes(d, tenant, source="OIFDE") == (1, {spoken})
    # Paging counts within the source.
    total, first = _codes(d, tenant, source="IVR", pageNum=1, pageSize=1)
    assert total == 2 and len(first) == 1
    # The other filters apply within the source too.
    assert _codes(d, tenant, source="OIFDE", flowCode=menu) == (0, set())
    assert _codes(d, tenant, source="IVR", flowCode=menu) == (1, {menu})


def test_the_bank_hotline_is_an_intelligent_flow(deployment: Deployment) -> None:
    d = deployment
    for tenant in (d.a, d.b):  # published, and drafts only
        assert _codes(d, tenant) == (0, set())
        assert _codes(d, tenant, source="OIFDE") == (1, {"hotline"})


@pytest.mark.parametrize("source", ["ivr", "oifde", "", "CHAT", 1, ["IVR"]])
def test_unknown_source_is_a_parameter_error(deployment: Deployment, source: Any) -> None:
    reply = deployment.call(FLOWS, deployment.a, source=source)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == 10000002

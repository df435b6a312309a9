"""``POST /oiap/v1/flows/{code}/validate``: an unsaved draft checked as publishing checks it,
each problem placed on the node, branch and field the console marks."""

from __future__ import annotations

import copy
from typing import Any

from workbench_site import Workbench, workbench  # noqa: F401


def _draft(wb: Workbench) -> dict[str, Any]:
    reply = wb("GET", "/flows/hotline")
    assert reply.status_code == 200, reply.text
    flow: dict[str, Any] = reply.json()
    return flow


def _node(flow: dict[str, Any], node_id: str) -> dict[str, Any]:
    node: dict[str, Any] = next(n for n in flow["nodes"] if n["id"] == node_id)
    return node


def test_the_stored_draft_has_no_problem(workbench: Workbench) -> None:  # noqa: F811
    reply = workbench("POST", "/flows/hotline/validate", _draft(workbench))
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"problems": []}


def test_each_problem_points_at_its_node_branch_and_field(workbench: Workbench) -> None:  # noqa: F811
    flow = copy.deepcopy(_draft(workbench))
    menu = _node(flow, "menu")
    menu["branches"][1]["to"] = "nowhere"
    menu["params"]["max_failures"] = 20
    _node(flow, "welcome")["params"] = {"template": "no-such-template", "mode": "play"}
    reply = workbench("POST", "/flows/hotline/validate", flow)
    assert reply.status_code == 200, reply.text
    problems = reply.json()["problems"]
    places = {(p["node"], p["branch"], p["field"], p["rule"]) for p in problems}
    assert ("menu", 1, "to", "unknown-target") in places
    assert ("menu", None, "max_failures", "bad-parameter") in places
    assert ("welcome", None, "template", "unknown-template") in places
    target = next(p for p in problems if p["rule"] == "unknown-target")
    assert "nowhere" in target["message"]
    # Nothing was saved: the stored draft is still the valid one.
    assert _node(_draft(workbench), "menu")["branches"][1]["to"] != "nowhere"


def test_a_problem_of_the_whole_flow_names_no_node(workbench: Workbench) -> None:  # noqa: F811
    flow = _draft(workbench)
    flow["nodes"] = [n for n in flow["nodes"] if n["kind"] != "start"]
    problems = workbench("POST", "/flows/hotline/validate", flow).json()["problems"]
    start = [p for p in problems if p["rule"] == "start-node"]
    assert start and start[0]["node"] is None and start[0]["branch"] is None


def test_a_body_that_is_no_flow_is_a_parameter_error(workbench: Workbench) -> None:  # noqa: F811
    reply = workbench("POST", "/flows/hotline/validate", {"name": "x", "nodes": "none"})
    assert reply.status_code == 400
    assert reply.json()["errorCode"] == 10000002
    other = _draft(workbench)
    reply = workbench("POST", "/flows/other/validate", other)
    assert reply.status_code == 400
    assert "path names" in reply.json()["errorMsg"]

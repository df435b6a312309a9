"""``GET /oiap/v1/flows/{code}/diff``: the draft against the live version, in the YAML that
``oiap bot pull`` writes, and which nodes were added, removed or changed."""

from __future__ import annotations

import harness
from workbench_site import Workbench, workbench  # noqa: F401


def test_an_unchanged_draft_shows_no_difference(workbench: Workbench) -> None:  # noqa: F811
    reply = workbench("GET", "/flows/hotline/diff")
    assert reply.status_code == 200, reply.text
    diff = reply.json()
    assert diff["version"] == 1
    assert diff["yaml"]["before"] == diff["yaml"]["after"]
    assert diff["yaml"]["unified"] == ""
    assert diff["nodes"] == {"added": [], "removed": [], "changed": []}


def test_an_edited_draft_shows_the_pulled_text_and_the_nodes_touched(
    workbench: Workbench,  # noqa: F811
) -> None:
    flow = workbench("GET", "/flows/hotline").json()
    nodes = flow["nodes"]
    welcome = next(n for n in nodes if n["id"] == "welcome")
    welcome["params"]["text"] = "Hello from Example Bank."
    nodes.append({"id": "spare", "kind": "end", "params": {}, "branches": []})
    reply = workbench("PUT", "/flows/hotline", flow)
    assert reply.status_code == 200, reply.text

    diff = workbench("GET", "/flows/hotline/diff").json()
    assert diff["version"] == 1
    assert diff["nodes"] == {"added": ["spare"], "removed": [], "changed": ["welcome"]}
    lines = diff["yaml"]["unified"].splitlines()
    assert lines[:2] == ["--- flows/hotline.yaml (version 1)", "+++ flows/hotline.yaml (draft)"]
    removed = [line[1:].strip() for line in lines[2:] if line.startswith("-")]
    added = [line[1:].strip() for line in lines[2:] if line.startswith("+")]
    assert removed == ["text: Welcome to Example Bank."]
    assert added == ["text: Hello from Example Bank.", "- id: spare", "kind: end"]

    pulled = workbench.tmp / "pulled-for-diff"
    harness.run_cli("bot", "pull", str(pulled), "--tenant", workbench.tenant_id, env=workbench.env)
    assert (pulled / "flows" / "hotline.yaml").read_text(encoding="utf-8") == diff["yaml"]["after"]


def test_a_flow_never_published_is_all_new(workbench: Workbench) -> None:  # noqa: F811
    drafted = workbench.new_tenant("Bank drafts", publish=False)
    diff = drafted("GET", "/flows/hotline/diff").json()
    assert diff["version"] is None
    assert diff["yaml"]["before"] == ""
    assert "start" in diff["nodes"]["added"]


def test_an_unknown_flow_is_not_found(workbench: Workbench) -> None:  # noqa: F811
    reply = workbench("GET", "/flows/nope/diff")
    assert reply.status_code == 404
    assert reply.json()["errorCode"] == 10000003

"""``/oiap/v1/conversation-tests``: the tests kept with the bot, written and run remotely."""

from __future__ import annotations

from workbench_site import Workbench, workbench  # noqa: F401

GREETING = """\
name: the menu is offered
at: 2025-03-04T10:00:00-05:00
turns:
  - expect: {action: prompt, node: menu}
---
name: a wrong expectation
at: 2025-03-04T10:00:00-05:00
turns:
  - expect: {node: goodbye}
"""


def test_a_test_file_is_written_read_run_and_deleted(workbench: Workbench) -> None:  # noqa: F811
    put = workbench("PUT", "/conversation-tests/greeting.yaml", {"text": GREETING})
    assert put.status_code == 201, put.text
    assert put.json()["names"] == ["the menu is offered", "a wrong expectation"]
    again = workbench("PUT", "/conversation-tests/greeting.yaml", {"text": GREETING})
    assert again.status_code == 200
    assert workbench("GET", "/conversation-tests/greeting.yaml").json()["text"] == GREETING

    ran = workbench("POST", "/conversation-tests/run", {"files": ["greeting.yaml"]}).json()
    assert (ran["passed"], ran["failed"]) == (1, 1)
    wrong = next(r for r in ran["results"] if not r["passed"])
    assert wrong["name"] == "a wrong expectation"
    assert any("goodbye" in line for line in wrong["failures"])

    assert workbench("DELETE", "/conversation-tests/greeting.yaml").status_code == 204
    assert workbench("GET", "/conversation-tests/greeting.yaml").status_code == 404
    assert workbench("DELETE", "/conversation-tests/greeting.yaml").status_code == 404


def test_bad_files_are_refused_with_every_problem(workbench: Workbench) -> None:  # noqa: F811
    bad = workbench("PUT", "/conversation-tests/bad.yaml", {"text": "name: x\nturns: 3\n"})
    assert bad.status_code == 422
    assert bad.json()["problems"] == ["bad.yaml:2: 'turns' must be a non-empty list"]
    named = workbench("PUT", "/conversation-tests/notes.txt", {"text": GREETING})
    assert named.status_code == 400 and named.json()["errorCode"] == 10000002
    missing = workbench("POST", "/conversation-tests/run", {"files": ["nope.yaml"]})
    assert missing.status_code == 404
    version = workbench("POST", "/conversation-tests/run", {"version": 0})
    assert version.status_code == 400

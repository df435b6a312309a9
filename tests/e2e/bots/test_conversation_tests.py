"""``oiap bot test``: a bot folder's conversation tests run against the bot, as a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import harness
import pytest

from oiap.services.conversation_tests import (
    InputError,
    InputKind,
    parse_input,
    parse_stub_answers,
    parse_tests,
    selected,
)

EXAMPLE = harness.REPO / "examples" / "bank-hotline"


def _bot_with_tests(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "bot"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("tests"))
    (folder / "tests").mkdir()
    for name, text in files.items():
        (folder / "tests" / name).write_text(text, encoding="utf-8")
    return folder


def test_the_example_bot_passes_its_conversation_tests() -> None:
    result = harness.run_cli("bot", "test", str(EXAMPLE), env=harness.oiap_env())
    lines = result.stdout.splitlines()
    summary = lines[-1]
    assert " 0 failed" in summary, result.stdout
    passed = int(summary.split()[0])
    assert passed >= 20
    assert sum(line.startswith("ok ") for line in lines) == passed
    for covered in ("interface-failures.yaml", "opening-hours.yaml", "spoken-requests.yaml"):
        assert covered in result.stdout


BROKEN = """\
name: menu key 0 goes to the wrong queue
at: 2025-03-04T10:00:00-05:00
turns:
  - expect: {action: prompt, mode: dtmf}
  - send: "#0"
    expect:
      action: transfer
      route: "701"
---
name: the greeting
at: 2025-03-04T10:00:00-05:00
turns:
  - expect: {text: welcome to example bank}
"""

LEFT_OUT = """\
name: this one would fail but the filter leaves it out
turns:
  - expect: {text: nothing like this is ever said}
"""

BAD_FILES = {
    "broken-yaml.yaml": "name: [unclosed\n",
    "unquoted-key.yaml": "name: keys\nturns:\n  - {}\n  - send: #1\n",
    "typo.yaml": "name: typo\nturns:\n  - {}\n  - send: hello\n    expects: {action: prompt}\n",
    "empty.yaml": "",
}


def test_failures_name_the_file_test_turn_expected_and_actual(tmp_path: Path) -> None:
    folder = _bot_with_tests(
        tmp_path, {"broken.yaml": BROKEN, "left-out.yaml": LEFT_OUT, **BAD_FILES}
    )
    result = harness.run_cli(
        "bot", "test", str(folder), "--filter", "broken", env=harness.oiap_env(), check=False
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert f"FAIL  {folder / 'tests' / 'broken.yaml'}:1: menu key 0 goes to the wrong queue" in out
    assert "turn 2 (send '#0'):" in out
    assert "route: expected 701" in out
    assert "actual   700" in out
    assert "ok    " in out and "the greeting" in out
    assert "filter leaves it out" not in out
    # Every broken file is reported with its line, and counted as a failure.
    assert "broken-yaml.yaml:2: not valid YAML" in out
    assert "unquoted-key.yaml:4: every turn after the first needs 'send'" in out
    assert "typo.yaml:5: unknown key 'expects' in a turn" in out
    assert "empty.yaml: the file holds no test" in out
    assert result.stdout.splitlines()[-1].startswith("1 passed, 5 failed")


def test_a_folder_without_tests_is_an_error(tmp_path: Path) -> None:
    folder = _bot_with_tests(tmp_path, {})
    result = harness.run_cli("bot", "test", str(folder), env=harness.oiap_env(), check=False)
    assert result.returncode == 1
    assert "no conversation tests in" in result.stderr
    assert "Traceback" not in result.stderr


# -- the script format, read without running anything ---------------------------------------


def _problems(text: str) -> list[str]:
    tests, problems = parse_tests(text, "t.yaml")
    assert not tests
    return [str(p) for p in problems]


def test_a_script_is_read_into_turns_and_stub_answers() -> None:
    tests, problems = parse_tests(
        """\
name: all the parts
access_code: 4002
calling: 555
at: 2025-03-04T10:00:00Z
interfaces:
  accountBalance: {status: 500, delay: 0.5, timeout: 0.1}
  other: {json: {a: 1}}
turns:
  - expect: {action: prompt, mode: asr, variables: {FLOW.x: 1}}
  - send: "#12#"
  - send: /timeout
  - send: /queue queueIndex=2 agentCount=5
  - send: hello there
""",
        "t.yaml",
    )
    assert problems == []
    (test,) = tests
    assert (test.access_code, test.calling, test.at and test.at.isoformat()) == (
        "4002",
        "555",
        "2025-03-04T10:00:00+00:00",
    )
    slow = test.interfaces["accountBalance"]
    assert (slow.status, slow.delay, slow.timeout) == (500, 0.5, 0.1)
    assert test.interfaces["other"].json == {"a": 1}
    kinds = [t.send.kind if t.send else None for t in test.turns]
    assert kinds == [None, InputKind.DIGITS, InputKind.EVENT, InputKind.QUEUE, InputKind.TEXT]
    assert test.turns[3].send is not None and test.turns[3].send.figures == {
        "queueIndex": "2",
        "agentCount": "5",
    }
    assert test.turns[0].expect.variables == {"FLOW.x": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("turns: [{}]\n", "t.yaml:1: a test needs a 'name'"),
        ("name: x\n", "t.yaml:1: a test needs 'turns'"),
        ("name: x\nturns: []\n", "t.yaml:2: 'turns' must be a non-empty list"),
        ("name: x\nturns:\n  - send: hi\n", "t.yaml:3: the first turn is the call's start"),
        ("name: x\nturns:\n  - {}\n  - {}\n", "t.yaml:4: every turn after the first needs"),
        ("name: x\nat: 2025-03-04\nturns: [{}]\n", "t.yaml:2: 'at' must be a time"),
        ("name: x\nat: yesterday\nturns: [{}]\n", "t.yaml:2: 'at' 'yesterday' is not an ISO"),
        ("name: x\nturns:\n  - expect: {mode: loud}\n", "'mode' must be one of play, asr"),
        ("name: x\nturns:\n  - expect: {variables: {x: 1}}\n", "t.yaml:3: 'x': variables are"),
        ("name: x\nturns:\n  - expect: [1]\n", "t.yaml:3: 'expect' must be a mapping"),
        ("name: x\nturns:\n  - {}\n  - send: '#12a'\n", "after '#' only keys 0-9"),
        ("name: x\ninterfaces: [a]\nturns: [{}]\n", "'interfaces' must map interface names"),
        (
            "name: x\ninterfaces: {a: {json: {}, body: x}}\nturns: [{}]\n",
            "has either 'json' or 'body'",
        ),
        ("name: x\ninterfaces: {a: {delay: 600}}\nturns: [{}]\n", "'delay' must be a number"),
        ("name: x\ninterfaces: {a: {status: 200.5}}\nturns: [{}]\n", "'status' must be a whole"),
        ("name: x\nname: y\nturns: [{}]\n", "t.yaml:2: key 'name' appears twice"),
        ("name: !!python/object:os.system x\nturns: [{}]\n", "t.yaml:1: cannot read value"),
        ("name: x\n  bad indent: [\n", "not valid YAML"),
        ("- a list\n", "t.yaml:1: a test must be a mapping"),
    ],
)
def test_mistakes_in_a_script_are_reported_with_their_line(text: str, message: str) -> None:
    problems = _problems(text)
    assert len(problems) == 1
    assert message in problems[0], problems


def test_one_bad_document_does_not_hide_the_good_ones() -> None:
    tests, problems = parse_tests("name: a\nturns: [{}]\n---\nname: b\n---\n", "t.yaml")
    assert [t.name for t in tests] == ["a"]
    assert [str(p) for p in problems] == ["t.yaml:4: a test needs 'turns'"]


def test_caller_input_syntax() -> None:
    assert parse_input("#0").value == "0"
    assert parse_input("  hello  ").value == "hello"
    assert parse_input("/nomatch").kind is InputKind.EVENT
    assert parse_input("/ok").kind is InputKind.TRANSFER_OK
    assert parse_input("/fail").kind is InputKind.TRANSFER_FAILED
    for bad in ("", "#", "#1 2", "/jump", "/timeout now", "/queue x"):
        with pytest.raises(InputError):
            parse_input(bad)


def test_stub_answers_on_their_own() -> None:
    answers, problems = parse_stub_answers("accountBalance: {json: {result: {}}}\n", "s.yaml")
    assert problems == [] and answers["accountBalance"].json == {"result": {}}
    _, problems = parse_stub_answers("- no\n", "s.yaml")
    assert [str(p) for p in problems] == [
        "s.yaml:1: 'interfaces' must map interface names to answers"
    ]


def test_filter_matches_test_names_and_file_names() -> None:
    tests, _ = parse_tests(
        "name: Lost Card\nturns: [{}]\n---\nname: other\nturns: [{}]\n", "f.yaml"
    )
    assert [t.name for t in selected(tests, "lost")] == ["Lost Card"]
    assert len(selected(tests, "F.YAML")) == 2
    assert len(selected(tests, None)) == 2


# -- the runner in process, on a bot with a queue query ---------------------------------------

QUEUE_FLOW = """\
code: queue
name: Queue
scenario: Default
variables:
  - {name: position, type: integer}
nodes:
  - {id: start, kind: start, branches: [{to: ask_queue}]}
  - id: ask_queue
    kind: query
    params: {prompt_type: "2", skill_id: "12", outputs: {queueIndex: FLOW.position}}
    branches: [{to: tell}]
  - id: tell
    kind: reply
    params: {text: "You are number ${FLOW.position} in the queue.", mode: play}
    branches: [{to: end}]
  - {id: end, kind: end}
"""

QUEUE_TESTS = """\
name: the caller hears their place in the queue
turns:
  - expect: {action: query, node: ask_queue}
  - send: /queue queueIndex=3 agentCount=5
    expect:
      action: release
      text: You are number 3 in the queue.
      variables: {FLOW.position: 3, IVRREQUEST.inter_idx: "2"}
---
name: a caller who answers a query with words
turns:
  - {}
  - send: hello
"""


async def test_the_runner_plays_queue_queries_and_reports_misplaced_input(tmp_path: Path) -> None:
    from oiap.adapters.bot_folder.reader import read_bot_folder
    from oiap.api.sandbox import Sandbox
    from oiap.services.conversation_tests import run_test

    folder = tmp_path / "queue-bot"
    (folder / "flows").mkdir(parents=True)
    (folder / "bot.yaml").write_text("name: Queue bot\nlanguage: en_US\n")
    (folder / "access-codes.yaml").write_text(
        'access_codes:\n  - {code: "5001", dialog_type: 1, flow: queue}\n'
    )
    (folder / "flows" / "queue.yaml").write_text(QUEUE_FLOW)
    reading = read_bot_folder(folder)
    assert reading.bot is not None and not reading.problems, reading.problems
    tests, problems = parse_tests(QUEUE_TESTS, "queue.yaml")
    assert problems == []
    async with Sandbox(reading.bot) as sandbox:
        passing, misplaced = [await run_test(t, sandbox) for t in tests]
    assert passing.passed, passing.report()
    assert not misplaced.passed
    assert misplaced.report()[1:] == [
        "      turn 2 (send 'hello'):",
        "        the bot queries the queue: answer /queue name=value, not hello",
    ]

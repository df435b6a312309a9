"""Hostile bot folders: alias bombs, oversized and deeply nested files, hostile expressions and
access codes are problems with file:line, found without expanding or recursing."""

from __future__ import annotations

import shutil
from pathlib import Path

import harness
import pytest

from oiap.adapters.bot_folder.reader import read_bot_folder
from oiap.adapters.bot_folder.yaml_source import MAX_FILE_BYTES, MAX_NESTING
from oiap.domain.bots import access_code_problem

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank-hotline"


def bot(tmp_path: Path) -> Path:
    target = tmp_path / "bot"
    shutil.copytree(EXAMPLE, target)
    return target


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in read_bot_folder(folder).problems]


@pytest.mark.parametrize(
    "file", ["variables.yaml", "bot.yaml", "flows/hotline.yaml", "access-codes.yaml"]
)
def test_an_alias_bomb_is_refused_where_the_first_alias_stands(tmp_path: Path, file: str) -> None:
    folder = bot(tmp_path)
    (folder / file).write_text(harness.YAML_ALIAS_BOMB, encoding="utf-8")
    problems = problems_of(folder)
    assert f"{file}:2: not valid YAML: aliases (*a) are not supported in bot files" in "\n".join(
        problems
    )


def test_a_merge_key_needs_an_alias_and_is_refused_too(tmp_path: Path) -> None:
    folder = bot(tmp_path)
    text = (folder / "templates.yaml").read_text(encoding="utf-8")
    (folder / "templates.yaml").write_text(
        "base: &base {description: shared}\n" + text + "  - <<: *base\n    name: copy\n"
    )
    (problem,) = problems_of(folder)
    assert problem.startswith("templates.yaml:") and "aliases (*base)" in problem


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    folder = bot(tmp_path)
    padding = "# " + "x" * 98 + "\n"
    text = (folder / "templates.yaml").read_text(encoding="utf-8")
    (folder / "templates.yaml").write_text(text + padding * (MAX_FILE_BYTES // 100 + 1))
    assert problems_of(folder) == ["templates.yaml: larger than 1024 KiB; split it or shorten it"]


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5000])
def test_deep_nesting_is_a_problem_not_a_recursion_error(tmp_path: Path, depth: int) -> None:
    folder = bot(tmp_path)
    (folder / "variables.yaml").write_text(
        "variables: [{name: deep, type: list, default: " + "[" * depth + "]" * depth + "}]\n"
    )
    (problem,) = problems_of(folder)
    assert problem.startswith("variables.yaml:1: not valid YAML: nested deeper than")


def _with_judge(folder: Path, condition: str) -> None:
    flow = folder / "flows" / "hotline.yaml"
    text = flow.read_text(encoding="utf-8")
    text = text.replace(
        "nodes:\n  - id: start\n    kind: start\n    branches:\n      - to: hours\n",
        "nodes:\n  - id: start\n    kind: start\n    branches:\n      - to: check\n"
        "  - id: check\n    kind: judge\n    branches:\n"
        f"      - to: hours\n        when: '{condition}'\n      - to: hours\n",
    )
    flow.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("1 == " + "1" * 4000, "number literal longer than 30 digits"),
        ("||".join(["1"] * 1365), "more than 128 terms"),
    ],
)
def test_hostile_expressions_are_listed_at_their_node(
    tmp_path: Path, condition: str, message: str
) -> None:
    folder = bot(tmp_path)
    _with_judge(folder, condition)
    (problem,) = problems_of(folder)
    assert problem.startswith("flows/hotline.yaml:17:") and message in problem
    assert len(problem) < 400  # the expression is quoted by its start only


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "1-20 characters"),
        ("4" * 21, "1-20 characters"),
        (" ", "not only spaces"),
        ("\t\n", "not only spaces"),
        (" 4001", "does not start or end with a space"),
        ("\u202e4001", "U+202E at character 1"),
        ("40\u200b01", "U+200B at character 3"),
        ("\ufeff4001", "U+FEFF"),
        ("40\x0001", "U+0000"),
        ("40\x1b01", "U+001B"),
        ("40\u00a001", "U+00A0"),
        ("40\u202801", "U+2028"),
        ("40\ue00001", "U+E000"),
    ],
)
def test_hostile_access_codes_are_refused(code: str, message: str) -> None:
    problem = access_code_problem(code)
    assert problem is not None and message in problem


@pytest.mark.parametrize("code", ["4001", "a", "sales line 2", "客服热线", "خط المبيعات", "x" * 20])
def test_ordinary_access_codes_pass(code: str) -> None:
    assert access_code_problem(code) is None


def test_bot_folder_access_codes_are_refused_at_their_line(tmp_path: Path) -> None:
    folder = bot(tmp_path)
    path = folder / "access-codes.yaml"
    path.write_text(path.read_text().replace('code: "4002"', 'code: "40\\u200b02"'))
    (problem,) = problems_of(folder)
    assert problem.startswith("access-codes.yaml:8: an access code has no control")
    assert "'40\\u200b02'" in problem

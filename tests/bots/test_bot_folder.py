"""Reading bot folders: problems cite file and line; malformed files never raise."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oiap.adapters.bot_folder.reader import read_bot_folder

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank-hotline"


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "bot"
    shutil.copytree(EXAMPLE, target)
    return target


def test_example_is_valid() -> None:
    reading = read_bot_folder(EXAMPLE)
    assert reading.problems == []
    assert reading.bot is not None
    banking = reading.bot.domains[0]
    assert len(banking.intents) >= 8
    assert all(len(i.examples) >= 15 for i in banking.intents)


def test_problems_cite_file_and_line(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    flow = folder / "flows" / "hotline.yaml"
    text = flow.read_text().replace("template: goodbye", "template: farewell")
    flow.write_text(text)
    problems = read_bot_folder(folder).problems
    assert len(problems) == 1
    # The line of the offending key, not of the node's "- id:" a few lines above it.
    node = text.splitlines().index("  - id: goodbye")
    line = text.splitlines().index("      template: farewell", node) + 1
    assert (problems[0].file, problems[0].line) == ("flows/hotline.yaml", line)
    assert "farewell" in problems[0].message


def test_shape_errors_cite_their_line(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "variables.yaml").write_text("variables:\n  - name: x\n    type: decimal\n")
    problems = read_bot_folder(folder).problems
    assert [(p.file, p.line) for p in problems] == [("variables.yaml", 3)]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "templates.yaml").write_text("templates:\n  - name: [unclosed\n")
    problems = read_bot_folder(folder).problems
    assert problems and problems[0].file == "templates.yaml" and problems[0].line >= 2


FILES = [
    "bot.yaml",
    "variables.yaml",
    "templates.yaml",
    "interfaces.yaml",
    "access-codes.yaml",
    "domains/banking.yaml",
    "faq/general.yaml",
    "flows/hotline.yaml",
]
yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(FILES), st.one_of(st.text(max_size=80), yaml_values.map(repr)))
def test_random_malformed_files_give_problems_not_exceptions(file: str, content: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_example(Path(tmp))
        (folder / file).write_text(content)
        reading = read_bot_folder(folder)
        if reading.problems == []:
            assert reading.bot is not None


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FILES), yaml_values)
def test_random_yaml_structures_never_raise(file: str, value: object) -> None:
    import tempfile

    import yaml

    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_example(Path(tmp))
        (folder / file).write_text(yaml.safe_dump(value))
        read_bot_folder(folder)

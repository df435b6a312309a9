"""``oiap nlu evaluate`` / ``predict`` on a bot folder written to a temporary directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from nlu_corpus import BANKING
from typer.testing import CliRunner

from oiap.adapters.bot_folder.nlu_files import BotFilesError, read_bot_nlu
from oiap.cli.nlu import nlu_app

runner = CliRunner()


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    intents = []
    for spec in BANKING:
        raw: dict[str, object] = {
            "code": spec.code,
            "name": spec.name,
            "examples": list(spec.examples),
            "reply": spec.reply,
        }
        if spec.slots:
            raw["slots"] = [
                {"name": s.name, "regex": s.regex}
                if s.regex
                else {"name": s.name, "values": {k: list(v) for k, v in s.values.items()}}
                for s in spec.slots
            ]
        intents.append(raw)
    intents[1]["examples"] = [*intents[1]["examples"], "check my balance"]  # type: ignore[list-item]
    (tmp_path / "domains").mkdir()
    (tmp_path / "faq").mkdir()
    (tmp_path / "domains" / "banking.yaml").write_text(
        yaml.safe_dump(
            {"name": "banking", "language": "en_US", "threshold": 0.3, "intents": intents}
        )
    )
    (tmp_path / "faq" / "general.yaml").write_text(
        yaml.safe_dump(
            {
                "group": "general",
                "questions": [
                    {
                        "question": "What are your opening hours?",
                        "similar": ["when are you open"],
                        "keywords": ["hours", "open"],
                        "answer": "We are open from 8 am to 8 pm.",
                    }
                ],
            }
        )
    )
    return tmp_path


def test_reads_the_bot_folder(bot: Path) -> None:
    nlu = read_bot_nlu(bot)
    assert [d.name for d in nlu.domains] == ["banking"]
    assert nlu.domains[0].threshold == 0.3
    assert nlu.domains[0].intents[0].slots[1].values["credit"] == ("credit card", "visa")
    assert nlu.faq_groups[0].entries[0].keywords == ("hours", "open")


def test_malformed_files_name_the_file(bot: Path) -> None:
    (bot / "domains" / "broken.yaml").write_text("intents: [{name: no code}]")
    with pytest.raises(BotFilesError, match=r"broken\.yaml"):
        read_bot_nlu(bot)


def test_predict_json(bot: Path) -> None:
    result = runner.invoke(nlu_app, ["predict", str(bot), "balance of my visa 12345678", "--json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    domain = output["domains"][0]
    assert domain["intent"] == "check_balance"
    assert domain["slots"] == {"account": "12345678", "card_type": "credit"}
    assert domain["threshold"] == 0.3
    assert output["faq"] is None


def test_predict_table_shows_faq_match(bot: Path) -> None:
    result = runner.invoke(nlu_app, ["predict", str(bot), "when are you open?"])
    assert result.exit_code == 0, result.output
    assert "We are open from 8 am to 8 pm." in result.output


def test_evaluate_json_reports_quality_and_duplicates(bot: Path) -> None:
    result = runner.invoke(nlu_app, ["evaluate", str(bot), "--folds", "3", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)[0]
    assert report["domain"] == "banking"
    assert 0.0 <= report["accuracy"] <= 1.0
    assert set(report["per_intent"]) == {s.code for s in BANKING}
    assert ["check my balance", ["check_balance", "transfer"]] in report["duplicates"]


def test_evaluate_tables(bot: Path) -> None:
    result = runner.invoke(nlu_app, ["evaluate", str(bot), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "F1" in result.output


def test_unknown_domain_is_an_error(bot: Path) -> None:
    result = runner.invoke(nlu_app, ["predict", str(bot), "hi", "--domain", "nope"])
    assert result.exit_code == 2

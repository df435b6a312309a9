"""Trying a domain's published intent model and its cross-validated figures through the
management API, against a real server with the bank-hotline bot pushed and published."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import harness
import httpx
import pytest

EXAMPLE = str(harness.REPO / "examples" / "bank-hotline")
V1 = "/oiap/v1"


@dataclass
class Deployment:
    server: harness.Server
    token: str

    def api(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return httpx.request(
            method,
            self.server.url + V1 + path,
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60,
        )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("nlu-trial")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory")
    harness.run_cli("db", "upgrade", env=env)
    created = harness.cli_json("tenant", "create", "Bank", env=env)
    harness.run_cli("bot", "push", EXAMPLE, "--tenant", created["tenantId"], "--publish", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        yield Deployment(server, harness.token(server.url, created["appKey"], created["appSecret"]))


def error_of(reply: httpx.Response, status: int) -> tuple[int, str]:
    assert reply.status_code == status, reply.text
    body = reply.json()
    return body["errorCode"], body["errorMsg"]


def test_the_published_model_ranks_the_balance_intent_first(deployment: Deployment) -> None:
    reply = deployment.api("POST", "/domains/banking/predict", {"text": "what's my balance"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["intent"] == "balance"
    ranking = body["ranking"]
    assert ranking[0]["code"] == "balance"
    assert ranking[0]["score"] == body["score"] >= body["threshold"] == 0.6
    assert [r["score"] for r in ranking] == sorted((r["score"] for r in ranking), reverse=True)
    assert len(ranking) > 1 and all(r["code"] != "unknown" for r in ranking)
    assert (body["flow"], body["version"]) == ("hotline", 1)


def test_an_utterance_far_from_every_intent_is_unknown(deployment: Deployment) -> None:
    reply = deployment.api("POST", "/domains/banking/predict", {"text": "zzzz qqqq"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["intent"] == "unknown"


def test_a_domain_no_published_flow_uses_says_to_publish(deployment: Deployment) -> None:
    d = deployment
    intents = [
        {"code": "yes", "name": "Yes", "examples": ["yes", "sure", "of course"]},
        {"code": "no", "name": "No", "examples": ["no", "never", "not at all"]},
    ]
    put = d.api("PUT", "/domains/answers", {"language": "en_US", "intents": intents})
    assert put.status_code == 201, put.text
    code, message = error_of(d.api("POST", "/domains/answers/predict", {"text": "yes"}), 404)
    assert code == 10000003 and "publish" in message and "answers" in message
    code, message = error_of(d.api("POST", "/domains/nosuch/predict", {"text": "yes"}), 404)
    assert code == 10000003 and "nosuch" in message


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": 5}, {"text": "x" * 1025}, {"text": "hi", "lang": "en"}],
    ids=["missing", "empty", "number", "too-long", "unknown-field"],
)
def test_malformed_predictions_are_10000002(deployment: Deployment, body: Any) -> None:
    code, _ = error_of(deployment.api("POST", "/domains/banking/predict", body), 400)
    assert code == 10000002


def test_cross_validation_figures_per_intent(deployment: Deployment) -> None:
    reply = deployment.api("GET", "/domains/banking/evaluation")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["domain"], body["folds"]) == ("banking", 5)
    figures = {i["code"]: i for i in body["intents"]}
    assert {"balance", "lost_card", "transfer_money"} <= set(figures)
    assert figures["balance"]["support"] == 15
    assert sum(i["support"] for i in body["intents"]) == body["examples"]
    for item in body["intents"]:
        assert 0.0 <= item["precision"] <= 1.0 and 0.0 <= item["recall"] <= 1.0
    f1s = [i["f1"] for i in body["intents"]]
    assert f1s == sorted(f1s)  # the weakest intents first
    assert 0.5 < body["accuracy"] <= 1.0
    for pair in body["confusable"]:
        assert pair["expected"] != pair["predicted"] and pair["count"] >= 1
    # Asked again: the same figures (the corpus has not changed).
    assert deployment.api("GET", "/domains/banking/evaluation").json() == body


def test_a_domain_that_cannot_be_trained_is_not_evaluated(deployment: Deployment) -> None:
    d = deployment
    lonely = {"code": "rate", "name": "Rate", "examples": ["what is the rate", "interest rate"]}
    assert d.api("PUT", "/domains/lonely", {"language": "en_US", "intents": [lonely]}).is_success
    code, message = error_of(d.api("GET", "/domains/lonely/evaluation"), 400)
    assert code == 10000002 and "lonely" in message
    assert error_of(d.api("GET", "/domains/nosuch/evaluation"), 404)[0] == 10000003

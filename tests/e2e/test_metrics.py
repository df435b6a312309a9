"""``GET /metrics`` of a real server, scraped as Prometheus would while IVR calls run on it:
the counters move by what the calls did, labels never carry tenants or what callers said,
the bearer token guards it, several workers add up, and the example Grafana dashboard and
alert rules in docs/ use only metrics the server exposes."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "bank-hotline"
DOCS = REPO / "docs" / "observability"
TOKEN = "scrape-me-7f3a"
PROCESS = "/oifde/rest/crs/process"
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def _bot(target: Path, base_url: str) -> Path:
    """The demo bank hotline, open every hour, its balance lookup on this server's stand-in."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("tests"))
    flow = target / "flows" / "hotline.yaml"
    flow.write_text(
        flow.read_text().replace(
            'days: [mon, tue, wed, thu, fri]\n          from: "08:00"\n          to: "20:00"',
            'days: [mon, tue, wed, thu, fri, sat, sun]\n          from: "00:00"\n'
            '          to: "23:59"',
        )
    )
    interfaces = target / "interfaces.yaml"
    interfaces.write_text(interfaces.read_text().replace("http://127.0.0.1:8080", base_url))
    return target


class Scraped:
    def __init__(self, text: str) -> None:
        self.text = text
        self.samples: dict[tuple[str, str], float] = {}
        for line in text.splitlines():
            found = SAMPLE.match(line)
            if found and not line.startswith("#"):
                self.samples[found[1], found[2] or ""] = float(found[3])

    def value(self, name: str, **labels: str) -> float:
        """The sum of ``name``'s samples whose labels include ``labels``."""
        total = 0.0
        for (sample, text), value in self.samples.items():
            if sample == name and all(f'{k}="{v}"' in text for k, v in labels.items()):
                total += value
        return total

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.samples}


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[harness.Server, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("metrics")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp}/oiap.db", demo=1, metrics_token=TOKEN)
    created: dict[str, str] = harness.cli_json("tenant", "create", "Metrics", env=env)
    srv = harness.Server(env, log=tmp / "server.log")
    bot = _bot(tmp / "bot", srv.url)
    harness.run_cli("bot", "push", str(bot), "--tenant", created["tenantId"], "--publish", env=env)
    with srv:
        yield srv, created


def scrape(url: str) -> Scraped:
    reply = httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain")
    return Scraped(reply.text)


class Call:
    def __init__(self, url: str, token: str, userid: str) -> None:
        self.url, self.token, self.userid = url, token, userid
        self.idx = ""
        self.sent = 0

    def send(self, inaction: int, **fields: str) -> dict[str, Any]:
        inparams = {"call_id": self.userid, "call_dst_id": "4001", "auth_token": self.token}
        if self.idx:
            inparams["inter_idx"] = self.idx
        body = {"userid": self.userid, "inaction": inaction, "inparams": {**inparams, **fields}}
        reply = httpx.post(self.url + PROCESS, json=body, timeout=30)
        self.sent += 1
        assert reply.status_code == 200, reply.text
        answer: dict[str, Any] = reply.json()
        self.idx = str(answer.get("outparams", {}).get("inter_idx", ""))
        return answer


def test_counters_move_by_what_the_calls_did(
    server: tuple[harness.Server, dict[str, str]],
) -> None:
    srv, tenant = server
    token = harness.token(srv.url, tenant["appKey"], tenant["appSecret"])
    before = scrape(srv.url)

    lost = Call(srv.url, token, "metrics-call-lost-card")
    lost.send(8, call_sor_id="13500000001")
    lost.send(9, flow_result_type="3", input="playover")
    lost.send(9, flow_result_type="2", input="9")
    during = scrape(srv.url)
    assert during.value("oiap_dialogs_live") == before.value("oiap_dialogs_live") + 1
    transfer = lost.send(9, flow_result_type="1", input="I lost my card")
    assert transfer["outaction"] == 11
    lost.send(11, begin_trans="a", end_trans="b", trans_result="0")
    lost.idx = ""
    lost.send(11, begin_trans="a", end_trans="b", trans_result="0", input="hangup")

    balance = Call(srv.url, token, "metrics-call-balance")
    balance.send(8, call_sor_id="13500000002")
    balance.send(9, flow_result_type="3", input="playover")
    balance.send(9, flow_result_type="2", input="1")
    said = balance.send(9, flow_result_type="2", input="12345678")
    assert said["outaction"] == 9
    balance.idx = ""
    balance.send(9, flow_result_type="1", input="hangup")
    assert httpx.get(srv.url + "/oiap/v1/flows/hotline", timeout=10).status_code == 401

    after = scrape(srv.url)
    turns = lost.sent + balance.sent

    def moved(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert moved("oiap_http_requests_total", family="dialog", status="2xx") == turns
    assert moved("oiap_http_requests_total", family="management", status="4xx") == 1
    assert moved("oiap_http_request_duration_seconds_count", family="dialog") == turns
    assert moved("oiap_turn_duration_seconds_count") == turns
    assert moved("oiap_turn_duration_seconds_count", outaction="11") >= 1
    assert moved("oiap_nlu_predict_duration_seconds_count") >= 1  # "I lost my card"
    assert moved("oiap_interface_calls_total", outcome="ok") == 1  # the balance lookup
    assert moved("oiap_interface_calls_total", outcome="error") == 0
    assert moved("oiap_interface_call_duration_seconds_count") == 1
    assert moved("oiap_dialogs_started_total") == 2
    assert moved("oiap_dialogs_ended_total") == 2
    assert after.value("oiap_dialogs_live") == before.value("oiap_dialogs_live")
    assert moved("oiap_session_store_duration_seconds_count", operation="lock_read") == turns
    assert moved("oiap_database_duration_seconds_count", statement="select") >= 1
    # Nothing a tenant or a caller sent is a label value.
    for secret in (tenant["tenantId"], tenant["appKey"], lost.userid, "lost my card", "12345678"):
        assert secret not in after.text
    assert "/oiap/v1/flows/hotline" not in after.text


def test_records_waiting_go_back_to_zero(server: tuple[harness.Server, dict[str, str]]) -> None:
    srv, _ = server
    deadline = time.monotonic() + 20
    while scrape(srv.url).value("oiap_turn_records_waiting") != 0:
        assert time.monotonic() < deadline, "turn records never written"
        time.sleep(0.5)


def test_metrics_need_the_bearer_token_when_one_is_set(
    server: tuple[harness.Server, dict[str, str]],
) -> None:
    srv, _ = server
    assert httpx.get(srv.url + "/metrics", timeout=10).status_code == 401
    wrong = httpx.get(srv.url + "/metrics", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in wrong.text


def test_dashboard_and_alerts_use_only_metrics_the_server_exposes(
    server: tuple[harness.Server, dict[str, str]],
) -> None:
    srv, _ = server
    exposed = scrape(srv.url).names
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    expressions.append((DOCS / "alerts.yml").read_text())
    used = {name for text in expressions for name in re.findall(r"\boiap_[a-z_]+", text)}
    assert len(used) >= 10
    assert used <= exposed, f"not exposed: {sorted(used - exposed)}"


def test_metrics_open_without_a_token(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path}/oiap.db")
    with harness.Server(env) as srv:
        reply = httpx.get(srv.url + "/metrics", timeout=10)
    assert reply.status_code == 200
    assert "oiap_http_requests_total" in reply.text


def test_several_workers_add_up_in_one_folder_cleaned_at_start(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path}/oiap.db")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    srv = harness.Server(env, "--workers", "2", log=tmp_path / "server.log")
    folder = Path(tempfile.gettempdir()) / f"oiap-metrics-{os.getuid()}-{srv.port}"
    folder.mkdir(exist_ok=True)
    (folder / "left-by-an-earlier-run.db").write_bytes(b"stale")
    srv.start(timeout=240)  # two workers load the NLU stack at once on a busy machine
    try:
        assert not (folder / "left-by-an-earlier-run.db").exists()
        for _ in range(20):  # new connections: the workers share them out
            assert httpx.get(srv.url + "/healthz", timeout=10).status_code == 200
        deadline = time.monotonic() + 30
        while len({p.name.rsplit("_", 1)[-1] for p in folder.glob("counter_*.db")}) < 2:
            assert time.monotonic() < deadline, "both workers should write their counters"
            time.sleep(0.2)
        first = scrape_open(srv.url).value("oiap_http_requests_total", family="other")
        for _ in range(10):
            httpx.get(srv.url + "/healthz", timeout=10)
        second = scrape_open(srv.url).value("oiap_http_requests_total", family="other")
    finally:
        srv.stop()
    # every request counted once, whichever worker answered it or the scrape
    assert first >= 20
    assert second == first + 11
    assert not folder.exists()


def scrape_open(url: str) -> Scraped:
    reply = httpx.get(url + "/metrics", timeout=10)
    assert reply.status_code == 200, reply.text
    return Scraped(reply.text)

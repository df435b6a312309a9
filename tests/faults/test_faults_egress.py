"""Egress policy (SSRF): a flow or a language-model URL cannot reach loopback, link-local or
cloud metadata in any spelling, a caller's input cannot choose the host, redirects are not
followed, and ``validate`` says only "unreachable"."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import harness
import httpx
import pytest
from fault_backends import (
    Backend,
    MetaStudioProject,
    Probe,
    fault_bot,
    prompt,
    tenant_with_bot,
    turn_body,
)

from oiap.adapters.http.egress import DEFAULT_EGRESS, EgressPolicy
from oiap.api.platform import Platform
from oiap.engine.urls import UnsafeUrlTemplate, render_url
from oiap.settings import Settings

PROCESS = "/oifde/rest/crs/process"

# -- the pure parts ----------------------------------------------------------------------


def _values(name: str) -> object:
    return {"IVRREQUEST.input": "a/../b?x=1&y=2#frag @host", "FLOW.n": 7, "FLOW.dots": ".."}.get(
        name
    )


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("http://h:81/plain", "http://h:81/plain"),
        ("http://h/a/${FLOW.n}", "http://h/a/7"),
        (
            "https://h/s/${IVRREQUEST.input}?q=${IVRREQUEST.input}",
            "https://h/s/a%2F..%2Fb%3Fx%3D1%26y%3D2%23frag%20%40host"
            "?q=a%2F..%2Fb%3Fx%3D1%26y%3D2%23frag%20%40host",
        ),
        ("http://h/a/${FLOW.dots}/b", "http://h/a/%2E%2E/b"),
        ("http://h?id=${FLOW.unset}", "http://h?id="),
    ],
)
def test_variables_are_percent_encoded_into_path_and_query(template: str, rendered: str) -> None:
    assert render_url(template, _values) == rendered


@pytest.mark.parametrize(
    "template",
    [
        "http://${IVRREQUEST.input}/x",
        "http://${IVRREQUEST.input}",
        "${FLOW.n}://h/x",
        "http://h:${FLOW.n}/x",
        "http://user:${FLOW.n}@h/x",
        "http://h${FLOW.n}/x",
        "${GLOBAL.base}/accounts",
    ],
)
def test_a_variable_cannot_stand_in_scheme_host_or_port(template: str) -> None:
    with pytest.raises(UnsafeUrlTemplate):
        render_url(template, _values)


@pytest.mark.parametrize(
    ("address", "port", "permitted"),
    [
        ("127.0.0.1", 80, False),
        ("127.255.0.9", 80, False),
        ("::1", 80, False),
        ("::ffff:127.0.0.1", 80, False),
        ("::ffff:169.254.169.254", 80, False),
        ("169.254.169.254", 80, False),
        ("fe80::1", 80, False),
        ("0.0.0.0", 80, False),
        ("::", 80, False),
        ("224.0.0.1", 80, False),
        ("10.1.2.3", 80, True),  # company networks stay reachable
        ("192.168.0.10", 80, True),
        ("93.184.216.34", 443, True),
        ("2001:db8::1", 443, True),
        ("::ffff:10.1.2.3", 80, True),
    ],
)
def test_the_default_policy(address: str, port: int, permitted: bool) -> None:
    assert DEFAULT_EGRESS.permits(ipaddress.ip_address(address), port) is permitted
    from_settings = EgressPolicy.of(Settings().egress_deny, Settings().egress_allow)
    assert from_settings.permits(ipaddress.ip_address(address), port) is permitted


def test_allowed_exceptions_and_single_origins() -> None:
    policy = EgressPolicy.of(Settings().egress_deny, "127.0.0.1/32", [("127.0.0.2", 8080)])
    assert policy.permits(ipaddress.ip_address("127.0.0.1"), 1)
    assert policy.permits(ipaddress.ip_address("::ffff:127.0.0.1"), 1)
    assert not policy.permits(ipaddress.ip_address("127.0.0.3"), 1)
    assert policy.permits(ipaddress.ip_address("127.0.0.2"), 8080)
    assert not policy.permits(ipaddress.ip_address("127.0.0.2"), 8081)
    assert not policy.permits(ipaddress.ip_address("::1"), 1)
    assert EgressPolicy.open().permits(ipaddress.ip_address("127.0.0.1"), 1)


def test_the_demo_reaches_its_own_origin_and_no_other_loopback() -> None:
    settings = Settings(demo=True, host="127.0.0.1", port=8765, egress_allow="")
    policy = Platform(settings, storage=None, sessions=None).egress  # type: ignore[arg-type]
    assert policy.permits(ipaddress.ip_address("127.0.0.1"), 8765)
    assert not policy.permits(ipaddress.ip_address("127.0.0.1"), 8766)
    assert not policy.permits(ipaddress.ip_address("127.0.0.2"), 8765)
    plain = Platform(settings.model_copy(update={"demo": False}), None, None)  # type: ignore[arg-type]
    assert not plain.egress.permits(ipaddress.ip_address("127.0.0.1"), 8765)


# -- against a real server ---------------------------------------------------------------


@pytest.fixture(scope="module")
def backends() -> Iterator[tuple[Backend, Backend]]:
    v4, v6 = Backend(), Backend("::1")
    yield v4, v6
    v4.close()
    v6.close()


@pytest.mark.slow
def test_the_default_policy_refuses_loopback_and_metadata_in_every_spelling(
    tmp_path: Path, backends: tuple[Backend, Backend]
) -> None:
    v4, v6 = backends
    before = v4.count() + v6.count()
    port = v4.port
    urls = {
        "8001": f"http://127.0.0.1:{port}/ok",
        "8002": f"http://2130706433:{port}/ok",
        "8003": f"http://user@127.0.0.1:{port}/ok",
        "8004": f"http://0x7f.1:{port}/ok",
        "8005": f"http://localhost:{port}/ok",
        "8006": f"http://[::ffff:127.0.0.1]:{port}/ok",
        "8007": f"{v6.url}/ok",
        "8008": "http://169.254.169.254/latest/meta-data/",
        "8009": f"http://0.0.0.0:{port}/ok",
    }
    probes = [Probe(code, url) for code, url in urls.items()]
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp_path / 'oiap.db'}", session_store="memory", egress_allow=""
    )
    with harness.Server(env, log=tmp_path / "server.log") as server:
        tenant = tenant_with_bot(server, env, "Prober", fault_bot(tmp_path / "bot", probes))
        for code in urls:
            body = turn_body(tenant, code, f"ssrf-{code}")
            said = prompt(httpx.post(server.url + PROCESS, json=body, timeout=30))
            assert said == "failed", urls[code]
    assert v4.count() + v6.count() == before  # not one request reached a loopback service


@pytest.mark.slow
def test_a_caller_cannot_choose_the_host_and_redirects_are_not_followed(
    tmp_path: Path, backends: tuple[Backend, Backend]
) -> None:
    v4, _ = backends
    probes = [
        Probe("8101", "http://${IVRREQUEST.input}/ok", ask_first=True),
        Probe("8102", v4.url + "/ok/${IVRREQUEST.input}", ask_first=True),
        Probe("8103", v4.url + "/redirect"),
    ]
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}", session_store="memory")
    with harness.Server(env, log=tmp_path / "server.log") as server:
        tenant = tenant_with_bot(server, env, "Templates", fault_bot(tmp_path / "bot", probes))

        def answer(code: str, said: str) -> str:
            first = httpx.post(server.url + PROCESS, json=turn_body(tenant, code, f"t-{code}"))
            assert prompt(first) == "Where to?"
            idx = first.json()["outparams"]["inter_idx"]
            body = turn_body(tenant, code, f"t-{code}", said=said, inter_idx=idx)
            return prompt(httpx.post(server.url + PROCESS, json=body, timeout=30))

        seen = v4.count()
        assert answer("8101", f"127.0.0.1:{v4.port}") == "failed"
        assert v4.count() == seen  # the caller's host was never called
        assert answer("8102", "x/../../redirect?y=1#z") == "answered fine"
        assert v4.paths()[-1] == "/ok/x%2F..%2F..%2Fredirect%3Fy%3D1%23z"
        before_ok = v4.count("ok")
        body = turn_body(tenant, "8103", "t-8103")
        assert prompt(httpx.post(server.url + PROCESS, json=body, timeout=30)) == "failed"
        assert v4.count("redirect") == 1 and v4.count("ok") == before_ok


@pytest.mark.slow
def test_a_language_model_on_loopback_is_unreachable_and_validate_says_no_more(
    tmp_path: Path, backends: tuple[Backend, Backend]
) -> None:
    v4, _ = backends
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp_path / 'oiap.db'}", session_store="memory", egress_allow=""
    )
    with harness.Server(env, log=tmp_path / "server.log") as server:
        project = MetaStudioProject.create(server, env, "llm-probe")
        seen = v4.count()
        answers = []
        for url in [
            f"{v4.url}/v1/chat/completions",  # an open port (refused by policy)
            f"http://127.0.0.1:{harness.free_port()}/v1/chat/completions",  # a closed one
            "http://169.254.169.254/v1/chat/completions",
        ]:
            config = {"app_id": "m", "app_key": "k", "llm_url": url}
            reply = project.post(
                "/digital-human-chat/robot/validate",
                {"app_type": 6, "third_party_model_config": config},
            )
            assert reply.status_code == 400, reply.text
            answers.append((reply.json()["error_code"], reply.json()["error_msg"]))
        assert v4.count() == seen
        # Every failure reads the same: validation maps nothing about the network.
        assert len(set(answers)) == 1
        code, message = answers[0]
        assert code == "MSS.47010134" and "unreachable" in message

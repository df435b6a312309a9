"""Hostile input at every request edge (issue 12, items 10 and 11): JSON nested 990 levels
deep, NUL and lone surrogates in any string, key, query or path parameter.

A real server on SQLite and on a scratch PostgreSQL database, with a tenant that has the
example bot published and a MetaStudio project with a room and an application. The sweep
reads the server's own /openapi.json, so an operation added later is swept too, and sends
each operation each hostile payload once: one request per operation for the deep bodies,
the key and the path, one per string field of a realistic body for NUL and for a lone
surrogate, one per query parameter for ``%00`` and ``%ED%A0%80``. Every answer must be
the parameter error of the path's wire family, naming the field, and the tenant's and the
project's data must read the same afterwards.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest

EXAMPLE = harness.REPO / "examples" / "bank-hotline"
DEPTH = 990
DEEP_ARRAYS = b"[" * DEPTH + b"]" * DEPTH  # 1,980 bytes
DEEP_OBJECTS = b'{"a":' * DEPTH + b"1" + b"}" * DEPTH
NUL = "\x00"
LONE_SURROGATE = "\ud800"  # json.dumps writes it as the escape "\ud800"
QUERY_NUL = "x%00"
QUERY_SURROGATE = "x%ED%A0%80"  # U+D800 as UTF-8 would encode it, which UTF-8 forbids

FAQ_PREFIXES = ("/oifde/rest/api/faqGroup/", "/oifde/rest/api/faq/")
HISTORY = "/oifde/rest/api/queryHistory"  # answers rtnCode/rtnMsg (spec §10)
DIALOG_PREFIXES = ("/oifde/rest/crs/process", "/oifde/rest/v2/crs/process/")
BODILESS = ("/publish", "/stop", "/once-code")  # POSTs that never read a body
NO_ANSWER = 599  # counted as a server error: the connection broke instead of an answer
# Query parameters MetaStudio list operations read without declaring them in the schema.
METASTUDIO_QUERY = ("offset", "limit", "room_name", "robot_id", "room_id", "state")


@dataclass
class Target:
    """A running server and the credentials and objects of its tenant and project."""

    url: str
    tenant_id: str
    app_key: str
    app_secret: str
    token: str
    project_id: str
    ak: str
    sk: str
    ms_token: str
    room_id: str
    robot_id: str

    def headers(self, path: str) -> dict[str, str]:
        if is_metastudio(path):
            return {"X-Auth-Token": self.ms_token}
        return {"Authorization": f"Bearer {self.token}", "tenantId": self.tenant_id}


@dataclass
class Probe:
    method: str
    path: str
    payload: str
    status: int
    body: Any
    named: str | None = None
    problems: list[str] = field(default_factory=list)


def is_metastudio(path: str) -> bool:
    return path.startswith(("/v1/", "/v3/"))


# --- realistic bodies -----------------------------------------------------------------------


def _by_name(name: str, t: Target) -> Any:
    known: dict[str, Any] = {
        "tenantId": t.tenant_id,
        "authToken": t.token,
        "appKey": t.app_key,
        "appSecret": t.app_secret,
        "language": "en_US",
        "accessCode": "4001",
        "source": "IVR",
    }
    return known.get(name)


def example(schema: dict[str, Any], name: str, t: Target) -> Any:
    """A value the schema accepts, with the target's real tenant, token and names."""
    known = _by_name(name, t)
    if known is not None:
        return known
    for choice in ("anyOf", "oneOf"):
        if choice in schema:
            options = [o for o in schema[choice] if o.get("type") != "null"]
            return example(options[0], name, t) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {k: example(v, k, t) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), name, t)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    return "x1"


def realistic_body(path: str, op: dict[str, Any], t: Target) -> Any:
    if path.startswith(DIALOG_PREFIXES):
        return {
            "userid": "hostile-caller",
            "inaction": 8,
            "inparams": {
                "call_id": "hostile-call",
                "call_sor_id": "5550001",
                "call_dst_id": "4001",
                "input": "hello",
                "auth_token": t.token,
            },
            "extparams": {"note": "x1"},
        }
    if path == "/v3/auth/tokens":
        return token_request(t)
    if is_metastudio(path):
        room = room_body("hostile-room")
        bodies: dict[str, Any] = {
            "/smart-chat-rooms": room,
            "/smart-chat-rooms/{room_id}": room,
            "/robot": {"name": "hostile-robot", "app_type": 5},
            "/robot/{robot_id}": {"name": "hostile-robot"},
            "/robot/validate": {"app_type": 5},
            "/robot/delete": ["hostile-robot-id"],
            "/active-code/delete": ["hostile-code-id"],
            "/active-code": {"robot_id": t.robot_id, "room_id": t.room_id, "valid_period": 1},
            "/create-dialog-url": {"robot_id": t.robot_id, "room_id": t.room_id},
            "/web-client/jobs": {"robot_id": t.robot_id, "active_code": "x1"},
            "/chat": {"text": "hello"},
        }
        for suffix, body in bodies.items():
            if path.endswith(suffix):
                return body
        return {"name": "x1"}
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    return example(content.get("schema", {}), "", t)


def string_leaves(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_leaves(item, (*where, index))


def with_text(value: Any, where: tuple[Any, ...], extra: str) -> Any:
    copy = json.loads(json.dumps(value))
    if not where:
        return copy + extra
    holder = copy
    for step in where[:-1]:
        holder = holder[step]
    holder[where[-1]] += extra
    return copy


# --- the sweep ------------------------------------------------------------------------------


def operations(url: str) -> list[tuple[str, str, dict[str, Any]]]:
    spec = httpx.get(url + "/openapi.json", timeout=10).json()
    return [
        (method.upper(), path, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if path not in ("/healthz", "/readyz")
    ]


def concrete(path: str, t: Target, hostile: str | None = None) -> str:
    """``path`` with its parameters filled in; ``hostile`` replaces the last one."""
    values = {
        "project_id": t.project_id,
        "room_id": t.room_id,
        "robot_id": t.robot_id,
        "number": "1",
        "vdnId": "1",
    }
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    for name in names:
        value = hostile if hostile is not None and name == names[-1] else values.get(name, "x1")
        path = path.replace("{" + name + "}", value)
    return path


def reads_body(method: str, path: str, op: dict[str, Any]) -> bool:
    """OIAP operations document their bodies; MetaStudio's parse theirs by hand."""
    if is_metastudio(path):
        return method in ("POST", "PUT") and not path.endswith(BODILESS)
    return "requestBody" in op


def sweep(t: Target) -> list[Probe]:
    probes: list[Probe] = []
    with httpx.Client(base_url=t.url, timeout=30) as client:

        def send(
            method: str,
            template: str,
            payload: str,
            *,
            content: bytes | None = None,
            query: str = "",
            path: str | None = None,
            named: str | None = None,
        ) -> None:
            if content is not None and is_metastudio(template):
                query = f"robot_id={t.robot_id}"  # a job start reads it before the body
            target = (path or concrete(template, t)) + (f"?{query}" if query else "")
            headers = t.headers(template)
            if content is not None:
                headers["Content-Type"] = "application/json"
            try:
                reply = client.request(method, target, content=content, headers=headers)
            except httpx.TransportError as exc:  # the server dropped the connection
                probes.append(Probe(method, template, payload, NO_ANSWER, repr(exc), named))
                return
            try:
                body = reply.json()
            except ValueError:
                body = reply.text[:200]
            probes.append(Probe(method, template, payload, reply.status_code, body, named))

        for method, template, op in operations(t.url):
            params = op.get("parameters", [])
            if any(p["in"] == "path" for p in params) or "{" in template:
                send(method, template, "path %00", path=concrete(template, t, "x%00"))
            if method == "GET":
                names = [p["name"] for p in params if p["in"] == "query"]
                if is_metastudio(template):
                    names += METASTUDIO_QUERY
                for name in names:
                    for payload in (QUERY_NUL, QUERY_SURROGATE):
                        send(method, template, f"query {payload}", query=f"{name}={payload}")
                continue
            if not reads_body(method, template, op):
                continue
            send(method, template, "990 nested arrays", content=DEEP_ARRAYS, named="body")
            send(method, template, "990 nested objects", content=DEEP_OBJECTS, named="body")
            body = realistic_body(template, op, t)
            if isinstance(body, dict):
                keyed = {**body, "hostile\x00key": "x1"}
                raw = json.dumps(keyed).encode()
                send(method, template, "NUL in a key", content=raw, named="hostile")
            for where in string_leaves(body):
                named = str(where[-1]) if where and isinstance(where[-1], str) else None
                for payload, text in (("NUL", NUL), ("lone surrogate", LONE_SURROGATE)):
                    raw = json.dumps(with_text(body, where, text)).encode()
                    send(method, template, f"{payload} in {where}", content=raw, named=named)
    for probe in probes:
        probe.problems = refusal_problems(probe)
    return probes


def refusal_problems(probe: Probe) -> list[str]:
    """What is wrong with the answer, against the parameter error of the path's family."""
    if probe.status >= 500:
        return [f"server error {probe.status}"]
    if probe.status != 400:
        return [f"status {probe.status}, not 400"]
    body = probe.body if isinstance(probe.body, dict) else {}
    if is_metastudio(probe.path):
        code: Any = body.get("error_code")
        text = str(body.get("error_msg", ""))
        wanted: Any = "MSS.00000003"
    elif probe.path == HISTORY:
        code, text, wanted = body.get("rtnCode"), str(body.get("rtnMsg", "")), 10000002
    else:
        code = body.get("errorCode")
        text = str(body.get("errorMsg", ""))
        wanted = "10000002" if probe.path.startswith(FAQ_PREFIXES) else 10000002
        if probe.path.startswith(DIALOG_PREFIXES) and body.get("ret") != 10000002:
            return [f"no dialog envelope: {body}"]
    if code != wanted:
        return [f"code {code!r}, not {wanted!r}"]
    if probe.named and probe.named not in text:
        return [f"the message does not name {probe.named!r}: {text}"]
    return []


# --- data that must not change ---------------------------------------------------------------


def snapshot(t: Target) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    tenant = {"tenantId": t.tenant_id, "authToken": t.token}
    with httpx.Client(base_url=t.url, timeout=30) as client:
        for name in ("querynavigationinfo", "querydomaininfo", "queryflows"):
            reply = client.post(f"/oifde/rest/api/{name}", json=tenant)
            seen[name] = reply.json()
        groups = {**tenant, "pageNum": 1, "pageSize": 100}
        seen["faqGroups"] = client.post("/oifde/rest/api/faqGroup/query", json=groups).json()
        manage = t.headers("/oiap/v1/")
        for kind in ("domains", "flows", "variables", "templates", "interfaces"):
            reply = client.get(f"/oiap/v1/{kind}?page_size=100", headers=manage)
            seen[kind] = reply.json()
        ms = t.headers("/v1/")
        for kind in (
            "smart-chat-rooms",
            "digital-human-chat/robot",
            "digital-human-chat/active-code",
        ):
            query = f"limit=100&robot_id={t.robot_id}"  # the code list asks for its robot
            reply = client.get(f"/v1/{t.project_id}/{kind}?{query}", headers=ms)
            seen[kind] = reply.json()
    return seen


# --- set-up ----------------------------------------------------------------------------------


def token_request(t: Target) -> dict[str, Any]:
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": t.ak, "password": t.sk}},
            },
            "scope": {"project": {"id": t.project_id}},
        }
    }


def room_body(name: str) -> dict[str, Any]:
    return {
        "room_name": name,
        "concurrency": 2,
        "default_language": "CN",
        "voice_config_list": [{"voice_asset_id": "v1", "speed": 100, "language": "CN"}],
        "exit_mute_threshold": 60,
    }


def prepare(url: str, env: dict[str, str]) -> Target:
    """A tenant with the example bot, a project with a room and an application."""
    tenant = harness.cli_json("tenant", "create", "Hostile Input Ltd", env=env)
    harness.run_cli(
        "bot", "push", str(EXAMPLE), "--tenant", tenant["tenantId"], "--publish", env=env
    )
    project = harness.cli_json("project", "create", "p-" + secrets.token_hex(4), env=env)
    t = Target(
        url=url,
        tenant_id=tenant["tenantId"],
        app_key=tenant["appKey"],
        app_secret=tenant["appSecret"],
        token=harness.token(url, tenant["appKey"], tenant["appSecret"]),
        project_id=project["project_id"],
        ak=project["ak"],
        sk=project["sk"],
        ms_token="",
        room_id="",
        robot_id="",
    )
    issued = httpx.post(url + "/v3/auth/tokens", json=token_request(t), timeout=30)
    assert issued.status_code == 201, issued.text
    t.ms_token = issued.headers["X-Subject-Token"]
    base = f"{url}/v1/{t.project_id}"
    room = httpx.post(base + "/smart-chat-rooms", json=room_body("kept"), headers=t.headers("/v1/"))
    assert room.status_code < 300, room.text
    t.room_id = room.json()["room_id"]
    robot = httpx.post(
        base + "/digital-human-chat/robot",
        json={"name": "kept", "app_type": 5},
        headers=t.headers("/v1/"),
    )
    assert robot.status_code < 300, robot.text
    t.robot_id = robot.json()["robot_id"]
    binding = httpx.post(
        url + "/oifde/rest/api/createnavigationinfo",
        json={
            "tenantId": t.tenant_id,
            "authToken": t.token,
            "accessCode": "4009",
            "dialogType": 1,
            "flowCode": "hotline",
            "description": "kept",
        },
    )
    assert binding.status_code == 200, binding.text
    return t


@pytest.mark.slow
@pytest.mark.parametrize("db_kind", ["sqlite", "postgresql"])
def test_hostile_input_is_refused_by_name_and_changes_nothing(
    db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp: Path = tmp_path_factory.mktemp(f"hostile-{db_kind}")
    with harness.database(db_kind, tmp) as db_url:
        env = harness.oiap_env(database_url=db_url, secret_key=secrets.token_hex(32))
        harness.run_cli("db", "upgrade", env=env)
        log = tmp / "server.log"
        with harness.Server(env, log=log) as server:
            target = prepare(server.url, env)
            before = snapshot(target)
            probes = sweep(target)
            after = snapshot(target)
    wrong = [f"{p.method} {p.path} [{p.payload}]: {p.problems[0]}" for p in probes if p.problems]
    assert not wrong, f"{len(wrong)} of {len(probes)} answers:\n" + "\n".join(wrong[:40])
    assert after == before
    assert "Traceback" not in log.read_text(), log.read_text()[-4000:]

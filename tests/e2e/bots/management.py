"""Driving the management API (``/oiap/v1``) as a client does: a tenant's token in the
``Authorization`` header, JSON bodies in the bot folder's field names."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from conftest import Deployment, Tenant

V1 = "/oiap/v1"
COLLECTIONS = ("domains", "flows", "variables", "templates", "interfaces")


class Api:
    """The management API as one tenant sees it."""

    def __init__(self, d: Deployment, tenant: Tenant) -> None:
        self.url = d.server.url + V1
        self.headers = {"Authorization": f"Bearer {tenant.token}"}

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> httpx.Response:
        return httpx.request(
            method,
            self.url + path,
            json=body,
            params=params or None,
            headers={**self.headers, **(headers or {})},
            timeout=15,
        )

    def get(self, path: str, **params: Any) -> Any:
        reply = self("GET", path, **params)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def put(self, path: str, body: Any) -> Any:
        reply = self("PUT", path, body)
        assert reply.status_code in (200, 201), reply.text
        return reply.json()

    def all_of(self, collection: str) -> list[Any]:
        items: list[Any] = []
        page = 1
        while True:
            body = self.get(collection, page=page, page_size=100)
            items += body["items"]
            if len(items) >= body["total"] or not body["items"]:
                return items
            page += 1

    def state(self, *codes: str) -> dict[str, Any]:
        """What the tenant has configured, with the versions and routing of the flows
        ``codes``: taken before and after a refused write to show it changed nothing."""
        seen: dict[str, Any] = {c: self.all_of(f"/{c}") for c in COLLECTIONS}
        for code in codes:
            seen[f"versions {code}"] = [
                self.get(f"/flows/{code}/versions/{v['number']}")
                for v in self.all_of(f"/flows/{code}/versions")
            ]
            seen[f"routing {code}"] = self.get(f"/flows/{code}/routing")
        return seen


def unique(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def error_of(reply: httpx.Response, status: int) -> tuple[int, str]:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert set(body) >= {"errorCode", "errorMsg"}
    return body["errorCode"], body["errorMsg"]


def reply_flow(name: str, text: str = "Hello.", **extra: Any) -> dict[str, Any]:
    """A publishable flow: start, one spoken reply, end (every node field written out)."""

    def node(id_: str, kind: str, params: dict[str, Any], to: str | None) -> dict[str, Any]:
        branches = [{"to": to}] if to else []
        return {"id": id_, "kind": kind, "name": "", "params": params, "branches": branches}

    return {
        "name": name,
        "description": "Says one thing and hangs up.",
        "nodes": [
            node("start", "start", {}, "say"),
            node("say", "reply", {"text": text, "mode": "play", **extra}, "end"),
            node("end", "end", {"reason": "done"}, None),
        ],
    }


def subflow_flow(name: str, callee: str) -> dict[str, Any]:
    return {
        "name": name,
        "nodes": [
            {"id": "start", "kind": "start", "branches": [{"to": "jump"}]},
            {"id": "jump", "kind": "subflow", "params": {"flow": callee}},
        ],
    }

"""A project whose tenant runs the bank-hotline bot (its core banking on loopback), and the
end user of a job, who chats through the job's ``chat_access_address``."""

from __future__ import annotations

import importlib.util
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import harness
import httpx
from metastudio_client import Project, assert_error, sdk


def dialog_support() -> ModuleType:
    """The dialog tests' stand-ins (core banking, bot copies), shared rather than copied."""
    name = "dialog_support"
    if name not in sys.modules:
        path = harness.REPO / "tests" / "e2e" / "dialog" / "dialog_support.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class BankProject:
    project: Project
    bank: Any  # dialog_support.CoreBanking
    tenant_id: str
    tenant_token: str

    def robot(self, name: str, access_code: str = "4002") -> str:
        body = {"name": name, "app_type": 30, "oiap_config": {"access_code": access_code}}
        robot_id: str = (
            self.project.client().create_robot(sdk.CreateRobotRequest(body=body)).robot_id
        )
        return robot_id

    def history(self, calling: str) -> dict[str, Any]:
        """The tenant's dialog records of ``calling``'s latest call (queryHistory)."""
        reply = httpx.post(
            self.project.url + "/oifde/rest/api/queryHistory",
            json={
                "tenantId": self.tenant_id,
                "params": {"userMobile": calling},
                "authToken": self.tenant_token,
            },
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        return body

    def history_until(self, calling: str, done: Any, wait: float = 10.0) -> dict[str, Any]:
        """Records are written in batches off the turn's path: poll until ``done`` holds."""
        deadline = time.monotonic() + wait
        while True:
            body = self.history(calling)
            if done(body) or time.monotonic() > deadline:
                return body
            time.sleep(0.2)


def bank_project(url: str, env: dict[str, str], tmp: Path, bank: Any) -> BankProject:
    support = dialog_support()
    bot = support.bot_copy(tmp / "bot", bank.url)
    account = support.new_tenant(env, "Bank with avatar", bot)
    created = harness.cli_json(
        "project", "create", "avatar-bank", "--tenant", account.tenant_id, env=env
    )
    project = Project(url, created["project_id"], created["ak"], created["sk"], env)
    return BankProject(project, bank, account.tenant_id, support.token(url, account))


@dataclass
class EndUser:
    """The person in front of a job: holds the ``END_USER`` signature, never the AK/SK."""

    address: str
    token: str
    job_id: str

    @classmethod
    def of(cls, started: Any) -> EndUser:
        """From a start answer (the SDK's object or the raw JSON)."""
        data = started if isinstance(started, dict) else started.to_json_object()
        users = data["rtc_room_info"]["users"]
        assert [u["user_type"] for u in users] == ["END_USER"]
        return cls(data["chat_access_address"], users[0]["signature"], data["job_id"])

    def post(self, body: Any, **headers: str) -> httpx.Response:
        return httpx.post(
            self.address, json=body, headers={"X-Chat-Token": self.token, **headers}, timeout=30
        )

    def send(self, body: Any) -> dict[str, Any]:
        reply = self.post(body)
        assert reply.status_code == 200, reply.text
        answer: dict[str, Any] = reply.json()
        assert answer["job_id"] == self.job_id
        return answer

    def open(self) -> dict[str, Any]:
        return self.send({})

    def say(self, text: str) -> dict[str, Any]:
        return self.send({"text": text})

    def refused(self, body: Any, status: int, code: str, mentions: str = "") -> None:
        assert_error(self.post(body), status, code, mentions)


def texts(answer: dict[str, Any]) -> list[str]:
    return [m["text"] for m in answer["messages"]]

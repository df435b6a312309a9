"""A MetaStudio customer's view of the server: a project with its AK/SK, Huawei's SDK client
bound to it, and raw signed requests for what the SDK cannot send."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import harness
import httpx
import pytest

from oiap.adapters.server_key import load_server_key
from oiap.adapters.sql.database import Database
from oiap.adapters.sql.repositories import SqlStorage
from oiap.domain import signing
from oiap.domain.projects import KeyPair
from oiap.services import projects

sdk = pytest.importorskip("huaweicloudsdkmetastudio.v1")
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402


@dataclass
class Project:
    url: str
    project_id: str
    ak: str
    sk: str
    env: dict[str, str]

    def client(self) -> Any:
        creds = BasicCredentials(self.ak, self.sk, self.project_id)
        return (
            sdk.MetaStudioClient.new_builder()
            .with_credentials(creds)
            .with_endpoints([self.url])
            .build()
        )

    def signed(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        query: dict[str, str] | None = None,
        date: datetime | None = None,
        sk: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Request:
        host = urlsplit(self.url).netloc
        all_headers = {
            "Content-Type": "application/json",
            "Host": host,
            "X-Project-Id": self.project_id,
            "X-Sdk-Date": signing.format_sdk_date(date or datetime.now(UTC)),
            **(headers or {}),
        }
        pairs = list((query or {}).items())
        all_headers["Authorization"] = signing.sign(
            self.ak, sk or self.sk, method, path, pairs, all_headers, body
        )
        return httpx.Request(
            method, self.url + path, params=query, content=body, headers=all_headers
        )

    def call(self, method: str, path: str, body: bytes = b"", **kwargs: Any) -> httpx.Response:
        """A signed request to ``/v1/{project_id}`` + ``path``."""
        return send(self.signed(method, f"/v1/{self.project_id}{path}", body, **kwargs))


def send(request: httpx.Request) -> httpx.Response:
    with httpx.Client(timeout=30) as client:
        return client.send(request)


def new_project(url: str, env: dict[str, str], name: str, *, cli: bool = False) -> Project:
    """A project made with ``oiap project create``, or (faster, same use case) in process."""
    if cli:
        created = harness.cli_json("project", "create", name, env=env)
        return Project(url, created["project_id"], created["ak"], created["sk"], env)
    database_url = env["OIAP_DATABASE_URL"]

    async def create() -> KeyPair:
        storage = SqlStorage(Database(database_url))
        try:
            keys, _ = await projects.create_project(
                storage, load_server_key(database_url, env), name
            )
            return keys
        finally:
            await storage.close()

    keys = asyncio.run(create())
    return Project(url, keys.project_id, keys.access_key, keys.secret_key, env)


def room_body(name: str, concurrency: int = 2, **extra: Any) -> Any:
    return sdk.CreateSmartChatRoomReq(
        room_name=name,
        concurrency=concurrency,
        default_language="CN",
        voice_config_list=[sdk.ChatVoiceConfig(voice_asset_id="v1", speed=100, language="CN")],
        exit_mute_threshold=60,
        **extra,
    )


def new_room(client: Any, name: str, concurrency: int = 2, **extra: Any) -> str:
    created = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=room_body(name, concurrency, **extra))
    )
    room_id: str = created.room_id
    return room_id


def new_robot(client: Any, name: str, app_type: int = 5, **config: Any) -> str:
    created = client.create_robot(
        sdk.CreateRobotRequest(body=sdk.CreateRobotReq(name=name, app_type=app_type, **config))
    )
    robot_id: str = created.robot_id
    return robot_id


def assert_error(reply: httpx.Response, status: int, code: str, mentions: str = "") -> None:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["error_code"] == code, body
    assert mentions in body["error_msg"], body
    assert reply.headers.get("X-Request-Id")

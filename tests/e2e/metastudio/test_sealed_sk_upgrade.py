"""A project whose SK was sealed before the switch to AES-GCM keeps working, unchanged, on
the upgraded server; its next ``rotate-key`` seals the new SK the current way."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os

import harness
from metastudio_client import Project

from oiap.adapters.server_key import load_server_key
from oiap.adapters.sql.database import Database
from oiap.adapters.sql.repositories import SqlStorage


def _seal_the_old_way(server_key: bytes, plaintext: str) -> str:
    """``s1``, as the code before the switch wrote it (HMAC-SHA256 keystream, HMAC tag)."""

    def subkey(label: bytes) -> bytes:
        return hmac.new(server_key, b"oiap-sealed-keys/" + label, hashlib.sha256).digest()

    nonce, data = os.urandom(16), plaintext.encode()
    stream = b"".join(
        hmac.new(subkey(b"enc"), nonce + i.to_bytes(8, "big"), hashlib.sha256).digest()
        for i in range((len(data) + 31) // 32)
    )
    cipher = bytes(a ^ b for a, b in zip(data, stream, strict=False))
    tag = hmac.new(subkey(b"mac"), nonce + cipher, hashlib.sha256).digest()
    return "s1." + base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def _stored(env: dict[str, str], access_key: str, replace: str | None = None) -> str:
    """The sealed SK stored for ``access_key``; first replaced by ``replace`` when given."""
    url = env["OIAP_DATABASE_URL"]

    async def work() -> str:
        storage = SqlStorage(Database(url))
        try:
            async with storage.transaction() as repos:
                found = await repos.projects.by_access_key(access_key)
                assert found is not None
                if replace is not None:
                    await repos.projects.set_key(found[0].project_id, access_key, replace)
                    return replace
                return found[1]
        finally:
            await storage.close()

    return asyncio.run(work())


def test_an_sk_sealed_the_old_way_still_signs_in_and_rotation_reseals_it(
    project: Project,
) -> None:
    env = project.env
    assert _stored(env, project.ak).startswith("s2.")  # new values: AES-GCM
    old = _seal_the_old_way(load_server_key(env["OIAP_DATABASE_URL"], env), project.sk)
    _stored(env, project.ak, replace=old)

    assert project.call("GET", "/digital-human-chat/robot").status_code == 200
    assert _stored(env, project.ak) == old  # opened, not rewritten on read

    rotated = harness.cli_json("project", "rotate-key", project.project_id, env=env)
    assert _stored(env, rotated["ak"]).startswith("s2.")
    renewed = Project(project.url, project.project_id, rotated["ak"], rotated["sk"], env)
    assert renewed.call("GET", "/digital-human-chat/robot").status_code == 200
    assert project.call("GET", "/digital-human-chat/robot").status_code == 401

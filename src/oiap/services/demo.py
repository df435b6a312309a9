"""The demo tenant that ``oiap serve --demo`` loads, so a new user can try the platform."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import oiap
from oiap.adapters.bot_folder.reader import read_bot_folder
from oiap.adapters.server_key import key_file
from oiap.domain.bot_definition import Bot
from oiap.domain.bots import Language
from oiap.domain.users import Role
from oiap.errors import OiapError
from oiap.services.accounts import (
    Credentials,
    create_tenant,
    ensure_domain,
    rotate_tenant_secret,
)
from oiap.services.auth import WORKER_SECRET_CHECKS
from oiap.services.bot_sync import push_bot
from oiap.services.ports import SessionStore, Storage
from oiap.services.users import create_user

DEMO_TENANT_ID = "demo"
DEMO_TENANT_NAME = "Demo Bank hotline"
DEMO_BOT = Path("examples") / "bank-hotline"


def _note(text: str) -> None:
    print(f"demo: {text}", file=sys.stderr)


def demo_bot_folder() -> Path | None:
    """The example bot of a source checkout (src layout) or of the working directory."""
    checkout = Path(oiap.__file__).resolve().parents[2]
    for root in (checkout, Path.cwd()):
        if (root / DEMO_BOT / "bot.yaml").is_file():
            return root / DEMO_BOT
    return None


def demo_bot() -> Bot | None:
    folder = demo_bot_folder()
    if folder is None:
        _note(f"no {DEMO_BOT} folder found; the demo tenant starts without a bot")
        return None
    reading = read_bot_folder(folder)
    if reading.problems or reading.bot is None:
        _note(f"{folder} has {len(reading.problems)} problem(s); not loaded")
        return None
    return reading.bot


EXAMPLE_BASE_URL = "http://127.0.0.1:8080"  # where the example's interfaces expect the server


def _served_at(bot: Bot, base_url: str) -> Bot:
    """The example bot with its business interfaces pointed at this server's demo systems."""
    if base_url == EXAMPLE_BASE_URL:
        return bot
    interfaces = tuple(
        replace(i, url=base_url + i.url.removeprefix(EXAMPLE_BASE_URL))
        if i.url.startswith(EXAMPLE_BASE_URL)
        else i
        for i in bot.interfaces
    )
    return replace(bot, interfaces=interfaces)


def _shown(folder: Path | None) -> str:
    """The example's folder as a user in this directory would type it."""
    if folder is None:
        return str(DEMO_BOT)
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


async def _kept_flows(storage: Storage) -> list[str] | None:
    """The demo tenant's flows as ``code vN`` (latest version), or None when it has no bot."""
    async with storage.reader() as repos:
        if await repos.bots.get_bot(DEMO_TENANT_ID) is None:
            return None
        flows = await repos.bots.list_flows(DEMO_TENANT_ID)
        if not flows:
            return None
        described = []
        for stored in flows:
            code = stored.flow.code
            versions = await repos.bots.list_versions(DEMO_TENANT_ID, code)
            described.append(f"{code} v{versions[-1].number}" if versions else f"{code} (draft)")
        return described


async def _load_example(storage: Storage, base_url: str) -> None:
    bot = demo_bot()
    if bot is None:
        return
    try:
        await push_bot(storage, DEMO_TENANT_ID, _served_at(bot, base_url), publish=True)
    except OiapError as exc:  # a broken example must not keep the server from starting
        _note(f"the example bot was not loaded: {exc.text}")
        return
    _note(f"demo bot loaded from {demo_bot_folder()} and published")


async def load_demo(
    storage: Storage,
    sessions: SessionStore,
    base_url: str = EXAMPLE_BASE_URL,
    *,
    reset: bool = False,
) -> Credentials:
    """Create the demo tenant and load the example bot where it has none; issue a fresh secret.

    A demo tenant that already has a bot is what its user made of it: a restart keeps it
    exactly as it was (no push, no new version) and says so. ``reset`` puts the example bot
    back, as ``oiap bot push examples/bank-hotline --tenant demo --publish`` does.

    Secrets are stored only as hashes, so the only way to show a working secret at every
    start is to issue a new one; the demo tenant is for trying things, not for production.
    """
    async with storage.reader() as repos:
        exists = await repos.accounts.get_tenant(DEMO_TENANT_ID) is not None
    if exists:
        credentials = await rotate_tenant_secret(storage, sessions, DEMO_TENANT_ID)
    else:
        credentials = await create_tenant(storage, DEMO_TENANT_NAME, tenant_id=DEMO_TENANT_ID)
    kept = None if reset or not exists else await _kept_flows(storage)
    if kept is None:
        await _load_example(storage, base_url)
    else:
        _note(
            f"demo tenant kept as you left it ({', '.join(kept)}); to put the example bot "
            f"back: oiap bot push {_shown(demo_bot_folder())} --tenant {DEMO_TENANT_ID} --publish"
        )
    await ensure_domain(storage, DEMO_TENANT_ID, "banking", Language.EN_US)
    return credentials


# -- the demo's console user ------------------------------------------------------------

DEMO_USER = "demo-admin"


@dataclass(frozen=True)
class DemoSignIn:
    name: str
    password: str | None  # None: not the one the demo made (changed since, or file lost)


def demo_password_file(database_url: str) -> Path:
    """Beside the database, like the server key: the demo user's password as the demo made
    it, so that every start can print it (the database keeps only its hash)."""
    key = key_file(database_url)
    return key.with_name(key.name.removesuffix(".key") + ".console-demo.key")


def _read_password(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _write_password(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Readable by its owner only, from the moment it exists.
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(password + "\n")


async def ensure_demo_user(storage: Storage, password_file: Path) -> DemoSignIn:
    """The demo tenant's admin for the console, made when missing (never changed after).

    A password its user changed is never replaced: it is then not printed, and the note
    says how to set a new one.
    """
    kept = _read_password(password_file)
    async with storage.reader() as repos:
        user = await repos.users.get(DEMO_USER)
        stored = await repos.users.password_hash(DEMO_USER) if user is not None else None
    if user is None:
        password = kept or secrets.token_urlsafe(12)
        await create_user(
            storage, DEMO_USER, tenant_id=DEMO_TENANT_ID, role=Role.ADMIN, password=password
        )
        _write_password(password_file, password)
        _note(f"console user {DEMO_USER} created (admin of tenant {DEMO_TENANT_ID})")
        return DemoSignIn(DEMO_USER, password)
    if kept is not None and stored is not None and await WORKER_SECRET_CHECKS.verify(kept, stored):
        return DemoSignIn(DEMO_USER, kept)
    _note(
        f"console user {DEMO_USER} has a password the demo did not make; it is kept. "
        f"To choose a new one: oiap user set-password {DEMO_USER}"
    )
    return DemoSignIn(DEMO_USER, None)

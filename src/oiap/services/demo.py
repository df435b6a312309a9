"""The demo tenant that ``oiap serve --demo`` loads, so a new user can try the platform."""

from __future__ import annotations

from oiap.domain.bots import Language
from oiap.services.accounts import (
    Credentials,
    create_tenant,
    ensure_domain,
    rotate_tenant_secret,
)
from oiap.services.ports import SessionStore, Storage

DEMO_TENANT_ID = "demo"
DEMO_TENANT_NAME = "Demo Bank hotline"


async def load_demo(storage: Storage, sessions: SessionStore) -> Credentials:
    """Create the demo tenant and its bot if missing; give it a fresh secret to print.

    Secrets are stored only as hashes, so the only way to show a working secret at every
    start is to issue a new one; the demo tenant is for trying things, not for production.
    """
    async with storage.reader() as repos:
        exists = await repos.accounts.get_tenant(DEMO_TENANT_ID) is not None
    if exists:
        credentials = await rotate_tenant_secret(storage, sessions, DEMO_TENANT_ID)
    else:
        credentials = await create_tenant(storage, DEMO_TENANT_NAME, tenant_id=DEMO_TENANT_ID)
    await ensure_domain(storage, DEMO_TENANT_ID, "banking", Language.EN_US)
    return credentials

"""The server key that seals MetaStudio secret keys at rest.

``OIAP_SECRET_KEY`` wins when set (every server of a deployment must share it). Otherwise a
random key is generated once and kept in a file next to the SQLite database (``<db>.key``)
or, for other databases, ``./oiap-secret.key``; losing that file makes every project's SK
unusable (rotate the keys then). The key stays beside the database it unlocks, so the two are
backed up and moved together; every name this module writes ends in ``.key``, which
``.gitignore`` ignores, so a run in a checkout never offers a key to ``git add``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

ENV = "OIAP_SECRET_KEY"


def key_file(database_url: str) -> Path:
    scheme, _, rest = database_url.partition("://")
    if scheme.startswith("sqlite") and rest.startswith("/") and rest not in ("/", "/:memory:"):
        return Path(rest[1:] + ".key")
    return Path("oiap-secret.key")


def _read_or_create(path: Path) -> bytes:
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    # The draft ends in ``.key`` too, so the ignore rule for key files covers it if a crash
    # leaves it behind.
    draft = path.with_name(f".{secrets.token_hex(4)}.{path.name}")
    draft.write_text(secrets.token_hex(32))
    os.chmod(draft, 0o600)
    try:
        # A hard link fails if the file appeared meanwhile: every worker ends up on one key.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return bytes.fromhex(path.read_text().strip())


def load_server_key(database_url: str, env: Mapping[str, str] | None = None) -> bytes:
    configured = (env if env is not None else os.environ).get(ENV)
    if configured:
        return hashlib.sha256(configured.encode()).digest()
    return _read_or_create(key_file(database_url))

"""MetaStudio projects: the ``{project_id}`` of every MetaStudio path, owned by a tenant.

A project holds one AK/SK pair. Huawei verifies AK/SK signatures with the secret itself,
so unlike OIAP app secrets the SK cannot be kept as a one-way hash; it is sealed instead
(see ``sealed_keys``).
"""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime

_AK_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class Project:
    project_id: str
    tenant_id: str
    name: str
    access_key: str
    created_at: datetime
    quota: int | None = None
    """Concurrency the operator granted the project; None means no project-level limit."""


@dataclass(frozen=True)
class KeyPair:
    """Shown once, at creation or rotation."""

    project_id: str
    access_key: str
    secret_key: str


def new_project_id() -> str:
    return uuid.uuid4().hex


def new_access_key() -> str:
    # Same shape as Huawei AKs (20 upper-case letters and digits) so clients' checks pass.
    return "".join(secrets.choice(_AK_ALPHABET) for _ in range(20))


def new_secret_key() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40))

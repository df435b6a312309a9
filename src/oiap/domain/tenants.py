"""Tenants, machine accounts and who a token speaks for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# An appKey travels in JSON bodies and HTTP headers and names Redis keys: keep it plain.
ACCOUNT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class PrincipalKind(StrEnum):
    TENANT = "tenant"
    SYSTEM = "system"


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    name: str
    created_at: datetime

    @property
    def app_key(self) -> str:
        """For tenant-level access the appKey is the tenant ID (spec §3.2)."""
        return self.tenant_id


@dataclass(frozen=True)
class SystemUser:
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Principal:
    """The account a valid token was issued to."""

    kind: PrincipalKind
    account_id: str

    def may_act_for(self, tenant_id: str) -> bool:
        if self.kind is PrincipalKind.SYSTEM:
            return True
        return self.account_id == tenant_id


def is_valid_account_id(value: str) -> bool:
    return bool(ACCOUNT_ID_PATTERN.match(value))

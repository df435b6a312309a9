"""Who a management request acts as, for which tenant, and whether their role allows it.

Machine credentials (a tenant's token, a machine account's) act with every right of the
tenant, as they always have. Console users act with their role (docs/console.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from oiap.api.oiap.auth import authorize_tenant
from oiap.domain.users import Role
from oiap.errors import Err, OiapError


@dataclass(frozen=True)
class Access:
    tenant_id: str
    role: Role
    actor: str  # who to name as the author of a change: a user's name, or the account


async def access_of(tenant_id: Annotated[str, Depends(authorize_tenant)]) -> Access:
    return Access(tenant_id=tenant_id, role=Role.ADMIN, actor=tenant_id)


def _needs(role: Role) -> Callable[[Access], Awaitable[Access]]:
    async def check(access: Annotated[Access, Depends(access_of)]) -> Access:
        if not access.role.allows(role):
            raise OiapError(Err.ROLE_FORBIDDEN, f"This needs the {role} role.")
        return access

    return check


Viewer = Annotated[Access, Depends(_needs(Role.VIEWER))]
Editor = Annotated[Access, Depends(_needs(Role.EDITOR))]
Admin = Annotated[Access, Depends(_needs(Role.ADMIN))]

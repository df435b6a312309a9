"""Console: a tenant's users, managed by its admins (platform operators: any tenant's, naming
it in the ``tenantId`` header). Platform operators themselves are made with the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from oiap.api.access import Admin
from oiap.api.manage.resource import Store, body_of, created_or_replaced, timestamp
from oiap.api.platform import platform_of
from oiap.api.wire import request_schema
from oiap.domain.users import PASSWORD_MAX, USER_NAME_PATTERN, ConsoleUser, Role
from oiap.services import users

router = APIRouter(prefix="/oiap/v1/users", tags=["Console: users"])

NameInPath = Annotated[str, Path(min_length=1, max_length=64, pattern=USER_NAME_PATTERN.pattern)]


class UserOut(BaseModel):
    name: str
    tenantId: str | None
    role: str
    disabled: bool
    createdAt: str
    passwordSetAt: str


class UserList(BaseModel):
    items: list[UserOut]


class UserData(BaseModel):
    """Create (``password`` needed) or change a user. A new password or ``disabled: true``
    ends the user's sessions."""

    model_config = ConfigDict(extra="forbid")
    role: Role
    password: StrictStr | None = Field(default=None, max_length=PASSWORD_MAX)
    disabled: StrictBool | None = None


def user_out(user: ConsoleUser) -> UserOut:
    return UserOut(
        name=user.name,
        tenantId=user.tenant_id,
        role=user.role_label,
        disabled=user.disabled,
        createdAt=timestamp(user.created_at),
        passwordSetAt=timestamp(user.password_set_at),
    )


@router.get("", response_model=UserList, summary="The tenant's console users (admin)")
async def list_users(access: Admin, storage: Store) -> UserList:
    found = await users.list_users(storage, access.tenant_id)
    return UserList(items=[user_out(u) for u in found])


@router.put(
    "/{name}",
    response_model=UserOut,
    openapi_extra=request_schema(UserData),
    responses={201: {"description": "Created"}, 200: {"description": "Changed"}},
    summary="Create or change a console user of the tenant (admin)",
)
async def put_user(
    request: Request,
    access: Admin,
    storage: Store,
    name: NameInPath,
    data: Annotated[UserData, body_of(UserData)],
    response: Response,
) -> UserOut:
    platform = platform_of(request)
    user, created = await users.put_user(
        storage,
        platform.sessions,
        access.tenant_id,
        name,
        role=data.role,
        password=data.password,
        disabled=data.disabled,
        actor=access.actor,
        checks=platform.secret_checks,
    )
    created_or_replaced(response, created)
    return user_out(user)

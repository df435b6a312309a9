"""Management API: a tenant's MetaStudio projects, their dialogs (rooms), applications
(robots), jobs, the hosted dialog page's link and activation codes (docs/api.md "Console:
MetaStudio").

Every read and write goes through the use cases the MetaStudio API calls, and every body is
checked by the MetaStudio wire models, so both paths keep the same rules (names unique per
project, the project's quota, ranges). Their refusals are told in the management API's
catalogue: not found → 10000003, a taken name → 10000004, anything else → 10000002, with the
MetaStudio code in the message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field, StrictInt, StrictStr, ValidationError

from oiap.api.access import Access, Editor, Viewer
from oiap.api.manage.resource import PRINTABLE, Body, PageAsked, PageOut, Store, body_of, timestamp
from oiap.api.metastudio import views
from oiap.api.metastudio.caller import PlatformDep
from oiap.api.metastudio.codes import CreateActiveCodeBody, DialogUrlBody
from oiap.api.metastudio.robot_wire import CreateRobot, UpdateRobot
from oiap.api.metastudio.room_wire import RoomBody
from oiap.domain.dialog_codes import ActiveCode
from oiap.domain.jobs import Job, parse_states
from oiap.domain.projects import Project
from oiap.domain.robots import AppType, Robot, known_type
from oiap.domain.rooms import Room, RoomFilter
from oiap.errors import Err, MetaStudioError, OiapError
from oiap.services import dialog_codes, jobs, robots, rooms
from oiap.services import projects as project_service
from oiap.services.bot_management import page_of
from oiap.services.ports import Storage

router = APIRouter(prefix="/oiap/v1/metastudio", tags=["Console: MetaStudio"])

Id = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE)]
"""Project, dialog, application and job IDs (the MetaStudio API's own limit)."""

_FIELD_NAMES = {
    "room_name": "name",
    "room_description": "description",
    "oiap_config.access_code": "accessCode",
    "oiap_config": "accessCode",
    "room_id": "dialogId",
    "robot_id": "applicationId",
    "valid_period": "validPeriod",
}
"""MetaStudio wire names → the names the console sends, for messages about its input."""


@contextmanager
def _told_as_management() -> Iterator[None]:
    """A MetaStudio refusal in the management API's catalogue, never in MSS's envelope."""
    try:
        yield
    except MetaStudioError as exc:
        status = exc.error.http_status
        kind = Err.NOT_FOUND if status == 404 else Err.ALREADY_EXISTS if status == 409 else None
        raise OiapError(kind or Err.PARAMETER, f"{exc.text} ({exc.error.code})") from None


def _checked(model: type[BaseModel], document: dict[str, Any]) -> dict[str, Any]:
    """``document`` as the MetaStudio API would accept it: its model, its ranges."""
    try:
        parsed = model.model_validate(document)
    except ValidationError as exc:
        issue = exc.errors()[0]
        where = ".".join(str(p) for p in issue["loc"]) or "body"
        name = _FIELD_NAMES.get(where, where)
        raise OiapError(Err.PARAMETER, f"'{name}' is invalid: {issue['msg']}.") from None
    return parsed.model_dump(mode="json", exclude_unset=True)


async def _project(storage: Storage, access: Access, project_id: str) -> Project:
    """The tenant's own project; another tenant's is as absent as one that never was."""
    for project in await project_service.list_projects(storage, access.tenant_id):
        if project.project_id == project_id:
            return project
    raise OiapError(Err.NOT_FOUND, f"No project '{project_id}'.")


def _when(moment: datetime | None) -> str | None:
    return timestamp(moment) if moment is not None else None


# --- projects --------------------------------------------------------------------------


class ProjectOut(BaseModel):
    projectId: str
    name: str
    accessKey: str = Field(description="The AK (its SK is never shown)")
    quota: int | None = Field(description="Concurrency granted to the project; null: no limit")
    createdAt: str


class ProjectDetail(ProjectOut):
    dialogs: int = Field(description="How many dialogs the project has")
    allocatedConcurrency: int = Field(description="Units its dialogs reserve out of the quota")


def _project_out(project: Project) -> dict[str, Any]:
    return {
        "projectId": project.project_id,
        "name": project.name,
        "accessKey": project.access_key,
        "quota": project.quota,
        "createdAt": timestamp(project.created_at),
    }


@router.get("/projects", response_model=PageOut[ProjectOut], summary="List the projects")
async def list_projects(access: Viewer, storage: Store, asked: PageAsked) -> PageOut[ProjectOut]:
    found = await project_service.list_projects(storage, access.tenant_id)
    return PageOut.of(page_of(found, *asked), lambda p: ProjectOut(**_project_out(p)))


@router.get("/projects/{project_id}", response_model=ProjectDetail, summary="Show a project")
async def get_project(access: Viewer, storage: Store, project_id: Id) -> ProjectDetail:
    project = await _project(storage, access, project_id)
    with _told_as_management():
        found, _ = await rooms.list_rooms(storage, project, RoomFilter(limit=1))
    return ProjectDetail(
        **_project_out(project),
        dialogs=found.count,
        allocatedConcurrency=found.count_concurrency,
    )


# --- dialogs (rooms) -------------------------------------------------------------------


class DialogOut(BaseModel):
    dialogId: str
    name: str
    description: str | None
    concurrency: int | None = Field(description="Jobs it may run at once; null: none set")
    applicationId: str | None = Field(description="The application its legacy start uses")
    billingMode: str
    defaultLanguage: str
    exitMuteThreshold: int | None
    lastJobStart: str | None
    createTime: str
    updateTime: str


class DialogDetail(DialogOut):
    metastudio: dict[str, Any] = Field(description="The dialog as the MetaStudio API shows it")


class NewDialog(Body):
    name: StrictStr
    concurrency: StrictInt | None = None
    description: StrictStr | None = None


class DialogChanges(Body):
    """Members absent keep their value, as a MetaStudio update does."""

    name: StrictStr | None = None
    concurrency: StrictInt | None = None
    description: StrictStr | None = None


def _dialog_out(room: Room) -> dict[str, Any]:
    shown = views.room_base_info(room)
    return {
        "dialogId": room.room_id,
        "name": room.room_name,
        "description": shown["room_description"],
        "concurrency": shown["concurrency"],
        "applicationId": shown["robot_id"],
        "billingMode": shown["billing_mode"],
        "defaultLanguage": shown["default_language"],
        "exitMuteThreshold": shown["exit_mute_threshold"],
        "lastJobStart": _when(room.last_job_start),
        "createTime": timestamp(room.create_time),
        "updateTime": timestamp(room.update_time),
    }


def _dialog_detail(room: Room) -> DialogDetail:
    return DialogDetail(**_dialog_out(room), metastudio=views.room_detail(room))


def _room_document(given: dict[str, Any]) -> dict[str, Any]:
    wire = {"name": "room_name", "concurrency": "concurrency", "description": "room_description"}
    return {wire[k]: v for k, v in given.items()}


@router.get(
    "/projects/{project_id}/dialogs",
    response_model=PageOut[DialogOut],
    summary="List a project's dialogs (newest first)",
)
async def list_dialogs(
    access: Viewer, storage: Store, project_id: Id, asked: PageAsked
) -> PageOut[DialogOut]:
    project = await _project(storage, access, project_id)
    number, size = asked
    with _told_as_management():
        found, page = await rooms.list_rooms(
            storage, project, RoomFilter(offset=(number - 1) * size, limit=size)
        )
    items = [DialogOut(**_dialog_out(r)) for r in page]
    return PageOut(total=found.count, page=number, page_size=size, items=items)


@router.get(
    "/projects/{project_id}/dialogs/{dialog_id}",
    response_model=DialogDetail,
    summary="Show a dialog",
)
async def get_dialog(access: Viewer, storage: Store, project_id: Id, dialog_id: Id) -> DialogDetail:
    project = await _project(storage, access, project_id)
    with _told_as_management():
        room = await rooms.get_room(storage, project, dialog_id)
    return _dialog_detail(room)


@router.post(
    "/projects/{project_id}/dialogs",
    response_model=DialogDetail,
    status_code=201,
    summary="Create a dialog (without concurrency no job can start in it)",
)
async def create_dialog(
    access: Editor,
    storage: Store,
    project_id: Id,
    data: Annotated[NewDialog, body_of(NewDialog)],
) -> DialogDetail:
    project = await _project(storage, access, project_id)
    document = _checked(RoomBody, _room_document(data.model_dump(exclude_unset=True)))
    with _told_as_management():
        room = await rooms.create_room(storage, project, document)
    return _dialog_detail(room)


@router.put(
    "/projects/{project_id}/dialogs/{dialog_id}",
    response_model=DialogDetail,
    summary="Change a dialog's name, concurrency or description",
)
async def update_dialog(
    access: Editor,
    storage: Store,
    project_id: Id,
    dialog_id: Id,
    data: Annotated[DialogChanges, body_of(DialogChanges)],
) -> DialogDetail:
    project = await _project(storage, access, project_id)
    changes = _room_document(data.model_dump(exclude_unset=True))
    with _told_as_management():
        if "room_name" not in changes:  # the MetaStudio update always names the dialog
            changes["room_name"] = (await rooms.get_room(storage, project, dialog_id)).room_name
        room = await rooms.update_room(storage, project, dialog_id, _checked(RoomBody, changes))
    return _dialog_detail(room)


# --- applications (robots) -------------------------------------------------------------

_TYPE_NAMES = {
    AppType.IFLYTEK_AIUI: "iFLYTEK AIUI",
    AppType.HUAWEI_CBS: "Huawei CBS",
    AppType.IFLYTEK_SPARK: "iFLYTEK Spark",
    AppType.THIRD_PARTY_DRIVING: "Third-party driving",
    AppType.THIRD_PARTY_LLM: "Third-party language model",
    AppType.WISE_BRAIN: "Wise brain",
    AppType.MOBVOI: "Mobvoi",
    AppType.OIAP_ACCESS_CODE: "OIAP access code",
}


class ApplicationOut(BaseModel):
    applicationId: str
    name: str
    appType: int
    appTypeName: str
    accessCode: str | None = Field(description="The OIAP access code whose flows answer (30)")
    accessCodeBound: bool | None = Field(
        description="Whether the access code is bound in the tenant (type 30; a job needs it)"
    )
    dialogId: str | None
    language: str | None
    createTime: str
    updateTime: str


class ApplicationDetail(ApplicationOut):
    metastudio: dict[str, Any] = Field(description="The application as MetaStudio shows it")


class NewApplication(Body):
    """An application of type 30: one of the tenant's access codes answers."""

    name: StrictStr
    accessCode: StrictStr


class ApplicationChanges(Body):
    name: StrictStr | None = None
    accessCode: StrictStr | None = None


def _access_code(robot: Robot) -> str | None:
    if known_type(robot.app_type) is not AppType.OIAP_ACCESS_CODE:
        return None
    code = robot.config().get("access_code")
    return str(code) if code else None


async def _application_out(storage: Storage, project: Project, robot: Robot) -> dict[str, Any]:
    code = _access_code(robot)
    bound = None
    if code is not None:
        async with storage.reader() as repos:
            bound = await robots.access_code_bound(repos, project, code)
    kind = known_type(robot.app_type)
    return {
        "applicationId": robot.robot_id,
        "name": robot.name,
        "appType": robot.app_type,
        "appTypeName": _TYPE_NAMES[kind] if kind else f"Type {robot.app_type}",
        "accessCode": code,
        "accessCodeBound": bound,
        "dialogId": robot.room_id,
        "language": robot.document.get("language"),
        "createTime": timestamp(robot.create_time),
        "updateTime": timestamp(robot.update_time),
    }


async def _application_detail(
    storage: Storage, project: Project, robot: Robot
) -> ApplicationDetail:
    shown = await _application_out(storage, project, robot)
    return ApplicationDetail(**shown, metastudio=views.robot_info(robot))


@router.get(
    "/projects/{project_id}/applications",
    response_model=PageOut[ApplicationOut],
    summary="List a project's applications",
)
async def list_applications(
    access: Viewer, storage: Store, project_id: Id, asked: PageAsked
) -> PageOut[ApplicationOut]:
    project = await _project(storage, access, project_id)
    number, size = asked
    with _told_as_management():
        total, page = await robots.list_robots(
            storage, project, (number - 1) * size, size, None, None
        )
    items = [ApplicationOut(**await _application_out(storage, project, r)) for r in page]
    return PageOut(total=total, page=number, page_size=size, items=items)


@router.get(
    "/projects/{project_id}/applications/{application_id}",
    response_model=ApplicationDetail,
    summary="Show an application",
)
async def get_application(
    access: Viewer, storage: Store, project_id: Id, application_id: Id
) -> ApplicationDetail:
    project = await _project(storage, access, project_id)
    with _told_as_management():
        robot = await robots.get_robot(storage, project, application_id)
    return await _application_detail(storage, project, robot)


@router.post(
    "/projects/{project_id}/applications",
    response_model=ApplicationDetail,
    status_code=201,
    summary="Create an application that answers with an OIAP access code's flows",
)
async def create_application(
    access: Editor,
    storage: Store,
    project_id: Id,
    data: Annotated[NewApplication, body_of(NewApplication)],
) -> ApplicationDetail:
    project = await _project(storage, access, project_id)
    document = {
        "name": data.name,
        "app_type": int(AppType.OIAP_ACCESS_CODE),
        "oiap_config": {"access_code": data.accessCode},
    }
    with _told_as_management():
        robot = await robots.create_robot(storage, project, _checked(CreateRobot, document))
    return await _application_detail(storage, project, robot)


@router.put(
    "/projects/{project_id}/applications/{application_id}",
    response_model=ApplicationDetail,
    summary="Rename an application or change its access code (type 30)",
)
async def update_application(
    access: Editor,
    storage: Store,
    project_id: Id,
    application_id: Id,
    data: Annotated[ApplicationChanges, body_of(ApplicationChanges)],
) -> ApplicationDetail:
    project = await _project(storage, access, project_id)
    given = data.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "name" in given:
        changes["name"] = given["name"]
    with _told_as_management():
        if "accessCode" in given:
            robot = await robots.get_robot(storage, project, application_id)
            if known_type(robot.app_type) is not AppType.OIAP_ACCESS_CODE:
                raise OiapError(
                    Err.PARAMETER,
                    f"'accessCode': application '{application_id}' is of type "
                    f"{robot.app_type}; only type 30 answers with an access code.",
                )
            changes["oiap_config"] = {"access_code": given["accessCode"]}
        robot = await robots.update_robot(
            storage, project, application_id, _checked(UpdateRobot, changes)
        )
    return await _application_detail(storage, project, robot)


# --- jobs ------------------------------------------------------------------------------


class JobError(BaseModel):
    code: str
    message: str | None


class JobOut(BaseModel):
    jobId: str
    dialogId: str
    applicationId: str | None
    state: str
    live: bool
    startTime: str | None
    endTime: str | None
    duration: float = Field(description="Seconds it ran (so far, when live)")
    finishReason: str | None
    error: JobError | None
    clientId: str | None
    createTime: str


def _job_out(job: Job, now: datetime) -> JobOut:
    return JobOut(
        jobId=job.job_id,
        dialogId=job.room_id,
        applicationId=job.robot_id,
        state=job.state.value,
        live=job.live,
        startTime=_when(job.start_time),
        endTime=_when(job.end_time),
        duration=round(job.duration(now), 3),
        finishReason=job.finish_reason.value if job.finish_reason else None,
        error=JobError(code=job.error_code, message=job.error_msg) if job.error_code else None,
        clientId=job.client_id,
        createTime=timestamp(job.create_time),
    )


@router.get(
    "/projects/{project_id}/dialogs/{dialog_id}/jobs",
    response_model=PageOut[JobOut],
    summary="List a dialog's jobs, newest first",
)
async def list_jobs(
    access: Viewer,
    platform: PlatformDep,
    project_id: Id,
    dialog_id: Id,
    asked: PageAsked,
    state: Annotated[
        str | None,
        Query(max_length=512, description="Comma-separated job states, e.g. PROCESSING"),
    ] = None,
) -> PageOut[JobOut]:
    project = await _project(platform.storage, access, project_id)
    states = parse_states(state) if state else None
    if state and states is None:
        raise OiapError(Err.PARAMETER, f"'state' names an unknown job state: {state!r}.")
    number, size = asked
    now = datetime.now(UTC)
    with _told_as_management():
        total, page, _ = await jobs.list_jobs(
            platform.storage,
            platform.sessions,
            project,
            dialog_id,
            states,
            (number - 1) * size,
            size,
            now,
        )
    items = [_job_out(j, now) for j in page]
    return PageOut(total=total, page=number, page_size=size, items=items)


@router.get(
    "/projects/{project_id}/dialogs/{dialog_id}/jobs/{job_id}",
    response_model=JobOut,
    summary="Show a job",
)
async def get_job(
    access: Viewer, platform: PlatformDep, project_id: Id, dialog_id: Id, job_id: Id
) -> JobOut:
    project = await _project(platform.storage, access, project_id)
    now = datetime.now(UTC)
    with _told_as_management():
        job, _ = await jobs.show_job(
            platform.storage, platform.sessions, project, dialog_id, job_id, now
        )
    return _job_out(job, now)


# --- the hosted dialog page ------------------------------------------------------------


class PageTarget(Body):
    dialogId: StrictStr
    applicationId: StrictStr


class NewActivationCode(PageTarget):
    validPeriod: StrictInt = Field(default=7, description="Days; 0 = never expires")


class DialogUrlOut(BaseModel):
    url: str = Field(description="The hosted dialog page; visitors unlock it with a code")


class ActivationCodeOut(BaseModel):
    activationCodeId: str
    activationCode: str = Field(description="6 characters a visitor types on the page")
    dialogId: str
    applicationId: str
    validPeriod: int
    expireTime: str | None
    createTime: str


def _activation_code_out(code: ActiveCode) -> ActivationCodeOut:
    return ActivationCodeOut(
        activationCodeId=code.active_code_id,
        activationCode=code.active_code,
        dialogId=code.room_id,
        applicationId=code.robot_id,
        validPeriod=code.valid_period,
        expireTime=_when(code.expire_time),
        createTime=timestamp(code.create_time),
    )


@router.post(
    "/projects/{project_id}/dialog-url",
    response_model=DialogUrlOut,
    summary="The hosted dialog page's link for a dialog and application",
)
async def create_dialog_url(
    access: Editor,
    storage: Store,
    request: Request,
    project_id: Id,
    data: Annotated[PageTarget, body_of(PageTarget)],
) -> DialogUrlOut:
    project = await _project(storage, access, project_id)
    target = _checked(DialogUrlBody, {"room_id": data.dialogId, "robot_id": data.applicationId})
    with _told_as_management():
        url = await dialog_codes.create_dialog_url(
            storage, project, target["room_id"], target["robot_id"], str(request.base_url)
        )
    return DialogUrlOut(url=url)


@router.post(
    "/projects/{project_id}/activation-codes",
    response_model=ActivationCodeOut,
    status_code=201,
    summary="A new activation code for the hosted dialog page",
)
async def create_activation_code(
    access: Editor,
    storage: Store,
    project_id: Id,
    data: Annotated[NewActivationCode, body_of(NewActivationCode)],
) -> ActivationCodeOut:
    project = await _project(storage, access, project_id)
    wanted = {
        "room_id": data.dialogId,
        "robot_id": data.applicationId,
        "valid_period": data.validPeriod,
    }
    body = _checked(CreateActiveCodeBody, wanted)
    with _told_as_management():
        code = await dialog_codes.create_active_code(
            storage, project, body["robot_id"], body["room_id"], body["valid_period"]
        )
    return _activation_code_out(code)


@router.get(
    "/projects/{project_id}/applications/{application_id}/activation-codes",
    response_model=PageOut[ActivationCodeOut],
    summary="An application's activation codes",
)
async def list_activation_codes(
    access: Viewer, storage: Store, project_id: Id, application_id: Id, asked: PageAsked
) -> PageOut[ActivationCodeOut]:
    project = await _project(storage, access, project_id)
    number, size = asked
    with _told_as_management():
        total, page = await dialog_codes.list_active_codes(
            storage, project, application_id, (number - 1) * size, size
        )
    items = [_activation_code_out(c) for c in page]
    return PageOut(total=total, page=number, page_size=size, items=items)

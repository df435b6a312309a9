"""An end user's conversation with a running job whose application is an OIAP access code.

The job's dialog is the access code's flows, run by the dialog runtime under the project's
tenant, with the job ID as the dialog's ``userid`` and the job's ``client_id`` (else its ID)
as the calling number. One chat request is one turn of the end user: the first request
initialises the dialog (``inaction`` 8), a typed text is ``inaction`` 9 with
``flow_result_type`` 1, and prompts that only play are acknowledged at once (``playover``),
so the user reads everything up to the next question. A release or a transfer ends the job;
stopping the job hangs the dialog up. A job's turns are serialised across workers by a lock
in the session store, where the last reply is also kept (a request without text repeats it).
Jobs of a third-party language model (type 6) chat in the same shape through ``model_chat``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from oiap.domain.flows import ReplyMode
from oiap.domain.jobs import Job
from oiap.domain.projects import Project
from oiap.domain.robots import AppType, Robot, known_type
from oiap.engine.actions import Prompt, Query, Release, Transfer
from oiap.errors import Err, MetaStudioError, MsErr, OiapError
from oiap.services import jobs, model_chat, robots
from oiap.services.dialogs import DialogService, TurnOutcome, TurnRequest
from oiap.services.model_ports import LanguageModel
from oiap.services.ports import LockTimeout, SessionStore, Storage

log = logging.getLogger("oiap.metastudio.chat")

AUTOMATIC_STEPS = 20
"""Play-only prompts (and queue queries) acknowledged in a row before a turn gives up."""
LOCK_WAIT = 30.0
"""Seconds a turn waits for the job's previous turn (which may call business interfaces)."""
ENDINGS = ("release", "transfer")
HUNG_UP = {"kind": "release", "reason": "0"}
"""How a job of a language model ends when its end user hangs up (as a flow's release)."""
_EXPECTS = {
    ReplyMode.PLAY: None,
    ReplyMode.ASR: "text",
    ReplyMode.ASR_AFTER: "text",
    ReplyMode.DTMF: "keys",
    ReplyMode.DTMF_NO_BARGE: "keys",
    ReplyMode.ASR_DTMF: "text_or_keys",
    ReplyMode.ASR_DTMF_AFTER: "text_or_keys",
}


@dataclass(frozen=True)
class ChatReply:
    job: Job
    messages: list[dict[str, str]]
    """What the bot said in this turn, in order."""
    last: dict[str, str]
    """The action the dialog stopped at: a prompt waiting for the user, or its ending."""

    @property
    def ending(self) -> dict[str, str] | None:
        return self.last if self.last["kind"] in ENDINGS else None


def describe(outcome: TurnOutcome) -> dict[str, Any]:
    """The chat channel's view of an engine action (stored by the runtime for replays)."""
    action = outcome.action
    if isinstance(action, Prompt):
        said: dict[str, Any] = {"kind": "prompt", "text": action.text}
        said["expects"] = _EXPECTS[action.mode]
        if action.audio:
            said["audio"] = action.audio
        return said
    if isinstance(action, Transfer):
        return {
            "kind": "transfer",
            "trans_type": str(action.trans_type),
            "route": action.route,
            "data": action.data,
        }
    if isinstance(action, Query):
        return {"kind": "query"}
    assert isinstance(action, Release)
    return {"kind": "release", "reason": action.reason}


def _message(said: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in said.items() if k in ("text", "audio")}


# -- turns ---------------------------------------------------------------------------------


def _record_key(job_id: str) -> str:
    return f"ms:chat:{job_id}"


@asynccontextmanager
async def _turn_of(sessions: SessionStore, job_id: str) -> AsyncIterator[None]:
    try:
        async with sessions.lock(f"ms:chat:{job_id}:lock", LOCK_WAIT):
            yield
    except LockTimeout as exc:
        raise MetaStudioError(MsErr.TOO_FREQUENT, "The job's previous turn is running.") from exc


def _as_metastudio(exc: OiapError) -> MetaStudioError:
    if exc.error is Err.DIALOG_BUSY:
        return MetaStudioError(MsErr.TOO_FREQUENT, "The dialog is busy with another turn.")
    return MetaStudioError(MsErr.DIALOG_UNAVAILABLE, exc.text)


class _Dialog:
    """The job's dialog, spoken to in the runtime's own terms."""

    def __init__(self, dialogs: DialogService, tenant_id: str, job: Job, access_code: str):
        self.dialogs = dialogs
        self.tenant_id = tenant_id
        self.job = job
        self.access_code = access_code

    async def send(
        self, inaction: int, *, literal: bool = False, **inparams: str
    ) -> dict[str, Any]:
        params = {"call_id": self.job.job_id, **inparams}
        if self.access_code:
            params["call_dst_id"] = self.access_code
        request = TurnRequest(
            userid=self.job.job_id, inaction=inaction, inparams=params, literal=literal
        )
        try:
            return await self.dialogs.process(self.tenant_id, request, describe)
        except OiapError as exc:
            raise _as_metastudio(exc) from exc

    async def open(self) -> dict[str, Any]:
        calling = (self.job.client_id or self.job.job_id)[:64]
        return await self.send(8, call_sor_id=calling)

    async def say(self, text: str) -> dict[str, Any]:
        return await self.send(9, literal=True, flow_result_type="1", input=text)

    async def hang_up(self) -> dict[str, Any]:
        return await self.send(9, flow_result_type="3", input="hangup")

    async def onward(self, said: dict[str, Any], messages: list[dict[str, str]]) -> dict[str, Any]:
        """Acknowledge play-only prompts and queue queries (a chat has no queue to report)
        until the dialog waits for the user or ends."""
        for _ in range(AUTOMATIC_STEPS):
            if said["kind"] == "prompt":
                messages.append(_message(said))
                if said["expects"] is not None:
                    return said
                said = await self.send(9, flow_result_type="3", input="playover")
            elif said["kind"] == "query":
                said = await self.send(12)
            else:
                return said
        raise MetaStudioError(MsErr.DIALOG_UNAVAILABLE, "The flow keeps playing without asking.")


async def _robot(storage: Storage, project: Project, job: Job) -> Robot:
    """The job's application, if its end user can chat with it here."""
    async with storage.reader() as repos:
        robot = await repos.robots.get(project.project_id, job.robot_id or "")
    if robot is None:
        raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {job.robot_id}.")
    kind = known_type(robot.app_type)
    if kind is AppType.THIRD_PARTY_DRIVING:
        raise MetaStudioError(MsErr.DRIVING_NO_WEB_CLIENT, "The customer's program drives it.")
    if kind not in (AppType.OIAP_ACCESS_CODE, AppType.THIRD_PARTY_LLM):
        raise MetaStudioError(
            MsErr.CHAT_NOT_ACTIVE, f"Applications of app_type {robot.app_type} have no chat here."
        )
    return robot


async def _load(sessions: SessionStore, job_id: str) -> dict[str, Any] | None:
    raw = await sessions.get(_record_key(job_id))
    return json.loads(raw) if raw is not None else None


async def _save(
    dialogs: DialogService, sessions: SessionStore, job_id: str, record: dict[str, Any]
) -> None:
    await sessions.set(_record_key(job_id), json.dumps(record).encode(), dialogs.dialog_ttl)


async def chat(
    dialogs: DialogService,
    storage: Storage,
    sessions: SessionStore,
    project: Project,
    room_id: str,
    job_id: str,
    text: str | None,
    *,
    model: LanguageModel,
    hang_up: bool = False,
    now: datetime | None = None,
) -> ChatReply:
    """One request of the job's end user: ``text`` answers the waiting prompt; without it
    the dialog is opened (first request) or its last reply repeated; ``hang_up`` ends it.
    ``model`` answers the jobs of third-party language models."""
    async with _turn_of(sessions, job_id):
        now = now or datetime.now(UTC)
        job, _ = await jobs.show_job(storage, sessions, project, room_id, job_id, now)
        record = await _load(sessions, job_id)
        if not job.live:
            await _close(dialogs, sessions, project, job, record)
            raise MetaStudioError(MsErr.DIALOG_FINISHED, f"The job ended ({job.state.value}).")
        robot = await _robot(storage, project, job)
        if known_type(robot.app_type) is AppType.THIRD_PARTY_LLM:
            return await _model_chat(
                model, dialogs, storage, sessions, job, robot, text, hang_up, now
            )
        access_code = str(robot.config().get("access_code"))
        dialog = _Dialog(dialogs, project.tenant_id, job, access_code)
        messages: list[dict[str, str]] = []
        if record is None:
            said = await dialog.onward(await dialog.open(), messages)
        elif text is None and not hang_up:
            return ChatReply(job, record["messages"], record["last"])  # not a user turn
        else:
            said = record["last"]
        if hang_up:
            said = await dialog.hang_up()
        elif text is not None and said["kind"] == "prompt":
            said = await dialog.onward(await dialog.say(text), messages)
        if said["kind"] == "transfer":
            await dialog.hang_up()  # nobody here takes the transfer: the user is told where
        if said["kind"] in ENDINGS:
            job = await jobs.finish_job(storage, sessions, job, now)
        else:
            await jobs.touch(sessions, job_id, now)
        await _save(dialogs, sessions, job_id, {"messages": messages, "last": said})
        return ChatReply(job, messages, said)


async def _model_chat(
    model: LanguageModel,
    dialogs: DialogService,
    storage: Storage,
    sessions: SessionStore,
    job: Job,
    robot: Robot,
    text: str | None,
    hang_up: bool,
    now: datetime,
) -> ChatReply:
    """A turn of a job of a third-party language model, answered like a flow's turn: the
    reply is a prompt that expects text, a hang-up a release."""
    if hang_up:
        await model_chat.forget(sessions, job.job_id)
        return ChatReply(await jobs.finish_job(storage, sessions, job, now), [], HUNG_UP)
    robots.check_config(robot.app_type, robot.document)
    turn = await model_chat.turn(
        model, sessions, job.job_id, robot.config(), text, dialogs.dialog_ttl
    )
    if turn.user_turn:
        await jobs.touch(sessions, job.job_id, now)
    messages = [] if turn.reply is None else [{"text": turn.reply}]
    return ChatReply(job, messages, {"kind": "prompt", "text": turn.reply or "", "expects": "text"})


async def _close(
    dialogs: DialogService,
    sessions: SessionStore,
    project: Project,
    job: Job,
    record: dict[str, Any] | None,
) -> None:
    """Hang up the dialog of an ended job, if it is still open (or forget its conversation
    with a language model)."""
    await model_chat.forget(sessions, job.job_id)
    if record is None or record["last"]["kind"] in ENDINGS:
        return
    try:
        said = await _Dialog(dialogs, project.tenant_id, job, "").hang_up()
    except MetaStudioError as exc:  # the dialog expired already: nothing is left to end
        log.info("hanging up the dialog of job %s: %s", job.job_id, exc.text)
        said = {"kind": "release", "reason": "0"}
    await _save(dialogs, sessions, job.job_id, {"messages": [], "last": said})


async def hang_up_ended(
    dialogs: DialogService, storage: Storage, sessions: SessionStore, job: Job
) -> None:
    """Hang up the dialog of a job that ended without a turn (silence, a stop elsewhere)."""
    async with storage.reader() as repos:
        project = await repos.projects.get(job.project_id)
    if project is None:
        return
    async with _turn_of(sessions, job.job_id):
        await _close(dialogs, sessions, project, job, await _load(sessions, job.job_id))


async def stop(
    dialogs: DialogService,
    storage: Storage,
    sessions: SessionStore,
    project: Project,
    room_id: str,
    job_id: str,
) -> Job:
    """Stop the job (spec §6.5) and hang up its dialog; the job stops even when a turn
    holds the dialog longer than a stop may wait."""
    job = await jobs.stop_job(storage, sessions, project, room_id, job_id)
    try:
        async with _turn_of(sessions, job_id):
            await _close(dialogs, sessions, project, job, await _load(sessions, job_id))
    except MetaStudioError as exc:
        log.warning("job %s stopped, its dialog not hung up: %s", job_id, exc.text)
    return job

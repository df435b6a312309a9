"""Every chat turn puts off the dialog's silence timeout (``exit_mute_threshold``); a job
that goes silent ends ``MUTE_TIMEOUT`` and its dialog is hung up. Driven through the
services with a chosen clock, since minutes of silence cannot be waited for."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import harness
import pytest
from chat_support import dialog_support

from oiap.adapters.http.interfaces import HttpInterfaceCaller
from oiap.adapters.http.language_models import HttpLanguageModel
from oiap.adapters.sessions import open_session_store
from oiap.adapters.sql.database import Database
from oiap.adapters.sql.repositories import SqlStorage
from oiap.domain.jobs import FinishReason, Job
from oiap.errors import MetaStudioError, MsErr
from oiap.services import job_chat, jobs, projects, robots, rooms
from oiap.services.dialogs import DialogService
from oiap.services.jobs import JobKeeper, JobPolicy

LONG_LEASE = JobPolicy(lease_seconds=3600, renew_every=3600)


async def test_each_turn_puts_off_the_silence_timeout(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'oiap.db'}"
    env = harness.oiap_env(database_url=database_url, secret_key=secrets.token_hex(32))
    harness.run_cli("db", "upgrade", env=env)
    support = dialog_support()
    bot = support.bot_copy(tmp_path / "bot", "http://127.0.0.1:9/balance")
    tenant = support.new_tenant(env, "Quiet bank", bot)
    storage = SqlStorage(Database(database_url))
    sessions = open_session_store("memory")
    dialogs = DialogService(storage, sessions, HttpInterfaceCaller(), dialog_ttl=1800)
    try:
        keys, _ = await projects.create_project(
            storage, b"k" * 32, "quiet", tenant_id=tenant.tenant_id
        )
        async with storage.reader() as repos:
            project = await repos.projects.get(keys.project_id)
        assert project is not None
        robot = await robots.create_robot(
            storage,
            project,
            {"name": "hotline", "app_type": 30, "oiap_config": {"access_code": "4002"}},
        )
        room = await rooms.create_room(
            storage, project, {"room_name": "quiet", "concurrency": 1, "exit_mute_threshold": 1}
        )
        t0 = datetime.now(UTC)
        job, _ = await jobs.start_job(
            storage, sessions, LONG_LEASE, project, room.room_id, robot.robot_id, now=t0
        )

        async def turn(text: str | None, after: float) -> job_chat.ChatReply:
            return await job_chat.chat(
                dialogs,
                storage,
                sessions,
                project,
                room.room_id,
                job.job_id,
                text,
                model=HttpLanguageModel(),  # an access code answers: never called
                now=t0 + timedelta(seconds=after),
            )

        async def hang_up(ended: Job) -> None:
            await job_chat.hang_up_ended(dialogs, storage, sessions, ended)

        async def state(after: float) -> Job:
            shown, _ = await jobs.show_job(
                storage, sessions, project, room.room_id, job.job_id, t0 + timedelta(seconds=after)
            )
            return shown

        assert (await turn(None, 50)).messages[0]["text"] == "Welcome to Example Bank."
        assert (await turn("9", 100)).last["expects"] == "text"
        # 140 s after the start, but only 40 s after the last turn: still running.
        assert (await state(140)).live
        # The worker holding the job finds it silent and hangs its dialog up.
        keeper = JobKeeper(storage, sessions, LONG_LEASE, hang_up)
        keeper.hold(job, room)
        await keeper.tick(t0 + timedelta(seconds=161))
        await keeper.close()
        assert (await state(161)).finish_reason is FinishReason.MUTE_TIMEOUT
        await dialogs.recorder.flush()
        async with storage.reader() as repos:
            turns = await repos.dialogs.list_turns(tenant.tenant_id, call_id=job.job_id)
        assert max(turns, key=lambda t: t.at).outaction == 10  # released, without a turn
        with pytest.raises(MetaStudioError) as refused:
            await turn("check my balance", 170)
        assert refused.value.error is MsErr.DIALOG_FINISHED
    finally:
        await dialogs.close()
        await sessions.close()
        await storage.close()

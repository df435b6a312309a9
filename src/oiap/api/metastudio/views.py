"""Resources as MetaStudio clients read them (spec §5.2, §5.3, §6.6, §8.3, §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oiap.domain.dialog_codes import ActiveCode
from oiap.domain.jobs import Job
from oiap.domain.robots import SECRET_MEMBERS, AppType, Robot
from oiap.domain.rooms import Room
from oiap.services.chat_credentials import ChatCredential

_LANGUAGE_NAMES = {
    "CN": "Chinese",
    "EN": "English",
    "ESP": "Spanish",
    "por": "Portuguese",
    "Arabic": "Arabic",
    "Thai": "Thai",
    "fr": "French",
}
_ROOM_DEFAULTS: dict[str, Any] = {
    "billing_mode": "CONCURRENCY",
    "reuse_resource": False,
    "default_language": "CN",
}


def rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _voices(room: Room) -> list[dict[str, Any]]:
    voices = []
    for voice in room.document.get("voice_config_list") or []:
        item = {"speed": 100, "pitch": 100, "volume": 140, "language": "CN", **voice}
        item["language_desc"] = _LANGUAGE_NAMES.get(item["language"], item["language"])
        voices.append(item)
    return voices


def room_detail(room: Room) -> dict[str, Any]:
    # Units never set read back as null: a dialog without them cannot start a job (§5.1).
    unset = {"concurrency": None, "client_nums": None}
    body: dict[str, Any] = {"room_id": room.room_id, **_ROOM_DEFAULTS, **unset, **room.document}
    body["voice_config_list"] = _voices(room)
    resources = [
        {
            **item,
            "resource_source": "ADMIN_ALLOCATED",
            "charge_mode": "PERIODIC",
            "status": "ACTIVE",
        }
        for item in room.document.get("chat_resource_config") or []
    ]
    body.update(
        chat_resource_config=resources,
        create_time=rfc3339(room.create_time),
        update_time=rfc3339(room.update_time),
        cover_url=None,
        is_pool_mode=room.may_borrow,
    )
    return body


def room_base_info(room: Room) -> dict[str, Any]:
    doc = {**_ROOM_DEFAULTS, **room.document}
    model = room.model_asset_id
    return {
        "room_id": room.room_id,
        "room_name": room.room_name,
        "room_description": doc.get("room_description"),
        "robot_id": doc.get("robot_id"),
        "cover_url": None,
        "model_infos": (
            {"model_asset_id": model, "asset_name": model, "backup_model_asset_ids": []}
            if model
            else None
        ),
        "voice_config": doc.get("voice_config"),
        "billing_mode": doc["billing_mode"],
        "reuse_resource": doc["reuse_resource"],
        "concurrency": doc.get("concurrency"),
        "client_nums": doc.get("client_nums"),
        "voice_config_list": _voices(room),
        "default_language": doc["default_language"],
        "create_time": rfc3339(room.create_time),
        "update_time": rfc3339(room.update_time),
        "exit_mute_threshold": doc.get("exit_mute_threshold"),
    }


def robot_info(robot: Robot) -> dict[str, Any]:
    config = {k: v for k, v in robot.config().items() if k not in SECRET_MEMBERS}
    doc = robot.document
    extra: dict[str, Any] = {}
    if robot.app_type == AppType.OIAP_ACCESS_CODE:
        # RobotInfo has no member for it: the access code is shown as app_id as well.
        extra["oiap_config"] = config
    if robot.app_type == AppType.THIRD_PARTY_LLM and "system_prompt" in config:
        extra["system_prompt"] = config["system_prompt"]  # ours, as RobotInfo has no member
    return {
        "robot_id": robot.robot_id,
        "name": robot.name,
        "room_id": robot.room_id,
        "app_id": config.get("app_id") or config.get("access_code"),
        "app_type": robot.app_type,
        "app_key": config.get("app_key"),
        "robot_type": robot.robot_type,
        "language": doc.get("language"),
        "create_time": rfc3339(robot.create_time),
        "update_time": rfc3339(robot.update_time),
        "region": config.get("region"),
        "cbs_project_id": config.get("cbs_project_id"),
        "llm_url": config.get("llm_url"),
        "is_stream": config.get("is_stream"),
        "chat_rounds": config.get("chat_rounds"),
        "is_ifly_production": config.get("is_production"),
        "tail_silence_time": doc.get("tail_silence_time", 500),
        "role_id": config.get("role_id"),
        "sis_region": config.get("sis_region"),
        "sis_project_id": config.get("sis_project_id"),
        "enable_hot_words": config.get("enable_hot_words"),
        "enable_question_audit": doc.get("enable_question_audit"),
        "asr_type": config.get("asr_type"),
        "asr_account": config.get("asr_account"),
        **extra,
    }


def _room_media(room: Room) -> dict[str, Any]:
    video = room.document.get("video_config") or {}
    return {
        "chat_subtitle_config": room.document.get("chat_subtitle_config"),
        "video_config": {"width": video.get("width", 1080), "height": video.get("height", 1920)},
        "voice_config_list": _voices(room),
        "chat_video_type": room.document.get("chat_video_type"),
        "is_transparent": False,
        "default_language": room.document.get("default_language") or "CN",
    }


def job_base_info(job: Job, room: Room, now: datetime) -> dict[str, Any]:
    media = _room_media(room)
    return {
        "job_id": job.job_id,
        "state": job.state.value,
        "duration": round(job.duration(now), 3),
        "start_time": rfc3339(job.start_time),
        "end_time": rfc3339(job.end_time),
        "error_info": (
            {"error_code": job.error_code, "error_msg": job.error_msg} if job.error_code else None
        ),
        "create_time": rfc3339(job.create_time),
        "lastupdate_time": rfc3339(job.lastupdate_time),
        **media,
        "client_id": job.client_id,
        "is_pool_mode": job.lease_key.startswith("ms:pool:"),
        "job_finish_reason": job.finish_reason.value if job.finish_reason else None,
    }


def _end_users(credential: ChatCredential | None) -> list[dict[str, Any]]:
    if credential is None:
        return []
    return [
        {
            "user_type": "END_USER",
            "user_id": credential.user_id,
            "signature": credential.token,
            "ctime": int(credential.expires_at.timestamp()),
        }
    ]


_JOB_LANGUAGES = {"CN": "zh_CN", "EN": "en_US"}
"""A dialog's ``default_language`` as a job's ``LanguageEnum``: the two documented values
are spelt as locales; the enum holds the other dialog languages under their own names."""


def job_language(room: Room) -> str:
    """The job's interaction language: its dialog's ``default_language`` (spec §6.1)."""
    language = str(room.document.get("default_language") or _ROOM_DEFAULTS["default_language"])
    return _JOB_LANGUAGES.get(language, language)


def access(
    job: Job, room: Room, base_url: str, credential: ChatCredential | None = None
) -> dict[str, Any]:
    """Where the client reaches the job: ``chat_access_address`` is its chat endpoint (text
    turns, docs/metastudio.md), ``chat_access_rest_address`` the job itself. There is no RTC
    here: ``rtc_room_info`` only carries the end user's chat credential, and only in the
    start answer."""
    path = (
        f"/v1/{job.project_id}/digital-human-chat/smart-chat-rooms/{job.room_id}"
        f"/smart-chat-jobs/{job.job_id}"
    )
    rest = base_url.rstrip("/") + path
    return {
        "rtc_room_info": {
            "app_id": "openoiap",
            "room_id": job.job_id,
            "users": _end_users(credential),
        },
        "chat_access_address": rest + "/chat",
        "chat_access_rest_address": rest,
        "language": job_language(room),
        "region": "cn-north-4",
    }


def job_state(job: Job, room: Room, now: datetime, base_url: str) -> dict[str, Any]:
    return {
        **job_base_info(job, room, now),
        **access(job, room, base_url),
        "chat_state": 2 if job.live else 1,
    }


def job_started(
    job: Job, room: Room, base_url: str, credential: ChatCredential | None = None
) -> dict[str, Any]:
    located = access(job, room, base_url, credential)
    media = _room_media(room)
    return {"job_id": job.job_id, **located, **media}


def active_code_info(code: ActiveCode) -> dict[str, Any]:
    return {
        "active_code_id": code.active_code_id,
        "active_code": code.active_code,
        "robot_id": code.robot_id,
        "room_id": code.room_id,
        "valid_period": code.valid_period,
        "expire_time": rfc3339(code.expire_time),
        "create_time": rfc3339(code.create_time),
        "update_time": rfc3339(code.update_time),
    }

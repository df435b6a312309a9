"""The OIAP dialog wire format (spec §7): requests in, engine actions out as outparams.

Requests may carry ``inaction``, ``ret`` and ``flow_result_type`` as JSON numbers or strings
(the spec's samples use both); every inparams value is read as text. Responses carry ``ret``
and ``outaction`` as numbers and every outparams value as a string, as the tables type them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from oiap.engine.actions import Prompt, Query, Release, Transfer
from oiap.errors import OiapError, parameter_error
from oiap.services.dialogs import TurnOutcome, TurnRequest

INACTIONS = frozenset({7, 8, 9, 11, 12, 13})
FLOW_RESULT_TYPES = frozenset({"1", "2", "3", "4", "5", "-1"})
USERID_MAX = 64
LIMITS = {  # spec §7.6-7.10
    "call_id": 64,
    "call_sor_id": 64,
    "call_dst_id": 20,
    "real_callee": 32,
    "cti_callid": 32,
    "suilu_region_id": 64,
    "input": 1024,
    "auth_token": 512,
}
OTHER_FIELD_MAX = 4096
MANDATORY = {
    8: ("call_id", "call_sor_id", "call_dst_id"),
    9: ("call_id", "call_dst_id", "flow_result_type", "input"),
    11: ("call_id", "call_dst_id", "begin_trans", "end_trans", "trans_result"),
    12: ("call_id",),
    7: ("call_dst_id",),
    13: ("call_dst_id",),
}
CHATBOT = 3  # dialog type whose replies are text (prompt_type 3)
_FULL_PATH = re.compile(r"^(/|\\\\|[A-Za-z]:[\\/])")  # /opt/..., \\host\..., Y:/... or Y:\...


def audio_prompt_type(audio: str) -> str:
    """``0`` for a full path, played as it is; ``1`` for a file name (or a relative path),
    to which the IVR prepends its own prompt directory (spec §7.11)."""
    return "0" if _FULL_PATH.match(audio) else "1"


def language_id(language: str) -> str:
    """The ``language`` outparam (spec §7.11): ``0`` Chinese, ``1`` English. ``SYS.language``
    decides, so a flow that assigns it switches the language of every later prompt; only
    these two are defined (open point 12), so every other language is sent as ``1``."""
    return "0" if language.lower().startswith("zh") or language == "0" else "1"


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise parameter_error(where, "must be a string or a number")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fields(raw: object, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise parameter_error(where, "must be an object")
    fields: dict[str, str] = {}
    for name, value in raw.items():
        if value is None:
            continue
        text = _text(value, f"{where}.{name}")
        if len(text) > LIMITS.get(name, OTHER_FIELD_MAX):
            limit = LIMITS.get(name, OTHER_FIELD_MAX)
            raise parameter_error(f"{where}.{name}", f"is longer than {limit} characters")
        fields[name] = text
    return fields


def parse_request(body: Mapping[str, Any]) -> TurnRequest:
    userid = body.get("userid")
    if not isinstance(userid, str) or not userid or len(userid) > USERID_MAX:
        raise parameter_error("userid", f"must be a string of 1-{USERID_MAX} characters")
    raw_action = body.get("inaction")
    try:
        inaction = int(_text(raw_action, "inaction"))
    except (OiapError, ValueError):
        raise parameter_error("inaction", "must be one of 7, 8, 9, 11, 12, 13") from None
    if inaction not in INACTIONS:
        raise parameter_error("inaction", "must be one of 7, 8, 9, 11, 12, 13")
    if "inparams" not in body:
        raise parameter_error("inparams")
    inparams = _fields(body.get("inparams"), "inparams")
    extparams = _fields(body.get("extparams"), "extparams")
    for name in MANDATORY[inaction]:
        if name not in inparams or (name != "input" and not inparams[name]):
            raise parameter_error(f"inparams.{name}")
    result_type = inparams.get("flow_result_type")
    if result_type is not None and result_type not in FLOW_RESULT_TYPES:
        raise parameter_error("inparams.flow_result_type", "must be 1, 2, 3, 4, 5 or -1")
    return TurnRequest(userid=userid, inaction=inaction, inparams=inparams, extparams=extparams)


def wire_time(iso: str | None) -> str:
    """Times as the spec's samples write them: ``yyyyMMddHH:mm:ss``."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%Y%m%d%H:%M:%S")


def model_type(prompt: Prompt) -> str:
    """The seven digits ``ABCDDEF`` of spec §7.12."""
    prefix = prompt.mode.model_type_prefix
    if not prompt.mode.collects_dtmf:
        return prefix + "0000"
    star = "0"
    hash_confirms = "1" if prompt.terminator == "#" else "0"
    return f"{prefix}{min(prompt.max_digits, 99):02d}{star}{hash_confirms}"


def render(outcome: TurnOutcome) -> dict[str, Any]:
    action, s = outcome.action, outcome.state
    params: dict[str, str] = {"call_id": s.userid}
    if isinstance(action, Prompt):
        outaction = 9
        if action.audio:
            params.update(prompt_type=audio_prompt_type(action.audio), prompt_wav=action.audio)
        else:
            params["prompt_type"] = "3" if s.dialog_type == CHATBOT else "2"
        params.update(
            prompt_text=action.text,
            language=language_id(s.system.get("language") or s.language),
            inter_idx=str(s.inter_idx),
            model_type=model_type(action),
        )
        if action.timeout is not None:
            params["timeout"] = str(action.timeout)
    elif isinstance(action, Transfer):
        outaction = 11
        params.update(
            call_sor_id=s.calling,
            trans_type=str(action.trans_type),
            route_value=action.route,
            inter_idx=str(s.inter_idx),
            trans_idx=str(s.trans_idx),
        )
        if action.data:
            params["trans_data"] = action.data
    elif isinstance(action, Query):
        outaction = 12
        params.update(prompt_type=action.prompt_type, moduleName=action.module_name)
        params["inter_idx"] = str(s.inter_idx)
        if action.skill_id:
            params["skill_id"] = action.skill_id
    else:
        assert isinstance(action, Release)
        outaction = 10
        params.update(
            call_sor_id=s.calling,
            call_dst_id=outcome.called,
            start_time=wire_time(s.started_at),
            end_time=wire_time(s.ended_at),
            release_reason=action.reason,
        )
        for name in ("entrance_id", "suilu_region_id"):
            if s.system.get(name):
                params[name] = s.system[name]
    return {"ret": 0, "userid": s.userid, "outaction": outaction, "outparams": params}


def side_response(request: TurnRequest) -> dict[str, Any]:
    """``inaction`` 7 and 13: there is no capture system here, so recording is acknowledged
    and no recognition result is ever pending (spec §7.9, §7.10)."""
    call_id = request.inparams.get("call_id", request.userid)
    if request.inaction == 7:
        return {"ret": 0, "userid": request.userid, "outaction": 7, "outparams": {}}
    return {
        "ret": 0,
        "userid": request.userid,
        "outaction": 13,
        "outparams": {"call_id": call_id, "recognize_type": "0"},
    }


def error_body(userid: object, error: OiapError) -> dict[str, Any]:
    return {
        "ret": error.error.code,
        "userid": userid if isinstance(userid, str) else "",
        "errorCode": error.error.code,
        "errorMsg": error.text,
        "outparams": {},
    }

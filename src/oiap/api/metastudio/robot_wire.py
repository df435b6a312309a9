"""Application (robot) wire models (spec §8.2)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

Int0To32 = Annotated[StrictInt, Field(ge=0, le=32)]
Int1To10 = Annotated[StrictInt, Field(ge=1, le=10)]
Int0To3000 = Annotated[StrictInt, Field(ge=0, le=3000)]
Str0To256 = Annotated[StrictStr, Field(max_length=256)]
Str0To2048 = Annotated[StrictStr, Field(max_length=2048)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SpeechRecognition(Wire):
    sis_region: Int0To32 | None = None
    sis_project_id: Str0To256 | None = None
    enable_hot_words: StrictBool | None = None


class HuaweiEiCbs(SpeechRecognition):
    app_id: Str0To256 | None = None
    region: Int0To32 | None = None
    cbs_project_id: Str0To256 | None = None


class IflytekConfig(Wire):
    app_id: Str0To256 | None = None
    app_key: Str0To256 | None = None
    api_secret: Str0To256 | None = None
    is_production: StrictBool | None = None


class ThirdPartyModelConfig(SpeechRecognition):
    app_id: Str0To256 | None = None
    app_key: Str0To2048 | None = None
    llm_url: Str0To2048 | None = None
    is_stream: StrictBool | None = None
    chat_rounds: Int1To10 | None = None
    asr_type: Literal["EI_SIS", "MOBVOI"] | None = None
    asr_account: Str0To256 | None = None
    asr_secret: Str0To256 | None = None
    system_prompt: Annotated[StrictStr, Field(max_length=8192)] | None = None
    """Ours: sent to the model as the system message of every chat turn."""


class MobvoiConfig(SpeechRecognition):
    app_key: Str0To256 | None = None
    app_secret: Str0To256 | None = None
    role_id: Str0To256 | None = None


class WiseBrainConfig(SpeechRecognition):
    role_id: Str0To256 | None = None


class OiapConfig(Wire):
    """Ours (``app_type`` 30): the tenant's OIAP access code whose flow answers."""

    access_code: Annotated[StrictStr, Field(min_length=1, max_length=64)] | None = None


class RobotConfigs(Wire):
    huawei_ei_cbs: HuaweiEiCbs | None = None
    iflytek_aiui_config: IflytekConfig | None = None
    iflytek_spark: IflytekConfig | None = None
    third_party_model_config: ThirdPartyModelConfig | None = None
    mobvoi_config: MobvoiConfig | None = None
    wise_brain_config: WiseBrainConfig | None = None
    oiap_config: OiapConfig | None = None


class RobotFields(RobotConfigs):
    room_id: Annotated[StrictStr, Field(max_length=64)] | None = None
    robot_type: Literal["LIVE", "CHAT"] | None = None
    language: Literal["CN", "EN", "zh_CN", "en_US"] | None = None
    tail_silence_time: Int0To3000 | None = None
    enable_question_audit: StrictBool | None = None


class CreateRobot(RobotFields):
    name: Annotated[StrictStr, Field(min_length=1, max_length=256)]
    app_type: Int0To32


class UpdateRobot(RobotFields):
    name: Annotated[StrictStr, Field(min_length=1, max_length=256)] | None = None
    app_type: Int0To32 | None = None


class ValidateRobot(RobotConfigs):
    app_type: Int0To32

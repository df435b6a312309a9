"""Applications ("robots"): the question-answering back end behind a dialog (spec §8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any


class AppType(IntEnum):
    IFLYTEK_AIUI = 0
    HUAWEI_CBS = 1
    IFLYTEK_SPARK = 2
    THIRD_PARTY_DRIVING = 5
    THIRD_PARTY_LLM = 6
    WISE_BRAIN = 7
    MOBVOI = 8
    OIAP_ACCESS_CODE = 30
    """Ours: the platform's own flows answer, through one of the tenant's access codes."""


STARTABLE = frozenset(
    {AppType.THIRD_PARTY_DRIVING, AppType.THIRD_PARTY_LLM, AppType.OIAP_ACCESS_CODE}
)
"""Types whose back end this platform can reach; the others are stored but cannot start."""

CONFIG_MEMBER = {
    AppType.IFLYTEK_AIUI: "iflytek_aiui_config",
    AppType.HUAWEI_CBS: "huawei_ei_cbs",
    AppType.IFLYTEK_SPARK: "iflytek_spark",
    AppType.THIRD_PARTY_LLM: "third_party_model_config",
    AppType.WISE_BRAIN: "wise_brain_config",
    AppType.MOBVOI: "mobvoi_config",
    AppType.OIAP_ACCESS_CODE: "oiap_config",
}

SECRET_MEMBERS = frozenset({"api_secret", "app_secret", "asr_secret"})


@dataclass(frozen=True)
class Robot:
    robot_id: str
    project_id: str
    name: str
    app_type: int
    create_time: datetime
    update_time: datetime
    document: dict[str, Any]
    """Every writable attribute (spec §8.2) the client set, secrets included."""

    @property
    def room_id(self) -> str | None:
        value = self.document.get("room_id")
        return str(value) if value else None

    @property
    def robot_type(self) -> str | None:
        value = self.document.get("robot_type")
        return str(value) if value else None

    def config(self) -> dict[str, Any]:
        """The config object of the application's own type (empty when absent)."""
        try:
            member = CONFIG_MEMBER[AppType(self.app_type)]
        except (ValueError, KeyError):
            return {}
        value = self.document.get(member)
        return dict(value) if isinstance(value, dict) else {}


def known_type(app_type: int) -> AppType | None:
    try:
        return AppType(app_type)
    except ValueError:
        return None

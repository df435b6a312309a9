"""One-time codes and activation codes that unlock the hosted dialog page (spec §9)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

_CODE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"


@dataclass(frozen=True)
class ActiveCode:
    active_code_id: str
    project_id: str
    robot_id: str
    room_id: str
    active_code: str
    valid_period: int
    """Days the code stays valid; 0 means it never expires."""
    create_time: datetime
    update_time: datetime

    @property
    def expire_time(self) -> datetime | None:
        if self.valid_period == 0:
            return None
        return self.create_time + timedelta(days=self.valid_period)


def new_active_code() -> str:
    # Easy to read aloud and type: no 0/O or 1/I.
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def new_once_code() -> str:
    return secrets.token_hex(6)

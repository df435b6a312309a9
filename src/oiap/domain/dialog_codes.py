"""One-time codes and activation codes that unlock the hosted dialog page (spec §9)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

_CODE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
ACTIVE_CODE_LENGTH = 6
ACTIVE_CODE_FORM = "6 characters: letters A-Z other than I and O, and digits 2-9"
"""How every activation code looks, as an end user is told when typing something else."""
ONCE_CODE_LENGTH = 12
ONCE_CODE_FORM = "12 characters: digits 0-9 and letters a-f"

MAX_VALID_PERIOD = 65535
"""Days (spec §9); 0 means the code never expires."""

ONCE_CODE_SECONDS = 300.0
"""How long an unused one-time code lives (spec §12 item 19: our choice)."""


@dataclass(frozen=True)
class ActiveCode:
    active_code_id: str
    project_id: str
    robot_id: str
    room_id: str
    active_code: str
    valid_period: int
    """Days the code stays valid, counted from ``create_time``; 0 means it never expires."""
    create_time: datetime
    update_time: datetime

    @property
    def expire_time(self) -> datetime | None:
        if self.valid_period == 0:
            return None
        return self.create_time + timedelta(days=self.valid_period)

    def expired(self, now: datetime) -> bool:
        expiry = self.expire_time
        return expiry is not None and now >= expiry

    def with_period(self, valid_period: int, now: datetime) -> ActiveCode:
        """A new validity, still counted from the code's creation."""
        return replace(self, valid_period=valid_period, update_time=now)

    def reset(self, now: datetime) -> ActiveCode:
        """A fresh code in place of one that leaked; the validity does not restart."""
        code = new_active_code()
        while code == self.active_code:
            code = new_active_code()
        return replace(self, active_code=code, update_time=now)


def new_active_code() -> str:
    # Easy to read aloud and type: no 0/O or 1/I.
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def new_once_code() -> str:
    return secrets.token_hex(ONCE_CODE_LENGTH // 2)


def is_active_code_form(value: str) -> bool:
    """Whether ``value`` (already upper-cased) could be an activation code at all.

    Every code ever minted has this form, so anything else (an OIAP access code such as
    4001, a mistyped 0 or 1) is refused as a typing slip, not counted as a guess."""
    return len(value) == ACTIVE_CODE_LENGTH and all(c in _CODE_ALPHABET for c in value)


def is_once_code_form(value: str) -> bool:
    """Whether ``value`` (already lower-cased) could be a one-time code at all."""
    return len(value) == ONCE_CODE_LENGTH and all(c in string.hexdigits.lower() for c in value)

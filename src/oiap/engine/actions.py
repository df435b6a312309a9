"""What the dialog engine asks the access party to do next.

These are the engine's own words; ``api/oiap/dialog_wire.py`` turns them into the
``outaction``/``outparams`` of the OIAP wire format, so another channel needs only another
renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from oiap.domain.flows import ReplyMode


@dataclass(frozen=True)
class Prompt:
    """Play (or show) a text or audio and, by ``mode``, collect speech, keys or both."""

    text: str
    mode: ReplyMode
    timeout: int | None = None  # seconds after playback; None when nothing is collected
    max_digits: int = 0
    terminator: str = ""  # "#" confirms the digits
    audio: str | None = None


@dataclass(frozen=True)
class Transfer:
    trans_type: int
    route: str
    data: str = ""


@dataclass(frozen=True)
class Query:
    """Ask the access party for queue information (spec §7.15)."""

    prompt_type: str
    skill_id: str | None = None
    module_name: str = ""


class ReleaseReason:
    NORMAL = "0"
    EXCEPTION = "1"


@dataclass(frozen=True)
class Release:
    reason: str = ReleaseReason.NORMAL


Action = Prompt | Transfer | Query | Release

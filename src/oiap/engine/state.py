"""The record of one live dialog: small, plain and serialisable, so any worker can continue it.

The state is written to the session store after every turn and read before the next, as a
JSON document; nothing in it refers to code or to objects outside the dialog.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import orjson

NAMESPACES = ("FLOW", "GLOBAL", "TOC", "IVRREQUEST")
_STANDARD_MARK = b" "
"""Leads a state written by the standard library, to be read back by it (see to_json)."""


@dataclass
class DialogState:
    tenant_id: str
    userid: str
    access_code: str
    dialog_type: int
    calling: str  # call_sor_id
    language: str  # the bot's language, e.g. "en_US"
    started_at: str  # ISO 8601, UTC
    flow: str  # code of the flow now running
    versions: dict[str, int] = field(default_factory=dict)  # every flow entered, pinned
    node: str | None = None  # the node waiting for the access party
    waiting: int | None = None  # the outaction last answered (9, 11, 12), 10 once ended
    variables: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {name: {} for name in NAMESPACES}
    )
    system: dict[str, str] = field(default_factory=dict)  # the fixed SYS.* values
    timeouts: int = 0
    nomatches: int = 0
    errors: int = 0  # timeouts + no-matches since the last error-count clearance
    menu_failures: int = 0
    inter_idx: int = 0
    trans_idx: int = 0
    pending: str | None = None  # "timeout"/"nomatch" handed on to the next recognition node
    ended: bool = False
    release_reason: str = "0"
    ended_at: str | None = None
    transferred: bool = False
    last: dict[str, Any] | None = None  # the last request's fingerprint and outcome, for replay

    def to_json(self) -> bytes:
        # Every field is already plain JSON data, so the instance dict serialises as it is.
        # Written and read on every turn: orjson, with the standard library for what it
        # refuses (lone surrogates from escaped input, integers wider than 64 bits). orjson
        # would read such integers back as floats, silently: the standard library's text
        # starts with a space (still JSON) so that it is read back by the standard library.
        try:
            return orjson.dumps(vars(self))
        except orjson.JSONEncodeError:
            return _STANDARD_MARK + json.dumps(vars(self), separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> DialogState:
        if raw.startswith(_STANDARD_MARK):
            return cls(**json.loads(raw))
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            data = json.loads(raw)
        return cls(**data)

    @property
    def version(self) -> int:
        return self.versions[self.flow]

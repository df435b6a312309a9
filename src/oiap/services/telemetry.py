"""What the dialog path tells the operator: meters and the facts of the request being served.

The services and adapters report here through small protocols; nothing is measured until an
adapter (adapters/metrics.py) installs real meters, so a test or a CLI command that builds a
service pays one no-op call per measurement. The turn path only ever indexes a prepared dict
and calls ``observe`` or ``inc``: no label lookup, no string built per turn.
"""

from __future__ import annotations

import dataclasses
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

OUTACTIONS = (9, 10, 11, 12)
INTERFACE_OUTCOMES = ("ok", "error", "timeout", "refused")
STORE_OPERATIONS = ("lock_read", "write_release", "command")


class Observer(Protocol):
    def observe(self, amount: float) -> None: ...


class Counter(Protocol):
    def inc(self, amount: float = 1) -> None: ...


class Level(Protocol):
    def set(self, value: float) -> None: ...


class _Quiet:
    def observe(self, amount: float) -> None:
        pass

    def inc(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass


QUIET = _Quiet()


class LiveDialogs:
    """An estimate of the dialogs in progress: those started in the last ``window`` seconds
    (the dialog TTL) that have not ended since.

    Starts are counted per slot of wall-clock time; an end is subtracted from the slot of its
    dialog's start, so a dialog that started before the window and ends now changes nothing.
    A worker counts what it saw: a dialog started on one worker and ended on another leaves
    +1 on the first and -1 on the second, and the sum over workers is right. It misses calls
    longer than the window and counts, until the window passes, calls abandoned without a
    final request (a hang-up the IVR never sent).
    """

    def __init__(self, window: float = 1800.0, slots: int = 30) -> None:
        self.window = window
        self.slot = window / slots
        self._counts: dict[int, int] = {}

    def started(self, at: float) -> None:
        key = int(at // self.slot)
        self._counts[key] = self._counts.get(key, 0) + 1
        self._prune(at)

    def ended(self, started_at: float, now: float) -> None:
        if now - started_at > self.window or started_at > now:
            return
        key = int(started_at // self.slot)
        self._counts[key] = self._counts.get(key, 0) - 1

    def count(self, now: float) -> int:
        self._prune(now)
        return sum(self._counts.values())

    def _prune(self, now: float) -> None:
        oldest = int((now - self.window) // self.slot) + 1
        for key in [k for k in self._counts if k < oldest]:
            del self._counts[key]


@dataclass
class Meters:
    """Every measurement the services and adapters make; prepared per label value."""

    turn_seconds: dict[int, Observer] = field(default_factory=dict)  # by outaction
    nlu_predict_seconds: Observer = QUIET
    interface_calls: dict[str, Counter] = field(default_factory=dict)  # by outcome
    interface_seconds: Observer = QUIET
    session_store_seconds: dict[str, Observer] = field(default_factory=dict)  # by operation
    lock_wait_seconds: Observer = QUIET  # only waits for a lock someone else held
    lock_timeouts: Counter = QUIET
    records_waiting: Level = QUIET
    dialogs_started: Counter = QUIET
    dialogs_ended: Counter = QUIET
    dialogs_live: Level = QUIET
    live: LiveDialogs = field(default_factory=LiveDialogs)
    log_caller_input: bool = False
    enabled: bool = False

    def __post_init__(self) -> None:
        for action in OUTACTIONS:
            self.turn_seconds.setdefault(action, QUIET)
        for outcome in INTERFACE_OUTCOMES:
            self.interface_calls.setdefault(outcome, QUIET)
        for operation in STORE_OPERATIONS:
            self.session_store_seconds.setdefault(operation, QUIET)

    def replace_with(self, other: Meters) -> None:
        """Take ``other``'s meters in place, so every module holding ``meters`` sees them."""
        for item in dataclasses.fields(self):
            setattr(self, item.name, getattr(other, item.name))


meters = Meters()


# -- dialogs started and ended --------------------------------------------------------------


def dialog_started() -> None:
    meters.dialogs_started.inc()
    meters.live.started(time.time())
    meters.dialogs_live.set(meters.live.count(time.time()))


def dialog_ended(started_at: str) -> None:
    """``started_at``: the dialog's ISO start time (DialogState.started_at)."""
    meters.dialogs_ended.inc()
    try:
        began = datetime.fromisoformat(started_at).timestamp()
    except ValueError:
        return
    now = time.time()
    meters.live.ended(began, now)
    meters.dialogs_live.set(meters.live.count(now))


# -- the request being served ---------------------------------------------------------------


@dataclass
class RequestFacts:
    """What the request log line says beyond method, route and status; filled on the way."""

    request_id: str = ""
    tenant: str = ""
    caller_input: str | None = None


current_request: ContextVar[RequestFacts | None] = ContextVar("oiap_request", default=None)


def note_tenant(tenant_id: str) -> None:
    facts = current_request.get()
    if facts is not None:
        facts.tenant = tenant_id


def note_caller_input(text: str | None) -> None:
    """Kept for the log line only when the operator asked for it (OIAP_LOG_CALLER_INPUT=1):
    what a caller says can hold card numbers, names, health details."""
    if meters.log_caller_input:
        facts = current_request.get()
        if facts is not None:
            facts.caller_input = text

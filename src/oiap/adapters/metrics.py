"""The operator's Prometheus metrics: defined once per process, rendered by ``GET /metrics``.

With several workers (``oiap serve --workers N``) every worker writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` (set up by the serve command, adapters/metrics_folder.py) and
the worker answering a scrape adds up every worker's files. Labels are closed sets (route
family, status class, outaction, outcome, operation, statement kind): never a path with ids,
a tenant or anything a caller said. docs/operations.md ("Metrics and logs") lists them.
"""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine

from oiap.services import telemetry

CONTENT_TYPE = CONTENT_TYPE_LATEST
ROUTE_FAMILIES = ("dialog", "oiap-management", "management", "metastudio", "console", "other")
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
STATEMENTS = ("select", "insert", "update", "delete", "other")

# Turns and requests from a millisecond to the 20 s turn budget; the store, the database
# and NLU prediction from a tenth of a millisecond.
SLOW = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)
FAST = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)

REQUESTS = Counter(
    "oiap_http_requests",
    "HTTP requests answered, by route family and status class.",
    ["family", "status"],
)
REQUEST_SECONDS = Histogram(
    "oiap_http_request_duration_seconds",
    "Time to answer an HTTP request, by route family.",
    ["family"],
    buckets=SLOW,
)
TURN_SECONDS = Histogram(
    "oiap_turn_duration_seconds",
    "Time a dialog turn took in the service (lock, step, write), by the outaction answered.",
    ["outaction"],
    buckets=SLOW,
)
NLU_SECONDS = Histogram(
    "oiap_nlu_predict_duration_seconds",
    "Time an intent model took to classify one utterance in a dialog.",
    buckets=FAST,
)
INTERFACE_CALLS = Counter(
    "oiap_interface_calls",
    "Business-interface calls, by outcome (ok, error, timeout, refused by the egress policy).",
    ["outcome"],
)
INTERFACE_SECONDS = Histogram(
    "oiap_interface_call_duration_seconds",
    "Time a business-interface call took, whatever its outcome.",
    buckets=SLOW,
)
STORE_SECONDS = Histogram(
    "oiap_session_store_duration_seconds",
    "Session-store latency: a dialog's lock and read, its write and release, other commands.",
    ["operation"],
    buckets=FAST,
)
DATABASE_SECONDS = Histogram(
    "oiap_database_duration_seconds",
    "Time one SQL statement took, by kind of statement.",
    ["statement"],
    buckets=FAST,
)
LOCK_WAIT_SECONDS = Histogram(
    "oiap_lock_wait_duration_seconds",
    "Time a request waited for a lock another request held (a dialog's, mostly).",
    buckets=SLOW,
)
LOCK_TIMEOUTS = Counter(
    "oiap_lock_timeouts", "Requests that gave up waiting for a lock (answered busy)."
)
RECORDS_WAITING = Gauge(
    "oiap_turn_records_waiting",
    "Turn records held in the workers' memory, not yet written to the database.",
    multiprocess_mode="livesum",
)
DIALOGS_STARTED = Counter("oiap_dialogs_started", "Dialogs started (inaction 8).")
DIALOGS_ENDED = Counter(
    "oiap_dialogs_ended", "Dialogs ended (released, transferred away, hung up)."
)
DIALOGS_LIVE = Gauge(
    "oiap_dialogs_live",
    "Estimate of dialogs in progress: started within the dialog TTL and not ended since.",
    multiprocess_mode="livesum",
)

_installed = False


def install(*, dialog_ttl: float, log_caller_input: bool) -> None:
    """Points the services' meters at these metrics (once per process) and times SQL."""
    global _installed
    telemetry.meters.log_caller_input = log_caller_input
    if _installed:
        return
    _installed = True
    telemetry.meters.replace_with(
        telemetry.Meters(
            turn_seconds={a: TURN_SECONDS.labels(str(a)) for a in telemetry.OUTACTIONS},
            nlu_predict_seconds=NLU_SECONDS,
            interface_calls={o: INTERFACE_CALLS.labels(o) for o in telemetry.INTERFACE_OUTCOMES},
            interface_seconds=INTERFACE_SECONDS,
            session_store_seconds={o: STORE_SECONDS.labels(o) for o in telemetry.STORE_OPERATIONS},
            lock_wait_seconds=LOCK_WAIT_SECONDS,
            lock_timeouts=LOCK_TIMEOUTS,
            records_waiting=RECORDS_WAITING,
            dialogs_started=DIALOGS_STARTED,
            dialogs_ended=DIALOGS_ENDED,
            dialogs_live=DIALOGS_LIVE,
            live=telemetry.LiveDialogs(window=dialog_ttl),
            log_caller_input=log_caller_input,
            enabled=True,
        )
    )
    for statement in STATEMENTS:
        DATABASE_SECONDS.labels(statement)
    _time_sql()


def refresh_live_dialogs() -> None:
    """The estimate's window moves on without traffic; called every few seconds."""
    DIALOGS_LIVE.set(telemetry.meters.live.count(time.time()))


def request_meters() -> dict[tuple[str, int], Any]:
    """(family, first digit of the status) -> its counter; the histograms by family."""
    counters: dict[tuple[str, int], Any] = {}
    for family in ROUTE_FAMILIES:
        for digit, status in enumerate(STATUS_CLASSES, start=1):
            counters[family, digit] = REQUESTS.labels(family, status)
        counters[family, 0] = REQUEST_SECONDS.labels(family)
    return counters


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def worker_stopped() -> None:
    """Drops this worker's live gauges from the sum (its counters stay counted)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


# -- SQL ------------------------------------------------------------------------------------

_STARTED = "oiap_metrics_started"


def _time_sql() -> None:
    # Listening on the Engine class reaches every engine, the async ones' included, without
    # a hook in adapters/sql/database.py.
    event.listen(Engine, "before_cursor_execute", _before)
    event.listen(Engine, "after_cursor_execute", _after)
    event.listen(Engine, "handle_error", _failed)
    for statement in STATEMENTS:
        _DATABASE[statement] = DATABASE_SECONDS.labels(statement)


_DATABASE: dict[str, Any] = {}


def _before(
    conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
) -> None:
    if context is not None:
        setattr(context, _STARTED, time.perf_counter())


def _after(
    _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
) -> None:
    _observe(statement, context)


def _failed(exception_context: Any) -> None:
    _observe(exception_context.statement or "", exception_context.execution_context)


def _observe(statement: str, context: Any) -> None:
    began = getattr(context, _STARTED, None) if context is not None else None
    if began is None:
        return
    setattr(context, _STARTED, None)
    kind = statement.lstrip()[:6].lower()
    meter = _DATABASE.get(kind) or _DATABASE["other"]
    meter.observe(time.perf_counter() - began)

"""The ``oiap`` command starts without the server, the database or the NLU stack.

Each of these took its share of the 1.7 s that every command, ``--help`` included, used to
spend importing. They load inside the commands that use them; these tests keep them there.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oiap.cli.chat import DEFAULT_CALLING, DEFAULT_URL, server_url
from oiap.cli.nlu import BACKEND_NAMES

# Loaded only by the commands that need them: the NLU stack, the database, the web server,
# the HTTP client, YAML, the event loop. (pydantic is not listed: typer itself loads it to
# parse a command's options.)
NOT_AT_START = (
    "sklearn",
    "scipy",
    "numpy",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "uvicorn",
    "httpx",
    "yaml",
    "asyncio",
)

SHOW_HELP_AND_LIST_MODULES = """
import json, sys
sys.argv = ["oiap", *json.loads(sys.argv[1])]
from oiap.cli import main
try:
    main()
except SystemExit:
    pass
top = sorted({name.partition(".")[0] for name in sys.modules})
print("\\nMODULES " + json.dumps(top))
"""


def _modules_after(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", SHOW_HELP_AND_LIST_MODULES, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "Usage:" in done.stdout, done.stdout + done.stderr
    listed = done.stdout.rsplit("\nMODULES ", 1)[1]
    return set(json.loads(listed))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("tenant", "--help"),
        ("bot", "test", "--help"),
        ("chat", "--help"),
        ("nlu", "predict", "--help"),
        ("serve", "--help"),
    ],
)
def test_help_loads_no_heavy_module(args: tuple[str, ...]) -> None:
    loaded = _modules_after(*args)
    assert loaded.isdisjoint(NOT_AT_START), sorted(loaded & set(NOT_AT_START))


def test_the_help_texts_name_what_the_heavy_modules_define() -> None:
    # Duplicated so that the help text needs neither module; kept equal here.
    from oiap.nlu import BACKENDS
    from oiap.services.conversation_tests import DEFAULT_CALLING as TESTS_CALLING

    assert BACKEND_NAMES == BACKENDS
    assert DEFAULT_CALLING == TESTS_CALLING


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8080, DEFAULT_URL),
        ("127.0.0.2", 9000, "http://127.0.0.2:9000"),
        ("0.0.0.0", 8081, "http://127.0.0.1:8081"),  # listening everywhere: dial loopback
        ("::", 8082, "http://[::1]:8082"),
        ("::1", 8083, "http://[::1]:8083"),
        ("localhost", 8084, "http://localhost:8084"),
    ],
)
def test_chat_dials_where_serve_listens(host: str, port: int, url: str) -> None:
    assert server_url(host, port) == url

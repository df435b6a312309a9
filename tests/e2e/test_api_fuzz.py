"""Generated requests against every documented operation of a running server: whatever
the body, path or query, the answer is a documented error, never a 500 or a stack trace.

Schemathesis reads the server's own /openapi.json, so an operation added later is fuzzed
too. The tenant behind the token has the example bot published, so names in paths often
hit real flows, domains and interfaces."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import harness
import pytest

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
EXAMPLE = harness.REPO / "examples" / "bank-hotline"
EXAMPLES_PER_OPERATION = 25


@pytest.mark.parametrize("db_kind", ["sqlite", "postgresql"])
def test_no_generated_request_gets_a_server_error(
    db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp(f"fuzz-{db_kind}")
    with harness.database(db_kind, tmp) as db_url:
        env = harness.oiap_env(database_url=db_url, session_store=harness.session_store("redis"))
        harness.run_cli("db", "upgrade", env=env)
        tenant = harness.cli_json("tenant", "create", "Fuzzed", env=env)
        harness.run_cli(
            "bot", "push", str(EXAMPLE), "--tenant", tenant["tenantId"], "--publish", env=env
        )
        log = tmp / "server.log"
        with harness.Server(env, log=log) as server:
            token = harness.token(server.url, tenant["appKey"], tenant["appSecret"])
            run = subprocess.run(
                [
                    str(SCHEMATHESIS),
                    "run",
                    server.url + "/openapi.json",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--header",  # else generated, and a wrong tenant is refused before the body
                    f"tenantId: {tenant['tenantId']}",
                    "--checks",
                    "not_a_server_error",
                    "--max-examples",
                    str(EXAMPLES_PER_OPERATION),
                    "--seed",
                    "20261121",
                    "--workers",
                    "1",
                ],
                capture_output=True,
                text=True,
                timeout=900,
            )
    tail = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, tail
    assert "passed" in run.stdout
    assert "Traceback" not in log.read_text(), log.read_text()[-4000:]

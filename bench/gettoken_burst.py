"""Dialog latency while clients fetch tokens: secret checks (scrypt) must not stall turns.

    .venv/bin/python bench/gettoken_burst.py [--rate 32] [--calls 16] [--seconds 10]
        [--store redis://127.0.0.1:6379/0]

Starts ``oiap serve`` (one worker, a scratch SQLite database, the demo bank hotline as in
bench/turns.py) and runs ``--calls`` simulated IVR calls whose callers pause
``--think-ms`` between turns, so turns arrive at a steady rate well below saturation. First
for ``--seconds`` alone, then as long again while ``--rate`` ``gettoken`` requests a second
(the right secret, so each costs a full scrypt check) arrive on their own schedule. Prints
dialog-turn p50/p99 for both runs; the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from turns import (
    Connection,
    cpu_model,
    ivr_call,
    oiap,
    percentile,
    prepare_bot,
    run_load,
    wait_healthy,
)

GETTOKEN = "/oifde/rest/api/gettoken"


async def token_burst(
    port: int, rate: float, seconds: float, credentials: dict[str, str]
) -> list[float]:
    """``rate`` gettoken a second for ``seconds``, each sent on schedule whether or not the
    previous ones were answered (clients do not wait for each other)."""
    latencies: list[float] = []
    idle: list[Connection] = []

    async def one() -> None:
        conn = idle.pop() if idle else await Connection.open(port)
        began = time.perf_counter()
        status, answer = await conn.post(GETTOKEN, credentials)
        latencies.append((time.perf_counter() - began) * 1000)
        if status != 200:
            raise SystemExit(f"gettoken answered {status}: {answer}")
        idle.append(conn)

    sent: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        sent.append(asyncio.create_task(one()))
    await asyncio.gather(*sent)
    for conn in idle:
        conn.close()
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=32.0, help="gettoken requests a second")
    parser.add_argument("--calls", type=int, default=16, help="concurrent calls")
    parser.add_argument("--think-ms", type=float, default=200.0, help="mean pause between turns")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--store", default="memory", help="memory or redis://host:port/db")
    parser.add_argument("--port", type=int, default=8198)
    parser.add_argument("--server-log", type=Path, help="where the server's output goes")
    parser.add_argument(
        "--secret-check-concurrency", type=int, help="OIAP_SECRET_CHECK_CONCURRENCY (default 2)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OIAP_")}
        env.update(
            OIAP_DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            OIAP_SESSION_STORE=args.store,
            OIAP_DEMO="1",
            OIAP_TOKEN_TTL="86400",
        )
        if args.secret_check_concurrency:
            env["OIAP_SECRET_CHECK_CONCURRENCY"] = str(args.secret_check_concurrency)
        created = json.loads(oiap("tenant", "create", "Bench", "--json", env=env))
        bot = str(prepare_bot(Path(tmp) / "bot"))
        oiap("bot", "push", bot, "--tenant", created["tenantId"], "--publish", env=env)
        log = open(args.server_log, "wb") if args.server_log else subprocess.DEVNULL  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, "-m", "oiap.cli", "serve", "--port", str(args.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        credentials = {"appKey": created["appKey"], "appSecret": created["appSecret"]}
        think = args.think_ms / 1000
        try:
            await wait_healthy(args.port, server)
            conn = await Connection.open(args.port)
            _, granted = await conn.post(GETTOKEN, credentials)
            conn.close()
            token = granted["authToken"]
            # Warm up: compile the release, load the model, start the secret-check threads.
            await run_load(args.port, 4, 1.0, ivr_call(token))
            await token_burst(args.port, 4, 1.0, credentials)
            quiet_rate, quiet = await run_load(
                args.port, args.calls, args.seconds, ivr_call(token, think), stagger=think
            )
            dialogs = run_load(
                args.port, args.calls, args.seconds, ivr_call(token, think), stagger=think
            )
            (busy_rate, busy), tokens = await asyncio.gather(
                dialogs, token_burst(args.port, args.rate, args.seconds, credentials)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    figures = {
        "quiet_p50_ms": round(statistics.median(quiet), 2),
        "quiet_p99_ms": round(percentile(quiet, 0.99), 2),
        "burst_p50_ms": round(statistics.median(busy), 2),
        "burst_p99_ms": round(percentile(busy, 0.99), 2),
        "gettoken_per_s": args.rate,
        "gettoken_p50_ms": round(statistics.median(tokens), 2),
        "gettoken_p99_ms": round(percentile(tokens, 0.99), 2),
    }
    print(f"machine: {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    checks = args.secret_check_concurrency or "default"
    print(f"server: one worker, SQLite, session store {args.store}, secret checks {checks}")
    print(f"{args.calls} calls, callers pausing {args.think_ms:g} ms, {args.seconds:g} s per run")
    print(
        f"dialog turns alone:              {quiet_rate}/s, "
        f"p50 {figures['quiet_p50_ms']:.2f} ms, p99 {figures['quiet_p99_ms']:.2f} ms"
    )
    print(
        f"dialog turns, {args.rate:g} gettoken/s: {busy_rate}/s, "
        f"p50 {figures['burst_p50_ms']:.2f} ms, p99 {figures['burst_p99_ms']:.2f} ms"
    )
    print(
        f"gettoken: p50 {figures['gettoken_p50_ms']:.2f} ms, "
        f"p99 {figures['gettoken_p99_ms']:.2f} ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())

"""Dialog turns per second through a real server, against a JSON echo on the same stack.

    .venv/bin/python bench/turns.py [--calls 64] [--seconds 10] [--store redis://127.0.0.1:6379/0]

Starts ``oiap serve`` (one worker, a scratch SQLite database, the demo bank hotline with its
opening hours widened so every call gets the same path), then runs ``--calls`` simulated IVR
calls at once, each: initialise, playback finished, menu key 9, one spoken intent ("I lost my
card", answered with a transfer), transfer succeeded, closing hang-up: six requests per call,
calls repeated until ``--seconds`` pass. Then the same concurrency against the demo echo
endpoint. The client is a minimal keep-alive HTTP/1.1 client on asyncio streams so that it
costs little next to the server. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RANDOM = random.Random(20261121)  # the same pauses in every run
EXAMPLE = REPO / "examples" / "bank-hotline"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


Timed = Callable[["Connection", str, dict[str, Any]], Awaitable[dict[str, Any]]]
CallScript = Callable[["Connection", int, Timed], Awaitable[int]]


class Connection:
    """One keep-alive HTTP/1.1 connection: POST JSON, read the JSON answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        ).encode()
        self.writer.write(head + data)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return status, json.loads(payload)

    def close(self) -> None:
        self.writer.close()


def prepare_bot(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("tests"))
    flow = target / "flows" / "hotline.yaml"
    flow.write_text(
        flow.read_text().replace(
            'days: [mon, tue, wed, thu, fri]\n          from: "08:00"\n          to: "20:00"',
            'days: [mon, tue, wed, thu, fri, sat, sun]\n          from: "00:00"\n'
            '          to: "23:59"',
        )
    )
    return target


def oiap(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "oiap.cli", *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"oiap {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


async def wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited")
        try:
            conn = await Connection.open(port)
            conn.writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            line = await conn.reader.readline()
            conn.close()
            if b" 200 " in line:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the server did not become healthy")


async def run_load(
    port: int, calls: int, seconds: float, one_call: CallScript, *, stagger: float = 0.0
) -> tuple[int, list[float]]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def worker(number: int) -> int:
        conn = await Connection.open(port)
        done, serial = 0, 0
        # Calls to a contact centre arrive independently, not all in the same millisecond.
        await asyncio.sleep(RANDOM.uniform(0, stagger))
        try:
            while time.perf_counter() < stop:
                serial += 1
                done += await one_call(conn, number * 1_000_000 + serial, timed)
        finally:
            conn.close()
        return done

    async def timed(conn: Connection, path: str, body: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        status, answer = await conn.post(path, body)
        latencies.append((time.perf_counter() - began) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: {answer}")
        return answer

    started = time.perf_counter()
    counts = await asyncio.gather(*(worker(i) for i in range(calls)))
    elapsed = time.perf_counter() - started
    return int(sum(counts) / elapsed), latencies


def ivr_call(token: str, think: float = 0.0) -> CallScript:
    path = "/oifde/rest/crs/process"

    async def one(conn: Connection, serial: int, timed: Timed) -> int:
        userid = f"bench-{serial}"
        base = {"call_id": userid, "call_dst_id": "4001", "auth_token": token}

        async def send(inaction: int, **fields: str) -> dict[str, Any]:
            body = {"userid": userid, "inaction": inaction, "inparams": {**base, **fields}}
            answer = await timed(conn, path, body)
            if think:
                # The caller listens and answers; callers take different times to do so.
                await asyncio.sleep(RANDOM.uniform(0.5, 1.5) * think)
            return answer

        first = await send(8, call_sor_id="13500000001")
        idx = first["outparams"]["inter_idx"]
        menu = await send(9, flow_result_type="3", input="playover", inter_idx=idx)
        idx = menu["outparams"]["inter_idx"]
        ask = await send(9, flow_result_type="2", input="9", inter_idx=idx)
        idx = ask["outparams"]["inter_idx"]
        transfer = await send(9, flow_result_type="1", input="I lost my card", inter_idx=idx)
        if transfer["outaction"] != 11:
            raise SystemExit(f"expected a transfer, got {transfer}")
        trans = {"begin_trans": "a", "end_trans": "b", "trans_result": "0"}
        await send(11, **trans, inter_idx=transfer["outparams"]["inter_idx"])
        await send(11, **trans, input="hangup")
        return 6

    return one


def echo_call() -> CallScript:
    async def one(conn: Connection, serial: int, timed: Timed) -> int:
        await timed(conn, "/demo/echo", {"userid": f"echo-{serial}", "n": serial})
        return 1

    return one


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=64, help="concurrent calls")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--store", default="memory", help="memory or redis://host:port/db")
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument(
        "--think-ms",
        type=float,
        default=200.0,
        help="mean pause between a caller's turns in the latency run, drawn uniformly from "
        "0.5-1.5 times it (the throughput runs have none)",
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
        created = json.loads(oiap("tenant", "create", "Bench", "--json", env=env))
        oiap(
            "bot",
            "push",
            str(prepare_bot(Path(tmp) / "bot")),
            "--tenant",
            created["tenantId"],
            "--publish",
            env=env,
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "oiap.cli", "serve", "--port", str(args.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            await wait_healthy(args.port, server)
            conn = await Connection.open(args.port)
            _, granted = await conn.post(
                "/oifde/rest/api/gettoken",
                {"appKey": created["appKey"], "appSecret": created["appSecret"]},
            )
            conn.close()
            token = granted["authToken"]
            # Warm up: compile the release, load the model, fill connection pools.
            await run_load(args.port, 4, 1.0, ivr_call(token))
            await run_load(args.port, 4, 1.0, echo_call())
            turns, turn_latency = await run_load(
                args.port, args.calls, args.seconds, ivr_call(token)
            )
            echo, _ = await run_load(args.port, args.calls, args.seconds, echo_call())
            think = args.think_ms / 1000
            paced, paced_latency = await run_load(
                args.port, args.calls, args.seconds, ivr_call(token, think), stagger=think
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    p50 = statistics.median(paced_latency)
    p99 = percentile(paced_latency, 0.99)
    busy_p50, busy_p99 = statistics.median(turn_latency), percentile(turn_latency, 0.99)
    print(f"machine: {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"server: one worker, SQLite, session store {args.store}")
    print(f"{args.calls} concurrent calls, {args.seconds:g} s per run")
    print(f"dialog turns, saturated: {turns}/s, p50 {busy_p50:.2f} ms, p99 {busy_p99:.2f} ms")
    print(f"JSON echo, saturated:    {echo}/s")
    print(
        f"dialog turns, callers pausing {args.think_ms:g} ms: {paced}/s, "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )
    print(f"ratio turns/echo: {turns / echo:.2f}")
    store = "memory" if args.store == "memory" else "redis"
    print(
        json.dumps(
            {
                "turns_per_s": turns,
                "p50_ms": round(p50, 2),
                "p99_ms": round(p99, 2),
                "echo_per_s": echo,
                "ratio": round(turns / echo, 3),
                "store": store,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())

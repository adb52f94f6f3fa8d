"""Chat at real concurrency: open streams through a real ASGI server, against a bare relay.

Processes, each its own: the fake endpoint (``python -m django_llmshop.testing``, a fixed time
to first token), Django under uvicorn, ``--workers`` Celery workers (threads pool, queue
``llmshop_chat``), and the bare relay (``benchmarks.chat_load_parts:bare_relay`` under uvicorn:
the endpoint's stream relayed as SSE with nothing else, the floor). This process is the load
generator: open-loop, shoppers arrive at a fixed rate (``--rate`` a second) whatever the server
does, and each holds its stream open to the end of the reply. A shopper posts a conversation and
a message, then reads the reply's stream. The endpoint's reply lasts longer than the largest
level takes to arrive (by ``--hold`` seconds), so every level's streams are all open at once: a
level of 1,000 is 1,000 concurrent streams (the peak of open streams is printed).

For each level of concurrent streams it prints: the shopper's first token minus the
endpoint's (p50/p95/p99; "endpoint first token" = the moment the shopper sent + the endpoint's
fixed time to first token, so all time before the endpoint counts as overhead), whole-reply
time, errors, lost or truncated replies, the peak of open streams, the peak of PostgreSQL
connections to the benchmark database (pg_stat_activity), CPU seconds of each process and
the web server's threads; then the same load against the bare relay.

Needs PostgreSQL and Redis (a scratch database is created and dropped)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/12 \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/12 python benchmarks/chat_load.py --levels 10,100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_load_parts import (  # noqa: E402
    Response,
    cpu_seconds,
    free_port,
    process,
    raise_file_limit,
    request,
    require_servers,
    round_trips,
    sse_events,
    thread_count,
)
from benchmarks.chat_load_report import (  # noqa: E402
    Outcome,
    Sampler,
    print_failed_replies,
    report,
)

SETTINGS = "benchmarks.chat_load_settings"
QUESTION = "Hello, can you help me choose a gift?"
SENTENCE = "Happy to help you find a gift: tell me who it is for and what they enjoy."


def answer_lasting(seconds: float, token_delay: float) -> str:
    """The endpoint's reply, long enough to stream for ``seconds`` (a word per chunk)."""
    per_sentence = len(SENTENCE.split())
    words = max(seconds / max(token_delay, 1e-3), per_sentence)
    return " ".join([SENTENCE] * math.ceil(words / per_sentence))


@contextmanager
def fake_endpoint(ttft: float, token_delay: float, answer: str) -> Iterator[tuple[str, int]]:
    args = [sys.executable, "-m", "django_llmshop.testing", "--port", "0", "--ttft", str(ttft)]
    args += ["--token-delay", str(token_delay), "--reply", answer]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().decode().strip()
        if not base_url:
            sys.exit("the fake endpoint did not start")
        yield base_url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


#: The running level's sampler: the shoppers keep its counts of requests and open streams.
SAMPLER: list[Sampler] = []


async def counted(url: str, method: str = "GET", **kwargs: Any) -> Response:
    """A request other than a stream, counted while it is in flight."""
    sampler = SAMPLER[0]
    sampler.requests += 1
    try:
        response = await request(url, method, **kwargs)
        await response.read_body()
        return response
    finally:
        sampler.requests -= 1


async def django_shopper(base: str, ttft: float) -> Outcome:
    started = time.monotonic()
    # As a browser would: the CSRF cookie (the widget's page sets one) and the same token sent
    # back in the header; Django accepts a token the client chose.
    csrf = secrets.token_hex(16)
    headers = {"Cookie": f"csrftoken={csrf}", "X-CSRFToken": csrf}
    response = await counted(f"{base}/llmshop/api/chat/conversations/", "POST", headers=headers)
    body = response.read
    if response.status != 201:
        return Outcome(error=f"conversation {response.status}: {body[:80]!r}")
    conversation = json.loads(body)["id"]
    cookies = {"csrftoken": csrf, **response.cookies}
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    sent = time.monotonic()
    response = await counted(
        f"{base}/llmshop/api/chat/conversations/{conversation}/messages/",
        "POST",
        body=json.dumps({"content": QUESTION}).encode(),
        headers={"Content-Type": "application/json", "Cookie": cookie, "X-CSRFToken": csrf},
    )
    body = response.read
    if response.status != 202:
        return Outcome(error=f"message {response.status}: {body[:80]!r}")
    message = json.loads(body)["id"]
    accepted = time.monotonic() - sent
    stream = await request(
        f"{base}/llmshop/api/chat/messages/{message}/stream/", headers={"Cookie": cookie}
    )
    outcome = await read_stream(stream, sent, started, ttft)
    outcome.accepted = accepted
    return outcome


def print_round_trips(connection: Any) -> None:
    """The machine's round trips to PostgreSQL and Redis, back to back and after a pause."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    with connection.cursor() as cursor:
        database = round_trips(lambda: cursor.execute("SELECT 1"))
    connection.close()
    cache = round_trips(client.ping)
    client.close()
    print(
        "round trips (p50 ms, back to back / after 20 ms idle): "
        f"PostgreSQL {database[0]:.3f} / {database[1]:.3f}, Redis {cache[0]:.3f} / {cache[1]:.3f}"
    )


async def bare_shopper(base: str, ttft: float) -> Outcome:
    started = sent = time.monotonic()
    return await read_stream(await request(f"{base}/relay"), sent, started, ttft)


async def read_stream(stream: Response, sent: float, started: float, ttft: float) -> Outcome:
    outcome = Outcome(opened=time.monotonic())
    SAMPLER[0].open_streams += 1
    try:
        if stream.status != 200:
            outcome.error = f"stream {stream.status}"
            return outcome
        async for kind, data in sse_events(stream):
            if kind == "token":
                if outcome.first_token is None:
                    outcome.first_token = time.monotonic() - sent - ttft
                outcome.text += json.loads(data)
            elif kind in ("done", "error"):
                outcome.final = kind
                content = json.loads(data).get("content")
                outcome.final_text = content if isinstance(content, str) else None
                break
    finally:
        SAMPLER[0].open_streams -= 1
        stream.close()
        outcome.closed = time.monotonic()
        outcome.whole = outcome.closed - started
    if outcome.final != "done":
        outcome.error = f"stream ended with {outcome.final or 'nothing'}"
    return outcome


async def run_level(
    shopper: Callable[[], Awaitable[Outcome]], level: int, rate: float, timeout: float
) -> list[Outcome]:
    """Open loop: shopper ``i`` starts at ``i / rate`` seconds, whatever the others do."""
    start = time.monotonic()

    async def one(index: int) -> Outcome:
        await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
        try:
            return await asyncio.wait_for(shopper(), timeout)
        except (TimeoutError, OSError, ValueError) as exc:
            return Outcome(error=f"{type(exc).__name__}: {exc}"[:120])

    return list(await asyncio.gather(*(one(i) for i in range(level))))


def measure(
    name: str,
    shopper: Callable[[], Awaitable[Outcome]],
    level: int,
    args: argparse.Namespace,
    pids: dict[str, int],
    sampler: Sampler,
) -> None:
    cpu_before = {role: cpu_seconds(pid) for role, pid in pids.items()}
    sampler.reset()
    sampler.level = level
    SAMPLER[:] = [sampler]
    since = datetime.now(UTC)
    started = time.monotonic()
    outcomes = asyncio.run(sampler.around(run_level(shopper, level, args.rate, args.timeout)))
    elapsed = time.monotonic() - started
    cpu = {role: cpu_seconds(pid) - cpu_before[role] for role, pid in pids.items()}
    report(name, level, outcomes, args.answer, elapsed, cpu, sampler)
    if name == "django" and any(o.error for o in outcomes):
        print_failed_replies(since)


def warm_up(shopper: Callable[[], Awaitable[Outcome]], sampler: Sampler) -> None:
    """Three shoppers, not counted, each left after 5 s: the processes' first requests and
    replies pay one-time costs (imports, connections, clients) that a running shop has paid."""
    SAMPLER[:] = [sampler]
    sampler.level = 3

    async def three() -> None:
        await asyncio.gather(
            *(asyncio.wait_for(shopper(), 5) for _ in range(3)), return_exceptions=True
        )

    asyncio.run(three())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="10,100,300,1000", help="concurrent streams")
    parser.add_argument("--ttft", type=float, default=0.2, help="endpoint's first token, s")
    parser.add_argument("--token-delay", type=float, default=0.1, help="s between chunks")
    parser.add_argument(
        "--rate", type=float, default=20.0, help="shoppers arriving per second (open loop)"
    )
    parser.add_argument(
        "--hold",
        type=float,
        default=5.0,
        help="s the replies last beyond the largest level's arrivals: every level's streams "
        "are then all open at once",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="chat worker processes (threads pool each)"
    )
    parser.add_argument(
        "--worker-threads",
        type=int,
        default=0,
        help="threads per worker process; 0: the largest level over the worker processes",
    )
    parser.add_argument("--pool", type=int, default=8, help="psycopg pool size per process")
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=0.0,
        help="the web's and the worker's sys.setswitchinterval, s (0: Python's 5 ms)",
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="per shopper, s")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    args.answer = answer_lasting(max(levels) / args.rate + args.hold, args.token_delay)
    raise_file_limit(max(levels))
    require_servers()
    os.environ.update(DJANGO_SETTINGS_MODULE=SETTINGS, LLMSHOP_CELERY_EAGER="0")
    os.environ["LLMSHOP_BENCH_POOL"] = str(args.pool)
    os.environ["LLMSHOP_BENCH_SWITCH_INTERVAL"] = str(args.switch_interval)
    with fake_endpoint(args.ttft, args.token_delay, args.answer) as (fake_url, fake_pid):
        os.environ["LLMSHOP_TEST_FAKE_URL"] = fake_url
        import django

        switch_interval = sys.getswitchinterval()
        django.setup()
        sys.setswitchinterval(switch_interval)  # the settings' is for the servers, not this
        from django.db import connection

        from tests.worker import database_url, worker_process

        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        db_name = str(connection.settings_dict["NAME"])
        env = {"DATABASE_URL": str(database_url()), "LLMSHOP_TEST_FAKE_URL": fake_url}
        connection.close()
        web_port, bare_port = free_port(), free_port()
        uvicorn = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log"]
        uvicorn += ["--log-level", "warning", "--timeout-keep-alive", "5"]
        try:
            threads = args.worker_threads or math.ceil(max(levels) / args.workers)
            with (
                tempfile.TemporaryDirectory() as tmp,
                contextlib.ExitStack() as stack,
                process(
                    [*uvicorn, "--port", str(web_port), "--factory"]
                    + ["django.core.asgi:get_asgi_application"],
                    env,
                    web_port,
                ) as web_pid,
                process(
                    [*uvicorn, "--port", str(bare_port), "benchmarks.chat_load_parts:bare_relay"],
                    {"BARE_RELAY_UPSTREAM": fake_url},
                    bare_port,
                ) as bare_pid,
            ):
                workers = [
                    stack.enter_context(
                        worker_process(
                            Path(tmp) / f"worker{i}",
                            pool="threads",
                            concurrency=threads,
                            queues="llmshop_chat",
                            env=env,
                            settings_module=SETTINGS,
                        )
                    )
                    for i in range(args.workers)
                ]
                # The load generator's own CPU: it must not be what limits the run.
                me = os.getpid()
                pids = {"web": web_pid, "endpoint": fake_pid, "load generator": me}
                for i, worker in enumerate(workers, 1):
                    pids["worker" if args.workers == 1 else f"worker {i}"] = worker.pid
                web, bare = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{bare_port}"
                sampler = Sampler(db_name, lambda: thread_count(web_pid))
                print(
                    f"fake endpoint: first token {args.ttft * 1000:.0f} ms, "
                    f"{len(args.answer.split())} words {args.token_delay * 1000:.0f} ms apart; "
                    f"{args.rate:g} shoppers arriving per second; {args.workers} worker "
                    f"process(es) of {threads} threads; "
                    f"psycopg pool {args.pool} per process; thread switch interval "
                    f"{args.switch_interval * 1000 if args.switch_interval else 5:g} ms"
                )
                print_round_trips(connection)
                bare_pids = {"bare relay": bare_pid, "endpoint": fake_pid, "load generator": me}
                warm_up(lambda: django_shopper(web, args.ttft), sampler)
                warm_up(lambda: bare_shopper(bare, args.ttft), sampler)
                for level in levels:
                    shopper = lambda: django_shopper(web, args.ttft)  # noqa: E731
                    measure("django", shopper, level, args, pids, sampler)
                    shopper = lambda: bare_shopper(bare, args.ttft)  # noqa: E731
                    measure("bare relay", shopper, level, args, bare_pids, sampler)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""The web process's CPU per chat request, against a plain Django view in the same run.

Before the first token a shopper makes three requests: starting a conversation, posting the
message, and opening the reply's stream. At hundreds of new shoppers a second their CPU in the
web process competes with the relay of every open stream, so it sets how many shoppers one web
process takes. Here a real uvicorn process (the chat load benchmark's settings, PostgreSQL and
Redis, no worker: the messages wait in the queue) serves one shopper's requests after another,
and the web process's CPU is read from ``/proc`` around each kind of request. The floor is a
plain sync Django view through the same middleware that loads the session and answers a few
bytes of JSON: what any Django request of an anonymous shopper costs there.

    DATABASE_URL=postgres://... REDIS_URL=redis://... CELERY_BROKER_URL=redis://... \\
        python benchmarks/chat_requests.py [--shoppers 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_load_parts import (  # noqa: E402
    cpu_seconds,
    free_port,
    process,
    request,
    require_servers,
)

SETTINGS = "benchmarks.chat_requests_settings"
KINDS = ("plain Django view", "conversation POST", "message POST", "stream opened")


class Shopper:
    """One anonymous shopper's requests, as the chat load benchmark's shoppers make them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.csrf = secrets.token_hex(16)
        self.cookie = f"csrftoken={self.csrf}"
        self.conversation = 0
        self.message = 0

    async def plain(self) -> None:
        response = await request(f"{self.base}/bench/plain/", headers={"Cookie": self.cookie})
        await response.read_body()
        assert response.status == 200, response.status

    async def start(self) -> None:
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.csrf}
        url = f"{self.base}/llmshop/api/chat/conversations/"
        response = await request(url, "POST", headers=headers)
        await response.read_body()
        assert response.status == 201, (response.status, response.read[:200])
        self.conversation = json.loads(response.read)["id"]
        cookies = {"csrftoken": self.csrf, **response.cookies}
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())

    async def post(self) -> None:
        response = await request(
            f"{self.base}/llmshop/api/chat/conversations/{self.conversation}/messages/",
            "POST",
            body=json.dumps({"content": "Hello, can you help me choose a gift?"}).encode(),
            headers={
                "Content-Type": "application/json",
                "Cookie": self.cookie,
                "X-CSRFToken": self.csrf,
            },
        )
        await response.read_body()
        assert response.status == 202, (response.status, response.read[:200])
        self.message = json.loads(response.read)["id"]

    async def stream(self) -> None:
        url = f"{self.base}/llmshop/api/chat/messages/{self.message}/stream/"
        response = await request(url, headers={"Cookie": self.cookie})
        assert response.status == 200, response.status
        async for _first in response.chunks():  # the stream's first bytes: it is open
            break
        response.close()


async def measure(base: str, pid: int, shoppers: int) -> dict[str, float]:
    """Milliseconds of the web process's CPU per request of each kind."""
    spent = dict.fromkeys(KINDS, 0.0)
    for _ in range(shoppers):
        shopper = Shopper(base)
        steps: list[Callable[[], Awaitable[None]]] = [
            shopper.plain,
            shopper.start,
            shopper.post,
            shopper.stream,
        ]
        for kind, step in zip(KINDS, steps, strict=True):
            before = cpu_seconds(pid)
            await step()
            await asyncio.sleep(0.002)  # the web process finishes the request's last steps
            spent[kind] += cpu_seconds(pid) - before
    return {kind: total / shoppers * 1000 for kind, total in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=300, help="shoppers per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    require_servers()
    os.environ.update(DJANGO_SETTINGS_MODULE=SETTINGS, LLMSHOP_CELERY_EAGER="0")
    os.environ.setdefault("LLMSHOP_BENCH_POOL", "8")
    import django

    django.setup()
    from django.db import connection

    from tests.worker import database_url

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    env = {"DATABASE_URL": str(database_url())}
    connection.close()
    port = free_port()
    uvicorn = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log"]
    uvicorn += ["--log-level", "warning", "--port", str(port), "--factory"]
    uvicorn += ["django.core.asgi:get_asgi_application"]
    found: dict[str, list[float]] = {kind: [] for kind in KINDS}
    try:
        with process(uvicorn, env, port) as pid:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(measure(base, pid, 20))  # warm up
            for _ in range(args.rounds):
                for kind, value in asyncio.run(measure(base, pid, args.shoppers)).items():
                    found[kind].append(value)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"{args.shoppers} shoppers a round, one after another, {args.rounds} rounds; uvicorn")
    floor = statistics.median(found[KINDS[0]])
    for kind, values in found.items():
        median = statistics.median(values)
        spread = f"{min(values):.2f}-{max(values):.2f}"
        print(f"  {kind:20} {median:6.2f} ms CPU ({spread})  {median / floor:5.2f}x the plain view")
    total = sum(statistics.median(found[kind]) for kind in KINDS[1:])
    print(f"  a shopper's three requests: {total:.2f} ms of the web process's CPU")


if __name__ == "__main__":
    main()

"""Chat latency: time to first token straight from the endpoint vs. seen by an SSE client.

The fake endpoint waits ``--ttft`` seconds before its first token. "Direct" streams from it
with the LLM client; "end to end" posts a message through Django, lets a real Celery worker
(threads pool, queue ``llmshop_chat``) generate the reply into the Redis stream buffer, and
reads the SSE stream with Django's test client. The overhead is the difference. Then
``--conversations`` shoppers ask at once, and every reply must arrive whole.

Needs PostgreSQL and Redis (a scratch test database is created and dropped)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/15 \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/15 python benchmarks/chat_latency.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_load_parts import require_servers  # noqa: E402

ANSWER = "Your order has shipped with UPS and should arrive within three working days. " * 3


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def first_token_and_text(client: object, message_id: int) -> tuple[float, str, str]:
    """Read a reply's stream: (time of the first token, streamed text, final event)."""
    response = client.get(f"/llmshop/api/chat/messages/{message_id}/stream/")  # type: ignore[attr-defined]
    first, text, last, buffer = 0.0, "", "", ""
    for chunk in response.streaming_content:
        buffer += chunk.decode()
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            kind = next((x[7:] for x in block.splitlines() if x.startswith("event: ")), "")
            data = "\n".join(x[6:] for x in block.splitlines() if x.startswith("data: "))
            if kind == "token":
                first = first or time.perf_counter()
                text += json.loads(data)
            elif kind in ("done", "error"):
                last = kind
    return first, text, last


def ask(index: int, question: str) -> tuple[float, str, str, int]:
    from django.db import connection
    from django.test import Client

    client = Client(REMOTE_ADDR=f"10.1.{index // 250}.{index % 250 + 1}")
    try:
        conversation = client.post("/llmshop/api/chat/conversations/").json()["id"]
        started = time.perf_counter()
        response = client.post(
            f"/llmshop/api/chat/conversations/{conversation}/messages/",
            {"content": question},
            content_type="application/json",
        )
        message_id = response.json()["id"]
        first, text, last = first_token_and_text(client, message_id)
        return first - started, text, last, message_id
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ttft", type=float, default=0.2)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--readers", type=int, default=40, help="client threads reading streams")
    parser.add_argument("--worker-threads", type=int, default=40)
    args = parser.parse_args()
    require_servers()

    from django_llmshop.testing import FakeLLMServer, Reply

    with FakeLLMServer(default=Reply.text(ANSWER, ttft=args.ttft, token_delay=0.002)) as server:
        os.environ["LLMSHOP_TEST_FAKE_URL"] = server.base_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.worker_settings"
        os.environ["LLMSHOP_CELERY_EAGER"] = "0"
        import django

        django.setup()
        from django.db import connection

        from django_llmshop.llm import LLMClient
        from django_llmshop.support.models import Message
        from tests.worker import worker_process

        direct = []
        with LLMClient(server.base_url, model="fake-model") as client:
            for _ in range(args.samples):
                started = time.perf_counter()
                for chunk in client.stream([{"role": "user", "content": "Where is my order?"}]):
                    if chunk.text:
                        direct.append(time.perf_counter() - started)
                        break

        import redis

        store = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in store.scan_iter("llmshop:chat:stream:*"):  # left by an earlier run
            store.delete(key)
        old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
        try:
            with (
                tempfile.TemporaryDirectory() as tmp,
                worker_process(
                    Path(tmp),
                    pool="threads",
                    concurrency=args.worker_threads,
                    queues="llmshop_chat",
                    env={"LLMSHOP_TEST_FAKE_URL": server.base_url},
                    settings_module="tests.worker_settings",
                ),
            ):
                end_to_end = [ask(i, "Where is my order?")[0] for i in range(args.samples)]
                started = time.perf_counter()
                with ThreadPoolExecutor(args.readers) as pool:
                    results = list(
                        pool.map(
                            lambda i: ask(1000 + i, f"Question {i}: where is my order?"),
                            range(args.conversations),
                        )
                    )
                elapsed = time.perf_counter() - started
            saved = dict(
                Message.objects.filter(pk__in=[r[3] for r in results]).values_list("pk", "content")
            )
            errors = sum(1 for _ttft, _text, last, _id in results if last != "done")
            lost = sum(1 for _ttft, text, _last, pk in results if saved.get(pk) != text.strip())
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    overhead = [e - statistics.median(direct) for e in end_to_end]
    print(f"fake endpoint time to first token: {args.ttft * 1000:.0f} ms")
    print(
        f"direct TTFT       p50 {statistics.median(direct) * 1000:7.1f} ms   "
        f"p95 {percentile(direct, 0.95) * 1000:7.1f} ms"
    )
    print(
        f"end-to-end TTFT   p50 {statistics.median(end_to_end) * 1000:7.1f} ms   "
        f"p95 {percentile(end_to_end, 0.95) * 1000:7.1f} ms"
    )
    print(
        f"overhead          p50 {statistics.median(overhead) * 1000:7.1f} ms   "
        f"p95 {percentile(overhead, 0.95) * 1000:7.1f} ms"
    )
    print(
        f"{args.conversations} concurrent conversations in {elapsed:.1f} s: "
        f"{errors} errors, {lost} lost or different messages"
    )


if __name__ == "__main__":
    main()

"""CPU per streamed word of a chat worker's event loop relaying many replies to Redis, with the
append script called on the loop's own connection and through redis-py's client, in one run.

The fake OpenAI-compatible endpoint runs in a process of its own (``python -m
django_llmshop.testing``). Each round streams ``--streams`` concurrent replies the way a reply
task does (``replystream._relay``: the async client's stream, the reply's text, a
``StreamWriter`` on the Redis stream buffer, batched script calls), once per way of calling the
script, in one uvloop event loop where uvloop is installed, as the worker's:

- *reading only*, the floor: the same streams read by the async client, nothing written;
- *script through redis-py's client*: each batch a call of the script registered with the
  loop's ``redis.asyncio`` client (a pooled connection, its socket timeout, its packing);
- *script on the loop's own connection*: as the worker calls it now
  (:mod:`django_llmshop.support.streamsend`).

It prints CPU microseconds per word (the median over rounds, which interleave the ways so that
machine noise hits them alike), the ratio to reading only, and the script calls of a round.
Needs Redis (the replies' keys are deleted afterwards; the live stream, trimmed as always,
gets their events too)::

    REDIS_URL=redis://127.0.0.1:6379/12 python benchmarks/stream_write.py [--streams 300]
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_load import fake_endpoint  # noqa: E402
from benchmarks.stream_read import options, report  # noqa: E402

MESSAGES = [{"role": "user", "content": "Hello, can you help me choose a gift?"}]
#: Reply ids of the benchmark (the Redis keys it writes and deletes).
FIRST_ID = 970_000_000


class Counted:
    """Counts the batches and events of a way of calling the script."""

    def __init__(self, call: Callable[[Sequence[Any]], Any]) -> None:
        self.call = call
        self.batches = 0

    async def __call__(self, args: Sequence[Any]) -> Any:
        self.batches += 1
        return await self.call(args)


def main() -> None:
    args, answer = options(__doc__)
    url = os.environ.get("REDIS_URL")
    if not url:
        sys.exit("set REDIS_URL (a Redis database the benchmark may write to)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    import redis

    from django_llmshop.eventloop import new_event_loop
    from django_llmshop.llm import AsyncLLMClient
    from django_llmshop.support import streambuffer as buffer_module
    from django_llmshop.support import streamsend
    from django_llmshop.support.replystream import ReplyText, _relay
    from django_llmshop.support.streamwriter import StreamWriter

    #: Where the buffer takes its way of calling the script from (swapped for each way).
    streambuffer: Any = buffer_module
    own_connection = streamsend.script_caller

    def through_client(url: str, script: str, options: dict[str, Any], client: Any) -> Any:
        return streamsend.client_call(client, script)

    ways: dict[str, Any] = {
        "reading only": None,
        "script through redis-py's client": through_client,
        "script on the loop's own connection": own_connection,
    }
    per_word: dict[str, list[float]] = {name: [] for name in ways}
    batches_in_round: dict[str, int] = {}
    used: list[int] = []

    async def one_round(base_url: str, name: str, first_id: int) -> tuple[float, int, int]:
        llm = AsyncLLMClient(base_url=base_url, model="fake-model", api_key="k", timeout=60)
        way = ways[name]
        buffer = streambuffer.RedisStreamBuffer(url)
        counted: list[Counted] = []
        if way is not None:

            def caller(*a: Any) -> Counted:
                counted.append(Counted(way(*a)))
                return counted[-1]

            streambuffer.script_caller = caller

        async def read(i: int) -> str:
            """The reply's text, as the endpoint sent it."""
            if way is None:
                async with llm.stream(MESSAGES) as stream:
                    return "".join([chunk.text async for chunk in stream])
            writer = StreamWriter(buffer, first_id + i)
            used.append(first_id + i)
            return (await _relay(llm.stream(MESSAGES), writer, ReplyText())).text

        try:
            started = time.process_time()
            texts = await asyncio.gather(*[read(i) for i in range(args.streams)])
            cpu = time.process_time() - started
        finally:
            streambuffer.script_caller = own_connection
            await llm.aclose()
            for each in counted:
                if isinstance(each.call, streamsend.ScriptConnection):
                    each.call.close()
        batches = sum(each.batches for each in counted)
        if any(text.strip() != answer for text in texts):
            sys.exit(f"{name}: a reply's text is not what the endpoint sent")
        return cpu, args.streams * args.words, batches

    with fake_endpoint(0.05, args.token_delay, answer) as (base_url, _pid):
        loop = new_event_loop()
        try:
            next_id = FIRST_ID
            for round_number in range(args.rounds + 1):  # the first round warms up
                for name in ways:
                    cpu, words, batches = loop.run_until_complete(
                        one_round(base_url, name, next_id)
                    )
                    next_id += args.streams
                    if round_number:
                        per_word[name].append(cpu / words * 1e6)
                        batches_in_round[name] = batches
        finally:
            loop.close()
            keys = [streambuffer.RedisStreamBuffer.key(i) for i in used]
            store = redis.Redis.from_url(url)
            for start in range(0, len(keys), 1000):
                store.delete(*keys[start : start + 1000])
    print(
        f"{args.streams} concurrent replies of {args.words} words {args.token_delay * 1000:g} ms"
        f" apart, {args.rounds} rounds; redis-py {redis.__version__}; loop {type(loop).__module__}"
    )
    notes = {
        name: f"  {n} script calls in the last round" for name, n in batches_in_round.items() if n
    }
    report(per_word, "reading only", notes)


if __name__ == "__main__":
    main()

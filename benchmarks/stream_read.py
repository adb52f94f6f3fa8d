"""CPU per streamed word of many concurrent model streams read in one event loop, as a chat
worker reads them, against a bare asyncio reader in the same run.

The fake OpenAI-compatible endpoint runs in a process of its own (``python -m
django_llmshop.testing``), sending each stream's words one chunk at a time, so this process's
CPU is the readers' alone. Each round reads ``--streams`` concurrent streams with each reader
in turn (a uvloop loop where uvloop is installed, as the worker's):

- *bare asyncio*, the floor: a hand-written HTTP/1.1 request on an asyncio stream, the body's
  chunks split into events and each decoded with ``json.loads``; nothing checked or kept;
- *async client on httpx's pool*: :class:`~django_llmshop.llm.AsyncLLMClient` given httpx's own
  transport (httpcore's pool and connections, h11);
- *async client, httpx's body layers*: the client's own pool and connections, the body read
  through ``response.aiter_bytes()`` (httpx's generators), as before the client read its own
  connections' bodies directly;
- *async client*: the same client as the chat worker has it (its own pool and connections).

It prints CPU microseconds per word (the median over rounds, which interleave the readers so
that machine noise hits them alike) and the ratio to the bare reader's.

    python benchmarks/stream_read.py [--streams 300] [--words 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_load import SENTENCE, fake_endpoint  # noqa: E402
from benchmarks.chat_load_parts import raise_file_limit, request, sse_events  # noqa: E402
from django_llmshop.eventloop import new_event_loop  # noqa: E402
from django_llmshop.llm import AsyncLLMClient, aio  # noqa: E402

#: The async client's module: how it reads a response's body is swapped for one reader.
CLIENT: Any = aio
MESSAGES = [{"role": "user", "content": "Hello, can you help me choose a gift?"}]
#: Reads one stream; returns the number of words (chunks with text) it got.
Reader = Callable[[str], Awaitable[int]]
#: How the client reads a response's body (``aio.body_parts``).
BodyParts = Callable[[httpx.Response], AsyncIterator[bytes]]


async def bare(base_url: str) -> int:
    body = json.dumps({"model": "m", "stream": True, "messages": MESSAGES}).encode()
    response = await request(
        f"{base_url}/chat/completions",
        "POST",
        body=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer k"},
    )
    words = 0
    try:
        async for _kind, data in sse_events(response):
            if data == "[DONE]":
                break
            if json.loads(data)["choices"][0]["delta"].get("content"):
                words += 1
    finally:
        response.close()
    return words


def httpx_layers(response: httpx.Response) -> AsyncIterator[bytes]:
    return response.aiter_bytes()


def client_reader(client: AsyncLLMClient) -> Reader:
    async def read(_base_url: str) -> int:
        words = 0
        async with client.stream(MESSAGES) as stream:
            async for chunk in stream:
                words += bool(chunk.text)
        return words

    return read


async def measure(
    reader: Reader, base_url: str, streams: int, body_parts: BodyParts
) -> tuple[float, int]:
    """(CPU seconds, words) of ``streams`` concurrent streams read by ``reader``; the client
    reads response bodies with ``body_parts`` meanwhile."""
    own = CLIENT.body_parts
    CLIENT.body_parts = body_parts
    try:
        started = time.process_time()
        counts = await asyncio.gather(*[reader(base_url) for _ in range(streams)])
        return time.process_time() - started, sum(counts)
    finally:
        CLIENT.body_parts = own


async def rounds(base_url: str, args: argparse.Namespace) -> dict[str, list[float]]:
    def client(transport: httpx.AsyncBaseTransport | None) -> AsyncLLMClient:
        return AsyncLLMClient(
            base_url=base_url, model="fake-model", api_key="k", timeout=60, transport=transport
        )

    own_pool, own_pool_layers = client(None), client(None)
    httpx_pool = client(httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=None)))
    own = CLIENT.body_parts
    readers: dict[str, tuple[Reader, BodyParts]] = {
        "bare asyncio": (bare, own),
        "async client on httpx's pool": (client_reader(httpx_pool), own),
        "async client, httpx's body layers": (client_reader(own_pool_layers), httpx_layers),
        "async client": (client_reader(own_pool), own),
    }
    per_word: dict[str, list[float]] = {name: [] for name in readers}
    counts: dict[str, set[int]] = {name: set() for name in readers}
    for _ in range(args.rounds + 1):  # the first round warms up and is left out
        for name, (reader, body_parts) in readers.items():
            cpu, words = await measure(reader, base_url, args.streams, body_parts)
            counts[name].add(words)
            per_word[name].append(cpu / words * 1e6)
    if len(set().union(*counts.values())) != 1:  # every reader, every round: the same chunks
        sys.exit(f"the readers got different numbers of chunks with text: {counts}")
    for each in (own_pool, own_pool_layers, httpx_pool):
        await each.aclose()
    return {name: values[1:] for name, values in per_word.items()}


def options(doc: str) -> tuple[argparse.Namespace, str]:
    """The command line of a benchmark of many concurrent streams, and the endpoint's answer."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--streams", type=int, default=300, help="concurrent streams")
    parser.add_argument("--words", type=int, default=100, help="words per stream")
    parser.add_argument("--token-delay", type=float, default=0.05, help="s between chunks")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    raise_file_limit(args.streams * 2)
    return args, " ".join((SENTENCE.split() * args.words)[: args.words])


def main() -> None:
    args, answer = options(__doc__)
    with fake_endpoint(0.05, args.token_delay, answer) as (base_url, _pid):
        loop = new_event_loop()
        try:
            found = loop.run_until_complete(rounds(base_url, args))
        finally:
            loop.close()
    print(
        f"{args.streams} concurrent streams of {args.words} words {args.token_delay * 1000:g} ms"
        f" apart, {args.rounds} rounds; httpx {httpx.__version__}; loop {type(loop).__module__}"
    )
    report(found, "bare asyncio")


def report(
    per_word: dict[str, list[float]], floor: str, notes: dict[str, str] | None = None
) -> None:
    """A line per way: the median µs of CPU per word, its spread, and the ratio to ``floor``'s."""
    base = statistics.median(per_word[floor])
    for name, values in per_word.items():
        median = statistics.median(values)
        spread = f"{min(values):.1f}-{max(values):.1f}"
        note = (notes or {}).get(name, "")
        print(f"  {name:38} {median:7.1f} µs CPU per word ({spread})  {median / base:5.2f}x{note}")


if __name__ == "__main__":
    main()

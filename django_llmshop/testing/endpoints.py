"""The fake server's endpoints: answer one request on a connection, as a Reply scripts."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from django_llmshop.testing import payloads
from django_llmshop.testing.http1 import Connection, Request
from django_llmshop.testing.replies import Reply

JSON_HEADERS = {"Content-Type": "application/json"}
SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
DONE = b"data: [DONE]\n\n"
BROKEN_JSON = b'{"id": "chatcmpl-broken", "choices": [{"index": 0, "message": '
ROUTES = {
    "/v1/chat/completions": "POST",
    "/v1/embeddings": "POST",
    "/v1/models": "GET",
}

_completion_ids = itertools.count(1)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def _sse(value: Any) -> bytes:
    return b"data: " + json_bytes(value) + b"\n\n"


async def send_json(conn: Connection, status: int, body: Any, keep: bool) -> bool:
    await conn.send(status, JSON_HEADERS, json_bytes(body), keep_alive=keep)
    return keep


async def send_error(conn: Connection, status: int, message: str, keep: bool, **kw: Any) -> bool:
    return await send_json(conn, status, payloads.error_body(message, **kw), keep)


async def send_busy(conn: Connection, headers: Mapping[str, str], keep: bool) -> bool:
    """429 to a request over the server's limit on requests in flight."""
    body = payloads.default_error_body(429, "Too many requests in flight; retry later.")
    await conn.send(429, {**JSON_HEADERS, **headers}, json_bytes(body), keep_alive=keep)
    return keep


def _model(body: Mapping[str, Any], default: str) -> str:
    model = body.get("model")
    return model if isinstance(model, str) and model else default


async def chat(
    conn: Connection,
    request: Request,
    body: dict[str, Any],
    next_reply: Callable[[], Reply],
    model: str,
) -> bool:
    """POST /v1/chat/completions: a chat.completion, or an event stream of chunks."""
    if not isinstance(body.get("messages"), list):
        return await send_error(conn, 400, "'messages' must be a list.", request.keep_alive)
    reply = next_reply()
    ids = (f"chatcmpl-{next(_completion_ids):012x}", _model(body, model), int(time.time()))
    content = payloads.reply_content(reply, body)
    if reply.kind == "raw":
        return await _send_raw(conn, reply, body.get("stream") is True, request)
    if body.get("stream") is True and reply.kind not in ("error", "stall"):
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        usage = payloads.reply_usage(reply, body, content) if include_usage else None
        head, tokens, tail = payloads.stream_chunks(*ids, content, reply, usage)
        return await _stream(conn, request, reply, head, tokens, tail)
    finish = None
    if reply.kind == "truncated":
        kept = payloads.split_tokens(content or "")[: max(reply.after_chunks - 1, 0)]
        content, finish = "".join(kept), "length"
    usage = payloads.reply_usage(reply, body, content)
    response = payloads.completion(*ids, content, reply, usage, finish)
    return await _send_reply(conn, reply, response, request.keep_alive)


async def embeddings(
    conn: Connection,
    request: Request,
    body: dict[str, Any],
    next_reply: Callable[[], Reply | None],
    model: str,
    dim: int,
) -> bool:
    """POST /v1/embeddings: deterministic word-hash vectors, float or base64."""
    keep = request.keep_alive
    texts = body.get("input")
    texts = [texts] if isinstance(texts, str) else texts
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        return await send_error(conn, 400, "'input' must be a string or a list of strings.", keep)
    encoding = body.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        return await send_error(conn, 400, "'encoding_format' must be 'float' or 'base64'.", keep)
    size = body.get("dimensions")
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        dim = size
    response = payloads.embeddings(texts, _model(body, model), dim, encoding)
    reply = next_reply() or Reply("text")
    return await _send_reply(conn, reply, response, keep)


async def _send_raw(conn: Connection, reply: Reply, stream: bool, request: Request) -> bool:
    """Send `reply.body` as it is: an event stream to a streamed request, else a body."""
    if stream:
        http11 = request.version == "HTTP/1.1"
        await conn.start_stream(200, {**SSE_HEADERS, **reply.headers}, http11=http11)
        if reply.body:
            await conn.write_chunk(reply.body)
        await conn.end_stream()
        return http11 and request.keep_alive
    headers = {**JSON_HEADERS, **reply.headers}
    await conn.send(200, headers, reply.body, keep_alive=request.keep_alive)
    return request.keep_alive


async def _send_reply(conn: Connection, reply: Reply, response: Any, keep: bool) -> bool:
    """Send a non-streamed answer, or the failure `reply` scripts in its place."""
    if reply.kind == "raw":
        await conn.send(200, {**JSON_HEADERS, **reply.headers}, reply.body, keep_alive=keep)
        return keep
    if reply.kind == "error":
        return await _send_error_reply(conn, reply, keep)
    if reply.kind == "stall":
        await asyncio.sleep(reply.seconds)
        return False
    if reply.ttft > 0:
        await asyncio.sleep(reply.ttft)
    if reply.kind == "malformed":
        await conn.send(200, JSON_HEADERS, BROKEN_JSON, keep_alive=keep)
        return keep
    data = json_bytes(response)
    if reply.kind in ("reset", "stall_mid_stream"):
        cut = data[: len(data) // 2]
        await conn.send(200, JSON_HEADERS, cut, keep_alive=False, content_length=len(data))
        if reply.kind == "reset":
            await conn.reset()
        else:
            await asyncio.sleep(reply.seconds)
        return False
    await conn.send(200, JSON_HEADERS, data, keep_alive=keep)
    return keep


async def _send_error_reply(conn: Connection, reply: Reply, keep: bool) -> bool:
    body = reply.body
    if body is None:
        body = payloads.default_error_body(reply.status, reply.content)
    headers = dict(JSON_HEADERS)
    if isinstance(body, str):
        body = body.encode()
    if isinstance(body, bytes):
        headers["Content-Type"] = "text/plain; charset=utf-8"
    else:
        body = json_bytes(body)
    await conn.send(reply.status, {**headers, **reply.headers}, body, keep_alive=keep)
    return keep


async def _stream(
    conn: Connection,
    request: Request,
    reply: Reply,
    head: Any,
    tokens: list[Any],
    tail: list[Any],
) -> bool:
    """Send a chat completion as server-sent events, failing the way `reply` says."""
    # The role chunk waits for the first token, so clients timing either one see `ttft`.
    events = [(reply.ttft, _sse(head))]
    events += [(reply.token_delay if i else 0.0, _sse(chunk)) for i, chunk in enumerate(tokens)]
    if reply.kind == "malformed":
        events = [events[0], (0.0, b"data: " + BROKEN_JSON + b"\n\n"), (0.0, DONE)]
    elif reply.kind in ("reset", "stall_mid_stream", "truncated"):
        events = events[: max(reply.after_chunks, 0)]
    else:
        events += [(0.0, _sse(chunk)) for chunk in tail] + [(0.0, DONE)]
    http11 = request.version == "HTTP/1.1"
    await conn.start_stream(200, SSE_HEADERS, http11=http11)
    for delay, data in events:
        if delay > 0:
            await asyncio.sleep(delay)
        await conn.write_chunk(data)
    if reply.kind == "reset":
        await conn.reset()
        return False
    if reply.kind == "stall_mid_stream":
        await asyncio.sleep(reply.seconds)
        return False
    await conn.end_stream()
    return http11 and request.keep_alive

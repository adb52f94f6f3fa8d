"""A scripted OpenAI-compatible endpoint for httpx.MockTransport: replies in order, and keeps
the requests it received."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def chat_body(
    text: str | None = "Hello",
    *,
    tool_calls: list[dict[str, Any]] | None = None,
    usage: tuple[int, int] = (5, 7),
    finish_reason: str = "stop",
    model: str = "test-model",
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": 0},
    }


def chat(text: str | None = "Hello", **kwargs: Any) -> httpx.Response:
    return httpx.Response(200, json=chat_body(text, **kwargs))


def text_chunks(
    *pieces: str, usage: tuple[int, int] | None = (3, 4), finish_reason: str = "stop"
) -> list[dict[str, Any]]:
    """The chunks of a streamed text reply: role, pieces, finish, usage-only."""
    chunks: list[dict[str, Any]] = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    chunks += [{"choices": [{"index": 0, "delta": {"content": piece}}]} for piece in pieces]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": finish_reason}]})
    if usage is not None:
        chunks.append(
            {"choices": [], "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1]}}
        )
    return chunks


def sse(chunks: list[dict[str, Any]], *, done: bool = True) -> bytes:
    text = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks)
    if done:
        text += "data: [DONE]\n\n"
    return text.encode()


def stream(chunks: list[dict[str, Any]], *, done: bool = True) -> httpx.Response:
    return httpx.Response(
        200, content=sse(chunks, done=done), headers={"content-type": "text/event-stream"}
    )


class BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that sends ``parts`` and then fails with ``error``."""

    def __init__(self, parts: list[bytes], error: Exception) -> None:
        self.parts = parts
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts
        raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part
        raise self.error


def broken_stream(parts: list[bytes], error: Exception | None = None) -> httpx.Response:
    return httpx.Response(
        200,
        stream=BrokenStream(parts, error or httpx.ReadError("connection reset")),
        headers={"content-type": "text/event-stream"},
    )


class Endpoint:
    """Answers with ``replies`` in order (the last one repeats), recording each request."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            # A fresh response each time: one that a client has read cannot be sent again.
            return httpx.Response(reply.status_code, headers=reply.headers, stream=reply.stream)
        return reply(request)

    def body(self, index: int = -1) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.requests[index].content)
        return value

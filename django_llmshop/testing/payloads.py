"""OpenAI-shaped bodies of the fake server: completions, stream chunks, embeddings, errors."""

from __future__ import annotations

import base64
import hashlib
import math
import re
import struct
from collections.abc import Iterable, Mapping
from typing import Any

from django_llmshop.testing.replies import Reply

# A word or a single punctuation mark, with the whitespace before it: joining the pieces
# gives back the text exactly, and their count is a fair token estimate.
_TOKEN_RE = re.compile(r"\s*(?:\w+|[^\w\s])|\s+")
_WORD_RE = re.compile(r"\w+")

Json = dict[str, Any]


def split_tokens(text: str) -> list[str]:
    """Word-level pieces of `text`, whitespace kept, so that "".join() is `text`."""
    return _TOKEN_RE.findall(text)


def estimate_tokens(text: str) -> int:
    return sum(1 for piece in split_tokens(text) if piece.strip())


def _content_text(content: Any) -> str:
    """The text of a message content: a string or a list of OpenAI content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    return ""


def last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, Mapping) and message.get("role") == "user":
            return _content_text(message.get("content"))
    return ""


def prompt_tokens(body: Mapping[str, Any]) -> int:
    texts = [
        _content_text(message.get("content"))
        for message in body.get("messages") or []
        if isinstance(message, Mapping)
    ]
    return sum(estimate_tokens(text) for text in texts)


def reply_content(reply: Reply, body: Mapping[str, Any]) -> str | None:
    """The assistant text of `reply` for this request (an echo reads the prompt)."""
    if reply.kind == "echo":
        return f"{reply.content or ''}{last_user_text(body)}"
    return reply.content


def usage(prompt: int, completion: int) -> Json:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def reply_usage(reply: Reply, body: Mapping[str, Any], content: str | None) -> Json:
    if reply.usage is not None:
        return usage(*reply.usage)
    completion = estimate_tokens(content or "")
    completion += sum(estimate_tokens(f"{c.name} {c.arguments}") for c in reply.calls)
    return usage(prompt_tokens(body), completion)


def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None) -> Json:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def default_error_body(status: int, message: str | None) -> Json:
    if status == 429:
        return error_body(
            message or "Rate limit reached.", "rate_limit_error", "rate_limit_exceeded"
        )
    if status >= 500:
        return error_body(message or "The server had an error.", "server_error")
    return error_body(message or f"Request failed with status {status}.")


def completion(
    completion_id: str,
    model: str,
    created: int,
    content: str | None,
    reply: Reply,
    usage_body: Json,
    finish_reason: str | None = None,
) -> Json:
    message: Json = {"role": "assistant", "content": content, "tool_calls": None}
    if reply.calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in reply.calls
        ]
    if finish_reason is None:
        finish_reason = "tool_calls" if reply.calls else "stop"
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
        ],
        "usage": usage_body,
    }


def _chunk(completion_id: str, model: str, created: int, delta: Json, finish: str | None) -> Json:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }


def stream_chunks(
    completion_id: str,
    model: str,
    created: int,
    content: str | None,
    reply: Reply,
    usage_body: Json | None,
) -> tuple[Json, list[Json], list[Json]]:
    """(role chunk, content and tool-call chunks, closing chunks) of a streamed completion.

    The closing chunks carry the finish_reason and, when `usage_body` is given, the usage
    chunk with empty choices (what `stream_options.include_usage` asks for).
    """

    def chunk(delta: Json, finish: str | None = None) -> Json:
        return _chunk(completion_id, model, created, delta, finish)

    head = chunk({"role": "assistant", "content": ""})
    body = [chunk({"content": piece}) for piece in split_tokens(content or "")]
    for index, call in enumerate(reply.calls):
        opening = {"index": index, "id": call.id, "type": "function"}
        opening["function"] = {"name": call.name, "arguments": ""}
        body.append(chunk({"tool_calls": [opening]}))
        body += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            for piece in split_tokens(call.arguments)
        ]
    tail = [chunk({}, "tool_calls" if reply.calls else "stop")]
    if usage_body is not None:
        for item in [head, *body, *tail]:
            item["usage"] = None
        tail.append({**chunk({}), "choices": [], "usage": usage_body})
    return head, body, tail


def embed(text: str, dim: int) -> list[float]:
    """A deterministic unit vector: each lower-cased word hashed into a signed bucket."""
    vector = [0.0] * dim
    words = _WORD_RE.findall(text.lower()) or [text]
    for word in words:
        digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        vector[digest % dim] += 1.0 if (digest >> 40) & 1 else -1.0
    norm = math.sqrt(sum(x * x for x in vector))
    if norm == 0.0:  # every word cancelled out: still return a unit vector
        vector[0], norm = 1.0, 1.0
    return [x / norm for x in vector]


def embeddings(texts: Iterable[str], model: str, dim: int, encoding: str = "float") -> Json:
    data = []
    total = 0
    for index, text in enumerate(texts):
        vector = embed(text, dim)
        total += estimate_tokens(text)
        value: Any = vector
        if encoding == "base64":
            value = base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode("ascii")
        data.append({"object": "embedding", "index": index, "embedding": value})
    return {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": total, "total_tokens": total},
    }


def models(model: str) -> Json:
    return {
        "object": "list",
        "data": [{"id": model, "object": "model", "created": 0, "owned_by": "django-llmshop"}],
    }

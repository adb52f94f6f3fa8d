"""Turn what an OpenAI-compatible endpoint sends back into results.

Covers the three shapes: a chat completion body, an embeddings body, and the chunks of a
streamed chat completion, which :class:`StreamAssembler` joins into one :class:`ChatResult`
(tool-call pieces are joined by their ``index``). Anything off-shape is an ``LLMResponseError``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import LLMResponseError, StreamInterruptedError
from .sse import SSEEvent
from .types import ChatResult, StreamChunk, ToolCall, ToolCallDelta, Usage


def _is_object(value: Any) -> bool:
    """Whether ``value`` is a JSON object: a dict as decoded (checked first: a chunk of a
    streamed reply has several, and an ABC's check costs several times a type's), or a
    mapping."""
    return type(value) is dict or isinstance(value, Mapping)


def parse_usage(value: Any) -> Usage | None:
    if value is None or not _is_object(value):
        return None
    prompt = value.get("prompt_tokens")
    completion = value.get("completion_tokens")
    return Usage(
        prompt if isinstance(prompt, int) else 0,
        completion if isinstance(completion, int) else 0,
    )


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        return "".join(part.get("text") or "" for part in content if isinstance(part, Mapping))
    raise LLMResponseError(f"message content has unexpected type {type(content).__name__}")


def _arguments_text(arguments: Any) -> str:
    if arguments is None:
        return ""
    if isinstance(arguments, str):
        return arguments
    # Some servers send the arguments already decoded.
    return json.dumps(arguments, ensure_ascii=False)


def _first_choice(body: Mapping[str, Any]) -> Mapping[str, Any]:
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not _is_object(choices[0]):
        raise LLMResponseError("response has no choices")
    choice: Mapping[str, Any] = choices[0]
    return choice


def parse_chat_response(body: Any, model: str) -> ChatResult:
    """A :class:`ChatResult` from a ``/chat/completions`` response body."""
    if not isinstance(body, Mapping):
        raise LLMResponseError("response body is not a JSON object")
    choice = _first_choice(body)
    message = choice.get("message")
    if not isinstance(message, Mapping):
        raise LLMResponseError("response choice has no message")
    tool_calls = []
    for call in message.get("tool_calls") or ():
        function = call.get("function") if isinstance(call, Mapping) else None
        if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
            raise LLMResponseError("response has a tool call without a function name")
        tool_calls.append(
            ToolCall(
                id=str(call.get("id") or ""),
                name=function["name"],
                arguments=_arguments_text(function.get("arguments")),
            )
        )
    return ChatResult(
        text=_content_text(message.get("content")),
        tool_calls=tool_calls,
        usage=parse_usage(body.get("usage")) or Usage(),
        finish_reason=choice.get("finish_reason"),
        model=body.get("model") or model,
        raw=body,
    )


def parse_embeddings(body: Any, count: int) -> tuple[list[list[float]], Usage]:
    """The vectors (in input order) and usage from an ``/embeddings`` response body."""
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, list) or len(data) != count:
        raise LLMResponseError(f"expected {count} embeddings in the response")
    vectors: list[list[float]] = [[] for _ in range(count)]
    for position, item in enumerate(data):
        vector = item.get("embedding") if isinstance(item, Mapping) else None
        index = item.get("index", position) if isinstance(item, Mapping) else position
        if not isinstance(vector, list) or not isinstance(index, int) or not 0 <= index < count:
            raise LLMResponseError("response has a malformed embedding")
        vectors[index] = vector
    return vectors, parse_usage(body.get("usage")) or Usage()


def error_message(body: Any, fallback: str) -> str:
    """The human message in an error body (``{"error": {"message": ...}}`` and variants)."""
    if isinstance(body, Mapping):
        error = body.get("error", body)
        if isinstance(error, Mapping):
            message = error.get("message") or error.get("detail")
            if isinstance(message, str) and message:
                return message
        elif isinstance(error, str) and error:
            return error
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return fallback


class _ToolCallParts:
    __slots__ = ("arguments", "id", "name")

    def __init__(self) -> None:
        self.id = ""
        self.name = ""
        self.arguments: list[str] = []


class StreamAssembler:
    """Joins the chunks of one streamed chat completion into a :class:`ChatResult`."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.done = False  # "[DONE]" arrived
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self._text: list[str] = []
        self._tools: dict[int, _ToolCallParts] = {}

    @property
    def text(self) -> str:
        """The text received so far."""
        return "".join(self._text)

    def add_event(self, event: SSEEvent) -> StreamChunk | None:
        """Take one SSE event; return the chunk it carries (``None`` for control events)."""
        if event.event == "error":
            try:
                body: Any = json.loads(event.data)
            except ValueError:
                body = event.data
            raise LLMResponseError(f"stream error: {error_message(body, 'error')}")
        if event.event != "message" or self.done:
            return None
        if event.data == "[DONE]":
            self.done = True
            return None
        return self.add_chunk(_loads(event.data))

    def add_chunk(self, body: Any) -> StreamChunk:
        """Take one decoded ``chat.completion.chunk``."""
        if not _is_object(body):
            raise LLMResponseError("stream chunk is not a JSON object")
        if "error" in body:
            raise LLMResponseError(f"stream error: {error_message(body, 'error')}")
        if isinstance(body.get("model"), str) and body["model"]:
            self.model = body["model"]
        usage = parse_usage(body.get("usage"))
        if usage is not None:
            self.usage = usage
        choices = body.get("choices")
        if not choices:  # the usage-only chunk at the end
            return StreamChunk(usage=usage, raw=body)
        choice = _first_choice(body)
        delta = choice.get("delta") or {}
        if not _is_object(delta):
            raise LLMResponseError("stream chunk has a malformed delta")
        text = _content_text(delta.get("content"))
        if text:
            self._text.append(text)
        deltas = self._add_tool_deltas(delta.get("tool_calls"))
        finish_reason = choice.get("finish_reason")
        if finish_reason:
            self.finish_reason = finish_reason
        return StreamChunk(text, deltas, finish_reason or None, usage, body)

    def _add_tool_deltas(self, items: Any) -> tuple[ToolCallDelta, ...]:
        if not items:
            return ()
        if not isinstance(items, Sequence):
            raise LLMResponseError("stream chunk has malformed tool calls")
        deltas = []
        for position, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise LLMResponseError("stream chunk has a malformed tool call")
            index = item.get("index", position)
            function = item.get("function") or {}
            if not isinstance(index, int) or not isinstance(function, Mapping):
                raise LLMResponseError("stream chunk has a malformed tool call")
            parts = self._tools.setdefault(index, _ToolCallParts())
            call_id = item.get("id") or None
            name = function.get("name") or None
            arguments = _arguments_text(function.get("arguments"))
            if call_id and not parts.id:
                parts.id = call_id
            if name and not parts.name:
                parts.name = name
            if arguments:
                parts.arguments.append(arguments)
            deltas.append(ToolCallDelta(index, call_id, name, arguments))
        return tuple(deltas)

    def result(self) -> ChatResult:
        """The assembled result; raises if the stream ended before it was finished."""
        if not self.done and self.finish_reason is None:
            raise StreamInterruptedError("the stream ended before the reply was finished")
        return ChatResult(
            text=self.text,
            tool_calls=self.tool_calls(),
            usage=self.usage or Usage(),
            finish_reason=self.finish_reason,
            model=self.model,
        )

    def tool_calls(self) -> list[ToolCall]:
        """The tool calls assembled so far, in index order."""
        return [
            ToolCall(parts.id, parts.name, "".join(parts.arguments))
            for _, parts in sorted(self._tools.items())
        ]


def _loads(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise LLMResponseError(f"stream chunk is not valid JSON: {exc}") from exc

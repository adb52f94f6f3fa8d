"""Value types returned by the LLM client: results, stream chunks, tool calls, call records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from .errors import LLMResponseError

EMPTY_METADATA: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts as reported by the endpoint (0 when it reported none).

    ``estimated`` is True when the counts were estimated from the text because the endpoint
    reported none (see :mod:`.tokens`).
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.estimated or other.estimated,
        )


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call requested by the model; ``arguments`` is the JSON text it produced."""

    id: str
    name: str
    arguments: str

    def parsed_arguments(self) -> dict[str, Any]:
        """The arguments decoded as a JSON object (empty text means no arguments)."""
        if not self.arguments.strip():
            return {}
        try:
            value = json.loads(self.arguments)
        except ValueError as exc:
            raise LLMResponseError(
                f"tool call {self.name!r} has arguments that are not valid JSON: {exc}"
            ) from exc
        if not isinstance(value, dict):
            raise LLMResponseError(f"tool call {self.name!r} has arguments that are not an object")
        return value


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call in a stream; pieces with the same ``index`` form one call."""

    index: int
    id: str | None
    name: str | None
    arguments: str


@dataclass(frozen=True, slots=True)
class ChatResult:
    """A finished chat completion.

    ``parsed`` is the decoded (and validated) JSON when the call asked for JSON output.
    ``raw`` is the decoded response body (``None`` for streams).
    """

    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    model: str = ""
    parsed: Any = None
    raw: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StreamChunk:
    """One event of a chat stream; ``text`` is the new text ("" for chunks without text)."""

    text: str = ""
    tool_call_deltas: tuple[ToolCallDelta, ...] = ()
    finish_reason: str | None = None
    usage: Usage | None = None
    raw: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What one logical call did, for the call log. Never holds the API key.

    ``retries`` counts HTTP requests beyond the first (including a JSON repair request).
    ``ttft_s`` is the time to the first content token for streams, and the duration of the
    successful request for plain chat calls.
    """

    operation: Literal["chat", "stream", "embed"]
    base_url: str
    model: str
    status: Literal["ok", "error"]
    error_class: str | None
    error_message: str
    http_status: int | None
    retries: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    ttft_s: float | None
    request_excerpt: str
    response_excerpt: str
    metadata: Mapping[str, Any] = field(default_factory=lambda: EMPTY_METADATA)
    tokens_estimated: bool = False

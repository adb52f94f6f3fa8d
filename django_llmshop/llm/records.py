"""The tally of one logical call (all its HTTP requests), and the CallRecord made from it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from .responses import StreamAssembler
from .tokens import estimate_prompt_tokens, estimate_tokens
from .types import EMPTY_METADATA, CallRecord, ChatResult, Usage

EXCERPT_CHARS = 2000
Operation = Literal["chat", "stream", "embed"]


class CallState:
    """What one logical call has done so far."""

    __slots__ = (
        "assembler",
        "attempts",
        "http_status",
        "inputs",
        "messages",
        "metadata",
        "operation",
        "requests",
        "result",
        "started",
        "ttft",
        "usage",
        "vectors",
    )

    def __init__(
        self,
        operation: Operation,
        messages: Sequence[Mapping[str, Any]] | None,
        inputs: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
    ) -> None:
        self.operation: Operation = operation
        self.messages = messages
        self.inputs = inputs
        self.metadata = EMPTY_METADATA if metadata is None else metadata
        self.started = time.perf_counter()
        self.requests = 0  # HTTP requests sent, in all
        self.attempts = 0  # HTTP requests sent with the current body
        self.http_status: int | None = None
        self.usage = Usage()
        self.ttft: float | None = None
        self.result: ChatResult | None = None
        self.assembler: StreamAssembler | None = None
        self.vectors: list[list[float]] | None = None


def build_record(
    call: CallState,
    error: BaseException | None,
    *,
    base_url: str,
    model: str,
    scrub: Callable[[str], str],
) -> CallRecord:
    """The record of a finished call; ``scrub`` removes secrets from the text it holds."""
    usage = call.usage
    if call.assembler is not None and call.assembler.usage is not None:
        usage = call.assembler.usage
    if usage.total_tokens == 0:
        usage = _estimated_usage(call)
    if error is None:
        message = ""
    elif isinstance(error, GeneratorExit):
        message = "the consumer closed the stream before it finished"
    else:
        message = excerpt(scrub(str(error)))
    return CallRecord(
        operation=call.operation,
        base_url=base_url,
        model=model,
        status="ok" if error is None else "error",
        error_class=type(error).__name__ if error is not None else None,
        error_message=message,
        http_status=call.http_status,
        retries=max(call.requests - 1, 0),
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        latency_s=time.perf_counter() - call.started,
        ttft_s=call.ttft,
        request_excerpt=scrub(_request_excerpt(call)),
        response_excerpt=scrub(_response_excerpt(call)),
        metadata=call.metadata,
        tokens_estimated=usage.estimated,
    )


def _estimated_usage(call: CallState) -> Usage:
    """Counts estimated from the text, for a chat call that got text but no reported usage.

    A call that never reached the endpoint, or got nothing back, stays at zero."""
    if call.operation == "embed" or call.http_status != 200:
        return call.usage
    if call.result is not None:
        text, tool_calls = call.result.text, call.result.tool_calls
    elif call.assembler is not None:
        text, tool_calls = call.assembler.text, call.assembler.tool_calls()
    else:
        return call.usage
    completion = estimate_tokens(text) + sum(
        estimate_tokens(tool.name) + estimate_tokens(tool.arguments) for tool in tool_calls
    )
    if completion == 0:
        return call.usage
    return Usage(estimate_prompt_tokens(call.messages), completion, estimated=True)


def excerpt(text: str) -> str:
    """``text`` cut to :data:`EXCERPT_CHARS`."""
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _request_excerpt(call: CallState) -> str:
    if call.inputs is not None:
        return excerpt("\n".join(call.inputs[:50]))
    for message in reversed(call.messages or ()):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):  # content parts
                content = " ".join(
                    str(part.get("text", "")) for part in content if isinstance(part, Mapping)
                )
            return excerpt(str(content or ""))
    return ""


def _response_excerpt(call: CallState) -> str:
    if call.vectors is not None:
        size = len(call.vectors[0]) if call.vectors else 0
        return f"{len(call.vectors)} vectors of {size} dimensions"
    if call.result is not None:
        text, tool_calls = call.result.text, call.result.tool_calls
    elif call.assembler is not None:
        text, tool_calls = call.assembler.text, call.assembler.tool_calls()
    else:
        return ""
    lines = [text] if text else []
    lines.extend(f"{tool.name}({tool.arguments})" for tool in tool_calls)
    return excerpt("\n".join(lines))

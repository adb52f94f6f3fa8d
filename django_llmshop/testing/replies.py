"""What the fake server answers: scripted replies, including the ways real endpoints fail."""

from __future__ import annotations

import json as jsonlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ReplyKind = Literal[
    "text", "echo", "error", "reset", "stall", "stall_mid_stream", "truncated", "malformed", "raw"
]

# Long enough that the failure replies have chunks to send before they fail.
FILLER_TEXT = "This reply is cut short on purpose, so the client sees what a broken stream does."


@dataclass(frozen=True)
class ToolCall:
    """One function call the model asks for; `arguments` is the raw JSON string sent."""

    name: str
    arguments: str
    id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:24]}")


@dataclass(frozen=True)
class Reply:
    """One answer of the fake server. Build it with the class methods, not directly.

    `ttft` delays the first chunk of a stream (and a non-streamed answer as a whole);
    `token_delay` separates the following content chunks. `usage` is
    (prompt_tokens, completion_tokens); when None it is estimated from the text.
    """

    kind: ReplyKind
    content: str | None = None
    calls: tuple[ToolCall, ...] = ()
    ttft: float = 0.0
    token_delay: float = 0.0
    usage: tuple[int, int] | None = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    after_chunks: int = 0
    seconds: float = 0.0

    @classmethod
    def text(
        cls,
        text: str,
        *,
        ttft: float = 0.0,
        token_delay: float = 0.0,
        usage: tuple[int, int] | None = None,
    ) -> Reply:
        """An assistant message with this content (finish_reason "stop")."""
        return cls("text", content=text, ttft=ttft, token_delay=token_delay, usage=usage)

    @classmethod
    def json(
        cls,
        value: Any,
        *,
        ttft: float = 0.0,
        token_delay: float = 0.0,
        usage: tuple[int, int] | None = None,
    ) -> Reply:
        """An assistant message whose content is `json.dumps(value)`."""
        return cls.text(jsonlib.dumps(value), ttft=ttft, token_delay=token_delay, usage=usage)

    @classmethod
    def tool_calls(
        cls,
        *calls: tuple[str, Mapping[str, Any] | str] | ToolCall,
        content: str | None = None,
        ttft: float = 0.0,
        token_delay: float = 0.0,
        usage: tuple[int, int] | None = None,
    ) -> Reply:
        """Calls as `(name, arguments)`: a mapping is JSON-encoded, a string is sent as is."""
        if not calls:
            raise ValueError("Reply.tool_calls() needs at least one call")
        built = tuple(
            call
            if isinstance(call, ToolCall)
            else ToolCall(call[0], call[1] if isinstance(call[1], str) else jsonlib.dumps(call[1]))
            for call in calls
        )
        return cls(
            "text", content=content, calls=built, ttft=ttft, token_delay=token_delay, usage=usage
        )

    @classmethod
    def echo(cls, prefix: str = "Echo: ", *, ttft: float = 0.0, token_delay: float = 0.0) -> Reply:
        """`prefix` followed by the text of the last user message (the built-in default)."""
        return cls("echo", content=prefix, ttft=ttft, token_delay=token_delay)

    @classmethod
    def error(
        cls,
        status: int,
        *,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        message: str | None = None,
    ) -> Reply:
        """An HTTP error; `body` None gives an OpenAI-style error object, str/bytes go raw."""
        return cls("error", status=status, headers=dict(headers or {}), body=body, content=message)

    @classmethod
    def reset_mid_stream(
        cls, after_chunks: int = 3, *, text: str = FILLER_TEXT, token_delay: float = 0.0
    ) -> Reply:
        """Send `after_chunks` data events (role chunk included), then abort with a TCP RST.

        Not streamed: the headers and half the body, then the RST.
        """
        return cls("reset", content=text, after_chunks=after_chunks, token_delay=token_delay)

    @classmethod
    def stall(cls, seconds: float = 30.0) -> Reply:
        """Read the request, then send nothing for `seconds` (or until stop) and close."""
        return cls("stall", seconds=seconds)

    @classmethod
    def stall_mid_stream(
        cls, after_chunks: int = 2, seconds: float = 30.0, *, text: str = FILLER_TEXT
    ) -> Reply:
        """Send `after_chunks` data events, then nothing for `seconds`, then close unfinished.

        Not streamed: the headers and half the body, then the stall.
        """
        return cls("stall_mid_stream", content=text, after_chunks=after_chunks, seconds=seconds)

    @classmethod
    def truncated_stream(cls, after_chunks: int = 2, *, text: str = FILLER_TEXT) -> Reply:
        """End the stream cleanly after `after_chunks` events: no finish_reason, no [DONE].

        Not streamed: a well-formed answer holding the first tokens, finish_reason "length".
        """
        return cls("truncated", content=text, after_chunks=after_chunks)

    @classmethod
    def malformed_json(cls) -> Reply:
        """A 200 whose body is not JSON; streamed, a `data:` line that is not JSON."""
        return cls("malformed")

    @classmethod
    def raw(cls, body: bytes | str, *, content_type: str | None = None) -> Reply:
        """A 200 whose body is exactly `body`: what a broken or hostile endpoint may send.

        To a streamed request `body` is the whole event stream (a lone ``data: [DONE]`` event
        is a stream with no chunk at all), sent as ``text/event-stream`` unless `content_type`
        says otherwise; to any other request it is the body, sent as ``application/json``.
        Works for embeddings too (vectors holding ``1e400`` or strings, a wrong shape).
        """
        data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        headers = {"Content-Type": content_type} if content_type else {}
        return cls("raw", body=data, headers=headers)

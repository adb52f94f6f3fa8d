"""Reading the fake server's event streams in tests: data lines, text and tool calls."""

from __future__ import annotations

import json
from typing import Any

import httpx


def stream_lines(client: httpx.Client, body: dict[str, Any]) -> list[str]:
    """The `data:` payloads of a streamed chat completion, in order."""
    payloads = []
    with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                payloads.append(line.removeprefix("data: "))
            else:
                assert line == "", line
    return payloads


def chunks(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line != "[DONE]"]


def streamed_text(lines: list[str]) -> str:
    return "".join(
        choice["delta"].get("content") or ""
        for chunk in chunks(lines)
        for choice in chunk["choices"]
    )


def streamed_tool_calls(lines: list[str]) -> list[dict[str, str]]:
    """Tool-call deltas put together by index, as a client would."""
    calls: dict[int, dict[str, str]] = {}
    for chunk in chunks(lines):
        for choice in chunk["choices"]:
            for delta in choice["delta"].get("tool_calls") or []:
                call = calls.setdefault(delta["index"], {"id": "", "name": "", "arguments": ""})
                call["id"] += delta.get("id", "")
                call["name"] += delta.get("function", {}).get("name", "")
                call["arguments"] += delta.get("function", {}).get("arguments", "")
    return [calls[index] for index in sorted(calls)]


def finish_reasons(lines: list[str]) -> list[str]:
    return [
        choice["finish_reason"]
        for chunk in chunks(lines)
        for choice in chunk["choices"]
        if choice["finish_reason"] is not None
    ]

"""The faults of the fault matrix and the well-behaved model around them, for the fake server.

A :class:`Fault` scripts one way an endpoint can go wrong, for each kind of request: a streamed
chat reply, a plain chat call asking for JSON (content, re-rank) and an embeddings call. After
the scripted fault, :class:`Model` answers like a good model (valid JSON for any schema asked),
unless the fault makes it misbehave for good (tool calls on every step).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_llmshop.testing import FakeLLMServer, RecordedRequest, Reply
from django_llmshop.text import has_unwanted

GOOD_TEXT = "The Trail Bottle is made of stainless steel"
Script = Callable[[FakeLLMServer, "Model"], None]


class Model:
    """Answers every request well, with ``poison`` put into the first ``poisoned`` answers'
    strings, or with tool calls for ever when ``endless``."""

    def __init__(self) -> None:
        self.poison = ""
        self.poisoned = 0
        self.endless = False
        self.usage: tuple[int, int] | None = None

    def __call__(self, request: RecordedRequest) -> Reply:
        if self.endless:
            return Reply.tool_calls(("search_catalog", {"query": "bottle"}))
        dose = ""
        if self.poisoned > 0:
            self.poisoned -= 1
            dose = self.poison

        def spoil(text: str) -> str:
            return text.replace(" is ", f" is{dose} ", 1) + dose if dose else text

        fmt = (request.json or {}).get("response_format")
        if not isinstance(fmt, dict):
            return Reply.text(spoil(GOOD_TEXT + "."), usage=self.usage)
        schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema") or {}
        if "ranking" in schema.get("properties", {}):
            ids = re.findall(
                r"^- (\w+)",
                request.json["messages"][-1]["content"].split("Candidates:", 1)[-1],
                re.M,
            )
            value: Any = {"ranking": [{"product_id": i, "reason": "Goes with it"} for i in ids]}
        else:
            value = instance(schema)
        return Reply.text(json.dumps(poisoned(value, spoil)), usage=self.usage)


def instance(schema: dict[str, Any]) -> Any:
    """A value valid for ``schema`` (the subset of JSON Schema the package's prompts use)."""
    kind = schema.get("type")
    if kind == "object":
        return {name: instance(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [instance(schema.get("items") or {"type": "string"})]
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    text = GOOD_TEXT[: schema.get("maxLength", 100) - 1]  # room for a poisoned character
    return text.ljust(schema.get("minLength", 0), ".")


def poisoned(value: Any, poison: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return poison(value)
    if isinstance(value, dict):
        return {k: poisoned(v, poison) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, poison) for v in value]
    return value


@dataclass(frozen=True)
class Fault:
    """One fault; ``chat``/``json``/``embed`` script it for that kind of request (None: the
    fault does not exist there, e.g. tool calls on an embeddings endpoint)."""

    name: str
    chat: Script | None
    json: Script | None
    embed: Script | None = None
    max_retries: int = 0


def add(*replies: Reply) -> Script:
    return lambda server, model: server.add(*replies)


def add_embed(*replies: Reply) -> Script:
    return lambda server, model: server.add(*replies, endpoint="embeddings")


def both(*replies: Reply) -> tuple[Script, Script, Script]:
    return add(*replies), add(*replies), add_embed(*replies)


def poison(text: str, count: int = 2) -> Script:
    def script(server: FakeLLMServer, model: Model) -> None:
        model.poison, model.poisoned = text, count

    return script


def endless(server: FakeLLMServer, model: Model) -> None:
    model.endless = True


def absurd_usage(server: FakeLLMServer, model: Model) -> None:
    model.usage = (-5, 10**12)  # below zero, and beyond a database integer


def vectors(*values: str) -> Reply:
    """An embeddings answer whose one vector holds ``values`` as written (``1e400``, ``NaN``)."""
    vector = ", ".join([*values, *["0.5"] * 6])
    return Reply.raw(
        '{"object": "list", "model": "m", "usage": {"prompt_tokens": 3, "total_tokens": 3}, '
        f'"data": [{{"object": "embedding", "index": 0, "embedding": [{vector}]}}]}}'
    )


def tools(*calls: tuple[str, str]) -> Reply:
    return Reply.tool_calls(*calls)


HTML = Reply.raw(b"<html><body>Service Unavailable</body></html>", content_type="text/html")
GARBAGE_SSE = Reply.raw(
    b'data: {"choices": [\n\nevent\x00: junk\n\n\xff\xfe\x00\n\ndata: [DONE]\n\n'
)

FAULTS = [
    Fault("429 Retry-After 0", *both(Reply.error(429, headers={"Retry-After": "0"})), 1),
    Fault("429 without Retry-After", *both(Reply.error(429))),
    Fault("500", *both(Reply.error(500))),
    Fault(
        "502 html",
        *both(
            Reply.error(502, body="<html>Bad gateway</html>", headers={"Content-Type": "text/html"})
        ),
    ),
    Fault("503", *both(Reply.error(503, message="overloaded"))),
    Fault("stall", *both(Reply.stall(seconds=3))),
    Fault("reset mid-stream", *both(Reply.reset_mid_stream(after_chunks=3))),
    Fault("garbage body", add(HTML), add(Reply.malformed_json()), add_embed(HTML)),
    Fault("garbage SSE", add(GARBAGE_SSE), add(GARBAGE_SSE), add_embed(GARBAGE_SSE)),
    Fault(
        "bad chunk shape",
        add(Reply.raw(b'data: {"choices": [{"delta": "oops"}]}\n\ndata: [DONE]\n\n')),
        add(Reply.raw(b'{"choices": [{"message": 42}]}')),
        add_embed(Reply.raw(b'{"data": [{"embedding": "oops"}], "usage": 7}')),
    ),
    Fault(
        "empty stream",
        add(Reply.raw(b"data: [DONE]\n\n")),
        add(Reply.text("")),
        add_embed(Reply.raw(b'{"object": "list", "data": []}')),
    ),
    Fault("NUL in text", poison("\x00"), poison("\x00"), add_embed(vectors('"\\u0000"'))),
    Fault("surrogate in text", poison("\ud800"), poison("\udfff")),
    Fault(
        "1e400 in text",
        add(Reply.text("Only 1e400 left, at NaN or -1e400 dollars.")),
        add(Reply.text('{"description": "Holds 1e400 ml", "bullets": [1e400], "x": NaN}')),
        add_embed(vectors("1e400", "NaN")),
    ),
    Fault(
        "NUL in tool arguments",
        add(
            tools(
                ("search_catalog", '{"query": "bottle\\u0000"}'),
                ("read_policy", '{"topic": "returns\x00"}'),
            )
        ),
        add(tools(("search_catalog", '{"query": "bottle\\u0000"}'))),
    ),
    Fault(
        "surrogate in tool arguments",
        add(tools(("get_product", '{"product": "\\ud800"}'))),
        add(tools(("get_product", '{"product": "\\ud800"}'))),
    ),
    Fault(
        "1e400 in tool arguments",
        add(
            tools(
                ("search_catalog", '{"query": "bottle", "limit": 1e400}'),
                ("search_catalog", '{"query": "bottle", "limit": NaN}'),
                ("search_catalog", '{"query": "x", "limit": 12345678901234567890123}'),
            )
        ),
        add(tools(("search_catalog", '{"query": "bottle", "limit": 1e400}'))),
    ),
    Fault("unknown tool", add(tools(("drop_all_tables", "{}"))), add(tools(("x\x00", "{}")))),
    Fault("endless tool calls", endless, endless),
    Fault(
        "absurd token counts",
        absurd_usage,
        absurd_usage,
        add_embed(Reply.raw(b'{"data": [], "usage": {"prompt_tokens": -7}}')),
    ),
    Fault(
        "invalid JSON for a schema",
        add(Reply.text('{"not": "an answer"}')),
        add(Reply.json({"unexpected": True}), Reply.text("{'single': quotes,}")),
    ),
]


def unwanted_in(value: Any) -> list[str]:
    """Every string inside ``value`` that holds NUL, a lone surrogate or a control character."""
    if isinstance(value, str):
        return [value] if has_unwanted(value) else []
    if isinstance(value, dict):
        return [s for item in [*value.keys(), *value.values()] for s in unwanted_in(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in unwanted_in(item)]
    return []

"""The SSE parser and the stream assembler, including input split at every byte offset."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_llmshop.llm import LLMResponseError, StreamInterruptedError, ToolCall, Usage
from django_llmshop.llm.responses import StreamAssembler
from django_llmshop.llm.sse import SSEEvent, SSEParser


def parse(*parts: bytes) -> list[SSEEvent]:
    parser = SSEParser()
    events = []
    for part in parts:
        events += parser.feed(part)
    return events + parser.close()


def test_single_event():
    assert parse(b"data: hello\n\n") == [SSEEvent(data="hello")]


def test_value_keeps_all_but_one_leading_space():
    assert parse(b"data:no space\n\ndata:  two spaces\n\n") == [
        SSEEvent(data="no space"),
        SSEEvent(data=" two spaces"),
    ]


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"])
def test_line_ends(end):
    raw = b"data: a" + end + b"data: b" + end + end + b"data: c" + end + end
    assert [e.data for e in parse(raw)] == ["a\nb", "c"]


def test_mixed_line_ends_in_one_stream():
    raw = b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"
    assert [e.data for e in parse(raw)] == ["a\nb\nc", "d"]


def test_crlf_split_between_cr_and_lf_is_one_line_end():
    # "\r" then "\n" in the next chunk must not count as two line ends (an empty line
    # between them would dispatch "a" alone).
    assert [e.data for e in parse(b"data: a\r", b"\ndata: b\r\n\r\n")] == ["a\nb"]


def test_lone_cr_at_chunk_end_then_data():
    assert [e.data for e in parse(b"data: a\r", b"\r", b"data: b\n\n")] == ["a", "b"]


def test_multibyte_character_split_across_chunks():
    raw = "data: héllo €😀\n\n".encode()
    for cut in range(len(raw) + 1):
        assert parse(raw[:cut], raw[cut:]) == [SSEEvent(data="héllo €😀")]


def test_byte_by_byte():
    raw = "event: delta\ndata: 天气\n\n".encode()
    assert parse(*(raw[i : i + 1] for i in range(len(raw)))) == [
        SSEEvent(data="天气", event="delta")
    ]


def test_comments_are_ignored():
    assert parse(b": keep-alive\n\n:another\ndata: x\n: inside\n\n") == [SSEEvent(data="x")]


def test_event_and_id_fields():
    events = parse(b"event: update\nid: 7\ndata: a\n\ndata: b\n\n")
    assert events == [SSEEvent(data="a", event="update", id="7"), SSEEvent(data="b", id="7")]


def test_retry_field_and_unknown_fields():
    events = parse(b"retry: 1500\nfoo: bar\ndata: a\n\nretry: soon\ndata: b\n\n")
    assert [(e.data, e.retry) for e in events] == [("a", 1500), ("b", 1500)]


def test_field_without_colon():
    assert parse(b"data\ndata\n\n") == [SSEEvent(data="\n")]


def test_blank_line_without_data_dispatches_nothing():
    assert parse(b"event: ping\n\n\n\ndata: x\n\n") == [SSEEvent(data="x")]


def test_leading_bom_is_dropped():
    assert parse(b"\xef\xbb\xbf", b"data: x\n\n") == [SSEEvent(data="x")]


def test_complete_event_without_final_blank_line_is_dispatched_at_close():
    assert parse(b"data: [DONE]\n") == [SSEEvent(data="[DONE]")]


def test_half_received_line_is_dropped_at_close():
    assert parse(b'data: x\n\ndata: {"choi') == [SSEEvent(data="x")]


def test_feed_returns_events_as_soon_as_they_complete():
    parser = SSEParser()
    assert parser.feed(b"data: a\n") == []
    assert parser.feed(b"\ndata: b") == [SSEEvent(data="a")]
    assert parser.feed(b"\n\n") == [SSEEvent(data="b")]


# -- the assembler ---------------------------------------------------------------------------


def assemble(raw: bytes, *cuts: int):
    parser, assembler = SSEParser(), StreamAssembler("fallback")
    chunks = []
    previous = 0
    for cut in [*sorted(cuts), len(raw)]:
        for event in parser.feed(raw[previous:cut]):
            chunk = assembler.add_event(event)
            if chunk is not None:
                chunks.append(chunk)
        previous = cut
    for event in parser.close():
        chunk = assembler.add_event(event)
        if chunk is not None:
            chunks.append(chunk)
    return chunks, assembler.result()


def tool_delta(index, *, id=None, name=None, arguments=""):
    function: dict[str, Any] = {"arguments": arguments}
    if name:
        function["name"] = name
    item: dict[str, Any] = {"index": index, "function": function}
    if id:
        item["id"] = id
        item["type"] = "function"
    return {"choices": [{"index": 0, "delta": {"tool_calls": [item]}}]}


def test_tool_call_deltas_are_joined_by_index():
    chunks = [
        tool_delta(0, id="call_a", name="search_catalog", arguments=""),
        tool_delta(1, id="call_b", name="get_product", arguments='{"id"'),
        tool_delta(0, arguments='{"query": '),
        tool_delta(0, arguments='"red shoes"}'),
        tool_delta(1, arguments=": 42}"),
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        {"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 9}},
    ]
    raw = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"
    _, result = assemble(raw)
    assert result.tool_calls == [
        ToolCall("call_a", "search_catalog", '{"query": "red shoes"}'),
        ToolCall("call_b", "get_product", '{"id": 42}'),
    ]
    assert result.tool_calls[1].parsed_arguments() == {"id": 42}
    assert result.finish_reason == "tool_calls"
    assert result.usage == Usage(11, 9)


def test_usage_only_chunk_with_empty_choices():
    chunk_list, result = assemble(
        b'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\n'
        b'data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":1}}\n\n'
        b"data: [DONE]\n\n"
    )
    assert [c.text for c in chunk_list] == ["hi", ""]
    assert chunk_list[1].usage == Usage(2, 1)
    assert (result.text, result.usage) == ("hi", Usage(2, 1))


def test_events_after_done_are_ignored():
    chunks, result = assemble(
        b'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n'
        b'data: {"choices":[{"index":0,"delta":{"content":"b"}}]}\n\n'
    )
    assert result.text == "a"
    assert len(chunks) == 1


def test_stream_without_done_or_finish_reason_is_interrupted():
    with pytest.raises(StreamInterruptedError):
        assemble(b'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n')


def test_stream_with_finish_reason_but_no_done_is_complete():
    _, result = assemble(
        b'data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"length"}]}\n\n'
    )
    assert (result.text, result.finish_reason) == ("a", "length")


@pytest.mark.parametrize(
    "raw",
    [
        b"data: {not json}\n\n",
        b'data: {"error": {"message": "model overloaded"}}\n\n',
        b'event: error\ndata: {"message": "boom"}\n\n',
        b"data: [1, 2]\n\n",
    ],
)
def test_bad_chunks_raise_response_error(raw):
    with pytest.raises(LLMResponseError):
        assemble(raw)


# -- property: any split of a generated stream parses the same -------------------------------

pieces = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8
)


@st.composite
def event_streams(draw, max_texts=6):
    """A streamed reply with text, tool calls, comments and mixed line ends, plus what it says."""
    texts = draw(st.lists(pieces, max_size=max_texts))
    # per tool call, the pieces its arguments arrive in
    tools = draw(st.lists(st.lists(pieces, min_size=1, max_size=3), max_size=2))
    chunks: list[dict[str, Any]] = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    chunks += [{"choices": [{"index": 0, "delta": {"content": text}}]} for text in texts]
    for index, parts in enumerate(tools):
        chunks.append(tool_delta(index, id=f"call_{index}", name=f"tool_{index}"))
        chunks += [tool_delta(index, arguments=part) for part in parts]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    chunks.append({"choices": [], "usage": {"prompt_tokens": 4, "completion_tokens": 2}})

    out = []
    for chunk in chunks:
        end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        if draw(st.booleans()):
            out.append(": comment ünïcode" + end)
        if draw(st.booleans()):
            # multi-line data: the JSON split over several data lines (joined with "\n")
            lines = json.dumps(chunk, ensure_ascii=False, indent=1).split("\n")
        else:
            lines = [json.dumps(chunk, ensure_ascii=draw(st.booleans()))]
        out.extend(f"data: {line}{end}" for line in lines)
        out.append(end)
    out.append("data: [DONE]\n\n")
    expected_tools = [
        ToolCall(f"call_{index}", f"tool_{index}", "".join(parts))
        for index, parts in enumerate(tools)
    ]
    return "".join(out).encode(), "".join(texts), expected_tools


@settings(max_examples=25, deadline=None)
@given(event_streams(max_texts=3))
def test_every_two_way_split_parses_the_same(stream):
    raw, text, tools = stream
    whole_chunks, whole = assemble(raw)
    assert whole.text == text
    assert whole.tool_calls == tools
    assert whole.usage == Usage(4, 2)
    assert "".join(c.text for c in whole_chunks) == text
    for cut in range(len(raw) + 1):
        chunks, result = assemble(raw, cut)
        assert result == whole
        assert chunks == whole_chunks


@settings(max_examples=150, deadline=None)
@given(event_streams(), st.data())
def test_random_splits_parse_the_same(stream, data):
    raw, text, tools = stream
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=40))
    chunks, result = assemble(raw, *cuts)
    assert (result.text, result.tool_calls) == (text, tools)
    assert chunks == assemble(raw)[0]

"""The chat tools check the model's arguments before they run, and answer errors, not raise."""

from __future__ import annotations

import json

import pytest

from django_llmshop.llm import ToolCall
from django_llmshop.support.models import Conversation
from django_llmshop.support.tool_arguments import (
    MAX_TEXT_CHARS,
    ToolArgumentError,
    check_arguments,
    decode_arguments,
)
from django_llmshop.support.tools import PARAMETERS, ChatContext, run_tool
from django_llmshop.text import has_unwanted

SEARCH = PARAMETERS["search_catalog"]


def test_arguments_are_cleaned_and_bounded():
    checked = check_arguments(SEARCH, {"query": " steel\x00 bottle ", "limit": 8.0, "x": 1})
    assert checked == {"query": "steel bottle", "limit": 8}
    assert check_arguments(PARAMETERS["get_product"], {"product": 42}) == {"product": "42"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"query": "bottle", "limit": 9}, "'limit' must be between 1 and 8."),
        ({"query": "bottle", "limit": 0}, "'limit' must be between 1 and 8."),
        ({"query": "bottle", "limit": True}, "'limit' must be a whole number."),
        ({"query": "bottle", "limit": "5"}, "'limit' must be a whole number."),
        ({"query": "bottle", "limit": 1e300}, "'limit' must be between 1 and 8."),
        ({"query": ["bottle"]}, "'query' must be a string."),
        ({"query": "x" * (MAX_TEXT_CHARS + 1)}, "'query' must be at most 200 characters."),
        ({"query": "\x00\x00"}, "'query' is required."),
        ({}, "'query' is required."),
    ],
)
def test_arguments_that_do_not_fit(arguments, message):
    with pytest.raises(ToolArgumentError) as excinfo:
        check_arguments(SEARCH, arguments)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("raw", ['{"limit": 1e400}', '{"limit": NaN}', "[1]", '{"a": '])
def test_arguments_that_are_no_json_object(raw):
    with pytest.raises(ToolArgumentError):
        decode_arguments(raw)


@pytest.fixture
def ctx(db):
    return ChatContext(conversation=Conversation.objects.create(session_key="t"), user=None)


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("search_catalog", '{"query": "bottle", "limit": 1e400}', "not valid JSON"),
        ("search_catalog", '{"query": "bottle", "limit": 99}', "between 1 and 8"),
        ("drop_tables\x00", "{}", "There is no tool named 'drop_tables'."),
        ("get_product", '{"product": "\\ud800"}', "'product' is required."),
    ],
)
def test_run_tool_answers_the_model_with_an_error(ctx, name, arguments, error):
    wrapped, record = run_tool(ctx, ToolCall("call_1", name, arguments))
    assert error in wrapped
    assert not has_unwanted(json.dumps(record, ensure_ascii=False))


def test_a_tool_that_fails_inside_tells_the_model(ctx, monkeypatch, caplog):
    from django_llmshop.support import tools

    def broken(ctx, **kwargs):
        raise RuntimeError("the catalog database is down")

    monkeypatch.setitem(tools.TOOLS, "read_policy", broken)
    wrapped, _ = run_tool(ctx, ToolCall("call_1", "read_policy", '{"topic": "returns"}'))
    assert "The tool failed" in wrapped
    assert "the catalog database is down" not in wrapped
    assert "chat tool read_policy failed" in caplog.text

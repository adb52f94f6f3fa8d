"""Token counts for endpoints that report no usage: estimated from the text, and marked so."""

from __future__ import annotations

import pytest

from django_llmshop.llm import LLMClient, ServerError
from django_llmshop.llm.tokens import estimate_prompt_tokens, estimate_tokens

from .endpoint import Endpoint, chat, stream, text_chunks

MESSAGES = [
    {"role": "system", "content": "You sell shoes."},
    {"role": "user", "content": "Do you have red shoes in size 42?"},
]


def client(*replies):
    records = []
    endpoint = Endpoint(*replies)
    llm = LLMClient(
        "http://llm.test/v1",
        model="m",
        transport=endpoint.transport,
        on_record=records.append,
        max_retries=0,
    )
    return llm, records


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("", 0, 0),
        ("Hello", 1, 2),
        ("We ship within three days.", 5, 8),
        ("退货政策是三十天", 8, 8),  # one per ideograph
        ("antidisestablishmentarianism", 5, 8),  # long words take several tokens
        ("Price: $19.99!", 5, 8),
    ],
)
def test_estimate_tokens(text, low, high):
    assert low <= estimate_tokens(text) <= high


def test_prompt_estimate_counts_every_message_and_tool_call():
    one = estimate_prompt_tokens(MESSAGES[:1])
    both = estimate_prompt_tokens(MESSAGES)
    assert 0 < one < both
    with_call = [
        *MESSAGES,
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c", "function": {"name": "get_product", "arguments": '{"id": 7}'}}
            ],
        },
    ]
    assert estimate_prompt_tokens(with_call) > both


def test_a_stream_without_usage_is_logged_with_estimated_tokens():
    llm, records = client(stream(text_chunks("We have ", "red shoes ", "in size 42.", usage=None)))
    text = "".join(chunk.text for chunk in llm.stream(MESSAGES))
    assert text == "We have red shoes in size 42."
    (record,) = records
    assert record.tokens_estimated is True
    assert record.completion_tokens == estimate_tokens(text)
    assert record.prompt_tokens == estimate_prompt_tokens(MESSAGES)


def test_a_stream_with_usage_keeps_the_endpoint_figures():
    llm, records = client(stream(text_chunks("We do.", usage=(30, 3))))
    list(llm.stream(MESSAGES))
    (record,) = records
    assert (record.prompt_tokens, record.completion_tokens) == (30, 3)
    assert record.tokens_estimated is False


def test_a_plain_call_without_usage_is_estimated_too():
    response = chat("Yes, in red.")
    body = response.json()
    del body["usage"]
    llm, records = client(type(response)(200, json=body))
    assert llm.chat(MESSAGES).text == "Yes, in red."
    (record,) = records
    assert record.tokens_estimated is True
    assert record.completion_tokens > 0


def test_a_failed_call_that_got_no_text_stays_at_zero():
    llm, records = client(type(chat())(500, json={"error": {"message": "down"}}))
    with pytest.raises(ServerError):
        llm.chat(MESSAGES)
    (record,) = records
    assert (record.prompt_tokens, record.completion_tokens) == (0, 0)
    assert record.tokens_estimated is False

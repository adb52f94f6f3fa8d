"""The async gateway: its own chat, stream and embed as coroutines, with budget and call log."""

import asyncio
from decimal import Decimal

import pytest

from django_llmshop import gateway
from django_llmshop.gateway import AsyncPurposeLLM, PurposeLLM, allm_for, llm_for
from django_llmshop.llm import AsyncChatStream, BudgetExceededError, ChatStream
from django_llmshop.models import Budget, LLMCall
from django_llmshop.testing import Reply

MESSAGES = [{"role": "user", "content": "Is the bottle dishwasher safe?"}]

pytestmark = pytest.mark.django_db(transaction=True)  # the async call log writes in a thread


@pytest.fixture
def endpoint(llm_server, settings):
    settings.LLMSHOP = {
        "ENDPOINTS": {"default": {"BASE_URL": llm_server.base_url, "MODEL": "fake"}},
        "PURPOSES": {"embedding": "default"},
    }
    return llm_server


def test_the_siblings_share_no_sync_calls():
    assert not issubclass(AsyncPurposeLLM, PurposeLLM)
    assert not hasattr(AsyncPurposeLLM, "stream")
    assert asyncio.iscoroutinefunction(AsyncPurposeLLM.chat)
    assert asyncio.iscoroutinefunction(AsyncPurposeLLM.embed)


def test_sync_stream_is_a_chat_stream(endpoint):
    endpoint.add(Reply.text("Yes, top rack."))
    stream = llm_for("support").stream(MESSAGES)
    assert isinstance(stream, ChatStream)
    assert "".join(chunk.text for chunk in stream) == "Yes, top rack."
    assert stream.result.text == "Yes, top rack."


def test_astream_yields_the_reply_and_logs_one_stream_call(endpoint):
    endpoint.add(Reply.text("Yes, top rack.", token_delay=0.01))

    async def read() -> tuple[str, str, bool]:
        async with allm_for("support") as llm:
            stream = llm.astream(MESSAGES)
            text = "".join([chunk.text async for chunk in stream])
            return text, stream.result.text, isinstance(stream, AsyncChatStream)

    text, result, typed = asyncio.run(read())
    assert (text, result, typed) == ("Yes, top rack.", "Yes, top rack.", True)
    call = LLMCall.objects.get()
    assert (call.operation, call.status, call.purpose) == ("stream", "ok", "support")


def test_async_chat_and_embed_write_the_call_log(endpoint):
    endpoint.add(Reply.text("Done."))

    async def run() -> tuple[str, list[list[float]]]:
        async with allm_for("embedding") as llm:
            vectors = await llm.embed(["steel bottle", "steel bottle"])
        async with allm_for("content") as llm:
            result = await llm.chat(MESSAGES)
        return result.text, vectors

    text, vectors = asyncio.run(run())
    assert text == "Done." and len(vectors) == 2 and vectors[0] == vectors[1]
    assert sorted(LLMCall.objects.values_list("operation", flat=True)) == ["chat", "embed"]


def test_a_spent_budget_stops_async_calls_before_any_request(endpoint):
    Budget.objects.create(purpose="support", daily_limit=Decimal("0"))

    async def run() -> list[str]:
        failed = []
        async with allm_for("support") as llm:
            for call in (
                lambda: llm.chat(MESSAGES),
                lambda: llm.embed(["x"]),
                lambda: llm.achat(MESSAGES),  # the older name of chat
            ):
                try:
                    await call()
                except BudgetExceededError:
                    failed.append("call")
            try:
                [chunk async for chunk in llm.astream(MESSAGES)]
            except BudgetExceededError:
                failed.append("stream")
        return failed

    gateway._budget_cache = None
    assert asyncio.run(run()) == ["call", "call", "call", "stream"]
    assert endpoint.requests == []
    assert not LLMCall.objects.exists()

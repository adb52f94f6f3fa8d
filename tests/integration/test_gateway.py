"""The Django gateway: shared clients, budgets, the call log, purposes and async batches."""

import asyncio
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from django_llmshop import gateway as gateway_module
from django_llmshop.gateway import allm_for, check_budget, client_for_endpoint, llm_for
from django_llmshop.llm import BudgetExceededError
from django_llmshop.models import Budget, LLMCall
from django_llmshop.testing import Reply
from shop.models import Category, Product

MESSAGES = [
    {"role": "user", "content": "Write to jane.doe@example.com about card 4111 1111 1111 1111"}
]


@pytest.fixture
def endpoint(llm_server, settings, db):
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {
                "BASE_URL": llm_server.base_url,
                "MODEL": "fake",
                "PRICE_PER_MTOK_IN": 1000.0,
                "PRICE_PER_MTOK_OUT": 2000.0,
            }
        },
    }
    return llm_server


@pytest.fixture
def product(db):
    category = Category.objects.create(name="Drinkware", slug="drinkware")
    return Product.objects.create(
        category=category,
        name="Trail Bottle",
        slug="trail-bottle",
        sku="TB-750",
        price=Decimal("24.00"),
        attributes={"capacity": "750 ml"},
    )


def test_one_client_per_endpoint_is_reused(endpoint):
    assert client_for_endpoint("default") is client_for_endpoint("default")


def test_clients_are_rebuilt_when_settings_change(endpoint, settings):
    first = client_for_endpoint("default")
    settings.LLMSHOP = {**settings.LLMSHOP, "RETRY_AFTER_CAP": 5}
    assert client_for_endpoint("default") is not first


def test_a_call_writes_one_row_with_cost_object_and_redacted_excerpt(endpoint, product):
    endpoint.add(Reply.text("Done.", usage=(1000, 500)))
    result = llm_for("content", obj=product).chat(MESSAGES)
    assert result.text == "Done."
    call = LLMCall.objects.get()
    assert call.purpose == "content" and call.endpoint == "default" and call.model == "fake"
    assert call.cost == Decimal("2.000000")  # 1000 × 1000/1M + 500 × 2000/1M
    assert call.served_object == product
    assert call.content_type == ContentType.objects.get_for_model(Product)
    assert "jane.doe@example.com" not in call.prompt_excerpt
    assert "4111" not in call.prompt_excerpt
    assert "[redacted]" in call.prompt_excerpt
    assert call.response_excerpt == "Done."
    assert call.latency_ms >= 0 and call.status == "ok"


def test_log_prompts_off_keeps_no_excerpts(endpoint, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "LOG_PROMPTS": False}
    endpoint.add(Reply.text("Hidden."))
    llm_for("support").chat(MESSAGES)
    call = LLMCall.objects.get()
    assert call.prompt_excerpt == "" and call.response_excerpt == ""


def test_stream_logs_time_to_first_token(endpoint):
    endpoint.add(Reply.text("one two three four", ttft=0.2, token_delay=0.01))
    text = "".join(chunk.text for chunk in llm_for("support").stream(MESSAGES))
    assert text == "one two three four"
    call = LLMCall.objects.get()
    assert call.operation == "stream" and call.status == "ok"
    assert call.ttft_ms is not None and call.ttft_ms >= 190
    assert call.latency_ms >= call.ttft_ms


def test_settings_budget_blocks_calls_once_spent(endpoint, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "DAILY_BUDGETS": {"content": 1.5}}
    endpoint.add(Reply.text("first", usage=(1000, 500)))
    llm_for("content").chat(MESSAGES)  # costs 2.0
    with pytest.raises(BudgetExceededError):
        llm_for("content").chat(MESSAGES)
    assert len(endpoint.requests) == 1
    check_budget("support")  # other purposes are not affected


def test_budget_row_overrides_settings(endpoint, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "DAILY_BUDGETS": {"support": 100}}
    Budget.objects.create(purpose="support", daily_limit=Decimal("0"))
    gateway_module._budget_cache = None
    with pytest.raises(BudgetExceededError):
        llm_for("support").chat(MESSAGES)
    assert endpoint.requests == []


def test_embedding_purpose(endpoint, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "PURPOSES": {"embedding": "default"}}
    vectors = llm_for("embedding").embed(["steel bottle", "steel bottle"])
    assert len(vectors) == 2 and vectors[0] == vectors[1]
    assert LLMCall.objects.get().operation == "embed"


@pytest.mark.django_db(transaction=True)
def test_async_batch_logs_every_call(llm_server, settings):
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {"BASE_URL": llm_server.base_url, "MODEL": "fake", "MAX_CONCURRENCY": 4}
        }
    }
    llm_server.latency = 0.1

    async def batch():
        async with allm_for("content") as llm:
            return await asyncio.gather(
                *(llm.achat([{"role": "user", "content": f"item {i}"}]) for i in range(8))
            )

    results = asyncio.run(batch())
    assert [r.text for r in results] == [f"Echo: item {i}" for i in range(8)]
    assert LLMCall.objects.filter(purpose="content", status="ok").count() == 8

"""Budget counters in Redis (``LIMITER_REDIS_URL``), and the database taking over when it fails."""

import logging
import os
from decimal import Decimal

import pytest

from django_llmshop import budgets
from django_llmshop.budgets import check_budget, reserve
from django_llmshop.gateway import llm_for, write_call_record
from django_llmshop.llm import BudgetExceededError, CallRecord
from django_llmshop.models import BudgetCounter, LLMCall
from django_llmshop.testing import Reply

pytestmark = pytest.mark.django_db

MESSAGES = [{"role": "user", "content": "Describe the bottle"}]


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        from tests.conftest import missing_redis

        missing_redis()
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match="{llmshop:budget}:*"):
        client.delete(key)
    yield url
    client.close()


def configure(settings, llm_server, url, **keys):
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {
                "BASE_URL": llm_server.base_url,
                "MODEL": "fake",
                "PRICE_PER_MTOK_IN": 1000.0,
                "PRICE_PER_MTOK_OUT": 2000.0,
            }
        },
        "LIMITER_REDIS_URL": url,
        **keys,
    }


def redis_counter(url, period="day"):
    import redis

    client = redis.Redis.from_url(url)
    try:
        found = client.scan_iter(match=f"{{llmshop:budget}}:content:*:{period}:*")
        [key] = [key for key in found if not key.endswith(b":holds")]
        return {name.decode(): int(value) for name, value in client.hgetall(key).items()}
    finally:
        client.close()


def test_holds_and_costs_are_counted_in_redis(redis_url, llm_server, settings):
    configure(settings, llm_server, redis_url, DAILY_BUDGETS={"content": 1})
    first = reserve("content", "default", 600_000)
    reserve("content", "default", 600_000)
    with pytest.raises(BudgetExceededError):
        reserve("content", "default", 1)
    budgets.settle(first, "content", "default", Decimal("0.1"))
    assert redis_counter(redis_url) == {"spent": 100_000, "held": 600_000}
    assert not BudgetCounter.objects.exists()  # nothing in the database


def test_a_new_counter_starts_from_the_call_log(redis_url, llm_server, settings):
    LLMCall.objects.create(
        purpose="content", endpoint="default", model="m", operation="chat", status="ok",
        cost=Decimal("0.75"),
    )  # fmt: skip
    configure(settings, llm_server, redis_url, MONTHLY_BUDGETS={"content": 1})
    check_budget("content")
    assert redis_counter(redis_url, "month") == {"spent": 750_000, "held": 0}


def test_a_call_that_held_nothing_adds_its_cost(redis_url, llm_server, settings):
    configure(settings, llm_server, redis_url, DAILY_BUDGETS={"content": 1})
    check_budget("content")  # the counter exists
    record = CallRecord(
        operation="chat", base_url="", model="m", status="ok", error_class=None,
        error_message="", http_status=200, retries=0, prompt_tokens=100, completion_tokens=0,
        latency_s=0.1, ttft_s=None, request_excerpt="", response_excerpt="",
        metadata={"purpose": "content", "endpoint": "default"},
    )  # fmt: skip
    write_call_record(record)  # as a batch writes its calls: no hold, 0.1 spent
    assert redis_counter(redis_url) == {"spent": 100_000, "held": 0}


def test_calls_through_the_gateway_settle_in_redis(redis_url, llm_server, settings):
    configure(settings, llm_server, redis_url, DAILY_BUDGETS={"content": 1.5})
    llm_server.add(Reply.text("first", usage=(1000, 500)))  # costs 2.0
    llm_for("content").chat(MESSAGES)
    assert redis_counter(redis_url) == {"spent": 2_000_000, "held": 0}
    with pytest.raises(BudgetExceededError):
        llm_for("content").chat(MESSAGES)


def test_an_unreachable_redis_leaves_the_counting_to_the_database(llm_server, settings, caplog):
    configure(settings, llm_server, "redis://127.0.0.1:1/0", DAILY_BUDGETS={"content": 1.5})
    llm_server.add(Reply.text("first", usage=(1000, 500)))
    with caplog.at_level(logging.WARNING, logger="django_llmshop.budgets"):
        llm_for("content").chat(MESSAGES)
        with pytest.raises(BudgetExceededError):
            llm_for("content").chat(MESSAGES)
    assert "the database's are used" in caplog.text
    counter = BudgetCounter.objects.get(period="day")
    assert (counter.spent_micros, counter.held_micros) == (2_000_000, 0)

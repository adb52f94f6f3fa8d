"""Budgets: daily and monthly limits per purpose and endpoint, holds settled to the real cost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from django_llmshop import budgetlimits, budgets
from django_llmshop.budgets import check_budget, estimate_micros, limits_for, reserve
from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import llm_for
from django_llmshop.llm import BudgetExceededError
from django_llmshop.models import Budget, BudgetCounter, LLMCall
from django_llmshop.testing import Reply

pytestmark = pytest.mark.django_db

MESSAGES = [{"role": "user", "content": "Describe the bottle"}]


@pytest.fixture
def endpoint(llm_server, settings):
    prices = {"PRICE_PER_MTOK_IN": 1000.0, "PRICE_PER_MTOK_OUT": 2000.0}
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {"BASE_URL": llm_server.base_url, "MODEL": "fake", **prices},
            "other": {"BASE_URL": llm_server.base_url, "MODEL": "fake", **prices},
        },
    }
    return llm_server


def configure(settings, **keys):
    settings.LLMSHOP = {**settings.LLMSHOP, **keys}


def log_call(purpose="content", endpoint="default", cost="1", **fields):
    return LLMCall.objects.create(
        purpose=purpose, endpoint=endpoint, model="m", operation="chat", status="ok",
        cost=Decimal(cost), **fields,
    )  # fmt: skip


def described(limits):
    return sorted((lim.scope, lim.period, lim.amount) for lim in limits)


def test_limits_come_from_both_settings(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 5}, MONTHLY_BUDGETS={"content": 100})
    assert described(limits_for("content", "default")) == [
        ("content:*", "day", Decimal(5)),
        ("content:*", "month", Decimal(100)),
    ]
    assert limits_for("support", "default") == []


def test_a_row_wins_where_filled_in_and_leaves_the_setting_where_blank(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 5}, MONTHLY_BUDGETS={"content": 100})
    Budget.objects.create(purpose="content", daily_limit=Decimal(2))
    assert described(limits_for("content", "default")) == [
        ("content:*", "day", Decimal(2)),
        ("content:*", "month", Decimal(100)),
    ]


def test_an_inactive_row_is_ignored(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 5})
    Budget.objects.create(purpose="content", daily_limit=Decimal(2), is_active=False)
    assert described(limits_for("content", "default")) == [("content:*", "day", Decimal(5))]


def test_an_endpoint_row_adds_limits_for_that_endpoint_only(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 5})
    Budget.objects.create(purpose="content", endpoint="other", monthly_limit=Decimal(3))
    assert described(limits_for("content", "other")) == [
        ("content:*", "day", Decimal(5)),
        ("content:other", "month", Decimal(3)),
    ]
    assert described(limits_for("content", "default")) == [("content:*", "day", Decimal(5))]


def test_the_monthly_limit_counts_the_month_from_its_first_day(endpoint, settings):
    configure(settings, MONTHLY_BUDGETS={"content": 3})
    month_starts = budgetlimits.period_start("month")
    log_call(cost="3", created_at=month_starts + timedelta(minutes=1))
    log_call(cost="50", created_at=month_starts - timedelta(minutes=1))  # the month before
    with pytest.raises(BudgetExceededError, match="monthly budget for 'content'"):
        check_budget("content")
    assert BudgetCounter.objects.get(period="month").spent_micros == 3_000_000


def test_a_monthly_limit_stops_calls_once_spent(endpoint, settings):
    configure(settings, MONTHLY_BUDGETS={"content": 1.5})
    endpoint.add(Reply.text("first", usage=(1000, 500)))  # costs 2.0
    llm_for("content").chat(MESSAGES, max_tokens=500)
    with pytest.raises(BudgetExceededError, match="monthly budget for 'content'"):
        llm_for("content").chat(MESSAGES)
    assert len(endpoint.requests) == 1
    llm_for("support").chat(MESSAGES)  # other purposes go on


def test_an_endpoint_budget_stops_that_endpoint_only(endpoint, settings):
    configure(settings, PURPOSES={"content": "other", "support": "default"})
    Budget.objects.create(purpose="content", endpoint="other", daily_limit=Decimal("0.5"))
    endpoint.add(Reply.text("first", usage=(1000, 0)))  # costs 1.0
    llm_for("content").chat(MESSAGES, max_tokens=10)
    with pytest.raises(BudgetExceededError, match="on endpoint 'other'"):
        llm_for("content").chat(MESSAGES)
    configure(settings, PURPOSES={"content": "default"})
    llm_for("content").chat(MESSAGES)  # the same purpose on another endpoint goes on
    assert len(endpoint.requests) == 2


def test_a_call_holds_its_estimate_until_it_is_settled_to_the_real_cost(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 10})
    estimate = estimate_micros(
        llmshop_settings.endpoint("default"), messages=MESSAGES, max_tokens=100
    )
    hold = reserve("content", "default", estimate)
    assert hold is not None
    counter = BudgetCounter.objects.get(scope="content:*", period="day")
    assert (counter.spent_micros, counter.held_micros) == (0, estimate)
    budgets.settle(hold, "content", "default", Decimal("0.25"))
    budgets.settle(hold, "content", "default", Decimal("0.25"))  # settled once only
    counter.refresh_from_db()
    assert (counter.spent_micros, counter.held_micros) == (250_000, 0)


def test_calls_in_flight_count_against_the_limit(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 1})
    first = reserve("content", "default", 600_000)
    second = reserve("content", "default", 600_000)  # 0.6 held < 1: admitted
    with pytest.raises(BudgetExceededError):
        reserve("content", "default", 1)  # 1.2 held: nothing more starts
    budgets.settle(first, "content", "default", Decimal("0.1"))
    budgets.settle(second, "content", "default", Decimal("0.1"))
    assert reserve("content", "default", 1) is not None  # 0.2 spent: room again


def test_a_refused_call_holds_nothing_anywhere(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 10}, MONTHLY_BUDGETS={"content": 1})
    log_call(cost="1")
    with pytest.raises(BudgetExceededError):
        reserve("content", "default", 5)
    assert set(BudgetCounter.objects.values_list("period", "held_micros")) == {
        ("day", 0),
        ("month", 0),
    }


def test_counters_start_from_the_call_log(endpoint, settings):
    log_call(cost="4")
    log_call(cost="9", created_at=timezone.now() - timedelta(days=45))
    configure(settings, DAILY_BUDGETS={"content": 5})
    check_budget("content")
    assert BudgetCounter.objects.get().spent_micros == 4_000_000
    log_call(cost="1")  # logged through the gateway's writer, it would also count
    budgets.settle(None, "content", "default", Decimal(1))
    with pytest.raises(BudgetExceededError):
        check_budget("content")


def test_the_estimate_uses_max_tokens_the_reserve_and_the_repair_request(endpoint, settings):
    conf = llmshop_settings.endpoint("default")
    small = estimate_micros(conf, messages=MESSAGES, max_tokens=10)
    default = estimate_micros(conf, messages=MESSAGES)
    assert default - small == (1024 - 10) * 2000
    assert estimate_micros(conf, messages=MESSAGES, max_tokens=10, json_output=True) == 2 * small
    configure(settings, BUDGET_RESERVE_TOKENS=10)
    assert estimate_micros(llmshop_settings.endpoint("default"), messages=MESSAGES) == small
    assert estimate_micros(conf, inputs=["cup", "mug"]) == 2 * 1000  # two tokens in, none out


def test_a_failed_call_gives_its_hold_back(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 10})
    endpoint.add(Reply.error(400))
    with pytest.raises(Exception, match="400"):
        llm_for("content").chat(MESSAGES)
    counter = BudgetCounter.objects.get(period="day")
    assert (counter.spent_micros, counter.held_micros) == (0, 0)


def test_a_stream_is_held_and_settled(endpoint, settings):
    configure(settings, DAILY_BUDGETS={"content": 10})
    endpoint.add(Reply.text("one two", usage=(100, 50)))
    assert "".join(chunk.text for chunk in llm_for("content").stream(MESSAGES)) == "one two"
    counter = BudgetCounter.objects.get(period="day")
    assert (counter.spent_micros, counter.held_micros) == (200_000, 0)


def test_a_limit_of_zero_refuses_every_call(endpoint, settings):
    Budget.objects.create(purpose="support", daily_limit=Decimal(0))
    with pytest.raises(BudgetExceededError, match="daily budget for 'support'"):
        llm_for("support").chat(MESSAGES)
    assert endpoint.requests == []


def test_the_calls_of_a_batch_hold_their_cost_before_they_start(endpoint, settings):
    from django_llmshop.batch import run_batch

    endpoint_conf = {**settings.LLMSHOP["ENDPOINTS"]["default"], "MAX_CONCURRENCY": 3}
    configure(settings, ENDPOINTS={"default": endpoint_conf}, DAILY_BUDGETS={"content": 0.05})
    endpoint.latency = 0.2  # without holds, three calls would be in flight at once

    def ask(text):
        async def task(llm):
            return (await llm.chat([{"role": "user", "content": text}], max_tokens=40)).text

        return task

    seen = {}
    run_batch("content", iter([(n, ask(f"item {n}")) for n in range(6)]), seen.__setitem__)
    assert endpoint.peak_in_flight == 1  # one call's hold (0.08) fills the limit of 0.05
    assert seen[0] == "Echo: item 0"
    assert sum(isinstance(value, BudgetExceededError) for value in seen.values()) >= 1
    spent = sum(LLMCall.objects.values_list("cost", flat=True))
    assert spent <= Decimal("0.05") + max(LLMCall.objects.values_list("cost", flat=True))
    counter = BudgetCounter.objects.get(period="day")
    assert counter.held_micros == 0 and counter.spent_micros == spent * 1_000_000

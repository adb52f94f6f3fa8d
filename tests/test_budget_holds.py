"""A call's budget hold expires when its worker died before settling it, and is given back once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from django_llmshop import budgetredis, budgets
from django_llmshop.budgets import reserve
from django_llmshop.budgetstore import HOLD_SECONDS, expire_holds
from django_llmshop.llm import BudgetExceededError
from django_llmshop.models import BudgetCounter, BudgetHold
from django_llmshop.sweeper import sweep
from tests.test_budgets_redis import configure, redis_counter, redis_url  # noqa: F401

pytestmark = pytest.mark.django_db


def later():
    return timezone.now() + timedelta(seconds=HOLD_SECONDS + 1)


def database_counter():
    counter = BudgetCounter.objects.get(scope="content:*", period="day")
    return counter.spent_micros, counter.held_micros


def test_a_hold_never_settled_is_given_back_when_it_expires(llm_server, settings):
    configure(settings, llm_server, None, DAILY_BUDGETS={"content": 1})
    reserve("content", "default", 1_000_000)  # its worker dies: never settled
    with pytest.raises(BudgetExceededError):
        reserve("content", "default", 200_000)
    assert expire_holds() == 0  # not yet
    assert expire_holds(later()) == 1
    assert database_counter() == (0, 0)
    assert reserve("content", "default", 200_000) is not None


def test_a_settled_hold_is_gone_and_never_given_back_twice(llm_server, settings):
    configure(settings, llm_server, None, DAILY_BUDGETS={"content": 1})
    settled = reserve("content", "default", 300_000)
    late = reserve("content", "default", 400_000)
    budgets.settle(settled, "content", "default", Decimal("0.1"))
    assert BudgetHold.objects.count() == 1  # only the late call's hold is left
    assert expire_holds(later()) == 1  # the late call's
    budgets.settle(late, "content", "default", Decimal("0.2"))  # it ended after all
    assert database_counter() == (300_000, 0)
    assert not BudgetHold.objects.exists()


def test_the_sweeper_expires_holds(llm_server, settings, monkeypatch):
    configure(settings, llm_server, None, DAILY_BUDGETS={"content": 1})
    reserve("content", "default", 500_000)
    BudgetHold.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert sweep("budget_holds") == {"budget_holds": 1}
    assert database_counter() == (0, 0)


def test_a_hold_in_redis_expires_at_the_next_reserve(redis_url, llm_server, settings, monkeypatch):  # noqa: F811
    configure(settings, llm_server, redis_url, DAILY_BUDGETS={"content": 1})
    monkeypatch.setattr(budgetredis, "HOLD_SECONDS", -1)  # this hold is born expired
    dead = reserve("content", "default", 900_000)
    monkeypatch.setattr(budgetredis, "HOLD_SECONDS", HOLD_SECONDS)
    assert redis_counter(redis_url) == {"spent": 0, "held": 900_000}
    live = reserve("content", "default", 200_000)  # gives the dead hold back first
    assert redis_counter(redis_url) == {"spent": 0, "held": 200_000}
    budgets.settle(dead, "content", "default", Decimal("0.05"))  # its amount went back already
    budgets.settle(live, "content", "default", Decimal("0.1"))
    assert redis_counter(redis_url) == {"spent": 150_000, "held": 0}

"""The Budget admin: spend today and this month against each limit, with the share and a bar."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from django_llmshop.budgetlimits import period_start
from django_llmshop.models import Budget, LLMCall

pytestmark = pytest.mark.django_db

URL = reverse("admin:llmshop_budget_changelist")


def log_call(purpose="content", endpoint="default", cost="1", **fields):
    return LLMCall.objects.create(
        purpose=purpose, endpoint=endpoint, model="m", operation="chat", status="ok",
        cost=Decimal(cost), **fields,
    )  # fmt: skip


def bars(html):
    """The share shown by every bar, in the order of the page."""
    return [int(value) for value in re.findall(r'aria-valuenow="(\d+)"', html)]


def test_the_list_renders_with_no_budgets_and_no_calls(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert bars(response.content.decode()) == []


def test_a_budget_with_no_calls_shows_nothing_spent(admin_client):
    Budget.objects.create(purpose="content", daily_limit=Decimal(5), monthly_limit=Decimal(50))
    html = admin_client.get(URL).content.decode()
    assert "0.0000 / 5.0000 (0%)" in html and "0.0000 / 50.0000 (0%)" in html
    assert bars(html) == [0, 0]


def test_spend_today_and_this_month_with_the_share_used(admin_client):
    Budget.objects.create(purpose="content", daily_limit=Decimal(4), monthly_limit=Decimal(10))
    log_call(cost="1")
    log_call(cost="2", endpoint="other")  # a purpose-wide budget counts every endpoint
    log_call(cost="5", created_at=period_start("month"))  # this month, maybe not today
    log_call(cost="7", created_at=period_start("month") - timedelta(minutes=1))  # last month
    log_call(purpose="support", cost="9")  # another purpose
    html = admin_client.get(URL).content.decode()
    today = Decimal(3) + (Decimal(5) if period_start("month") == period_start("day") else 0)
    assert f"{today:.4f} / 4.0000" in html
    assert "8.0000 / 10.0000 (80%)" in html
    assert bars(html) == [min(100, round(today * 25)), 80]


def test_an_endpoint_budget_counts_its_endpoint_only(admin_client):
    Budget.objects.create(purpose="content", endpoint="other", daily_limit=Decimal(4))
    log_call(cost="1")
    log_call(cost="2", endpoint="other")
    html = admin_client.get(URL).content.decode()
    assert "2.0000 / 4.0000 (50%)" in html
    assert "no limit" in html  # no monthly limit of its own


def test_an_overspent_budget_shows_a_full_bar_and_its_true_share(admin_client):
    Budget.objects.create(purpose="content", daily_limit=Decimal(2))
    log_call(cost="3")
    html = admin_client.get(URL).content.decode()
    assert "3.0000 / 2.0000 (150%)" in html
    assert bars(html)[0] == 100


def test_a_blank_limit_shows_the_setting_that_applies(admin_client, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "MONTHLY_BUDGETS": {"content": 20}}
    Budget.objects.create(purpose="content", daily_limit=Decimal(4))
    log_call(cost="2")
    html = admin_client.get(URL).content.decode()
    assert "2.0000 / 20.0000 (10%)" in html


def test_limits_from_settings_alone_are_listed_with_their_spend(admin_client, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "DAILY_BUDGETS": {"support": 10}}
    log_call(purpose="support", cost="1")
    response = admin_client.get(URL)
    html = response.content.decode()
    assert "Limits from settings" in html
    assert "1.0000 / 10.0000 (10%)" in html
    assert len(response.context["llmshop_configured"]) == 1


def test_limits_are_editable_from_the_list(admin_client):
    budget = Budget.objects.create(purpose="content", daily_limit=Decimal(4))
    response = admin_client.post(
        URL,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(budget.pk),
            "form-0-daily_limit": "6",
            "form-0-monthly_limit": "60",
            "form-0-is_active": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.daily_limit, budget.monthly_limit) == (Decimal(6), Decimal(60))


def test_a_negative_limit_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        reverse("admin:llmshop_budget_add"),
        {"purpose": "content", "endpoint": "", "daily_limit": "-1", "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["daily_limit"]
    assert not Budget.objects.exists()


def test_a_second_budget_for_the_same_purpose_and_endpoint_is_refused(admin_client):
    Budget.objects.create(purpose="content", endpoint="other", daily_limit=Decimal(1))
    response = admin_client.post(
        reverse("admin:llmshop_budget_add"),
        {"purpose": "content", "endpoint": "other", "daily_limit": "2", "is_active": "on"},
    )
    assert response.status_code == 200
    assert Budget.objects.count() == 1


def test_an_unknown_endpoint_is_refused_with_the_known_ones(admin_client):
    response = admin_client.post(
        reverse("admin:llmshop_budget_add"),
        {"purpose": "content", "endpoint": "typo", "daily_limit": "2", "is_active": "on"},
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["endpoint"]
    assert "No endpoint is named typo" in error and "default" in error
    assert not Budget.objects.exists()

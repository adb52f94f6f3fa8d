"""The call log in the admin: read-only, filterable, with totals of what is shown."""

from decimal import Decimal

from django.urls import reverse

from django_llmshop.models import Budget, LLMCall


def make_call(**fields):
    defaults = {
        "purpose": "content",
        "endpoint": "default",
        "model": "m",
        "operation": "chat",
        "status": "ok",
        "prompt_tokens": 100,
        "completion_tokens": 50,
        "cost": Decimal("0.010000"),
        "latency_ms": 200,
    }
    return LLMCall.objects.create(**{**defaults, **fields})


def test_changelist_shows_totals_of_the_filtered_calls(admin_client):
    make_call()
    make_call(prompt_tokens=300, cost=Decimal("0.030000"), latency_ms=400)
    make_call(
        purpose="support",
        status="error",
        error_class="LLMTimeoutError",
        prompt_tokens=7,
        completion_tokens=0,
        cost=Decimal(0),
    )
    url = reverse("admin:llmshop_llmcall_changelist")
    response = admin_client.get(url, {"purpose__exact": "content"})
    assert response.status_code == 200
    totals = response.context["llmshop_totals"]
    assert totals["calls"] == 2 and totals["errors"] == 0
    assert totals["tokens_in"] == 400 and totals["tokens_out"] == 100
    assert totals["cost"] == Decimal("0.04")
    assert totals["avg_latency_ms"] == 300
    assert b"Totals for the calls shown" in response.content

    response = admin_client.get(url, {"status__exact": "error"})
    assert response.context["llmshop_totals"]["calls"] == 1
    assert b"LLMTimeoutError" in response.content


def test_call_log_is_read_only(admin_client):
    call = make_call()
    assert admin_client.get(reverse("admin:llmshop_llmcall_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:llmshop_llmcall_change", args=[call.pk]), {"model": "changed"}
    )
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.model == "m"


def test_budgets_are_editable(admin_client):
    response = admin_client.post(
        reverse("admin:llmshop_budget_add"),
        {"purpose": "support", "daily_limit": "5.00", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Budget.objects.get().daily_limit == Decimal("5.00")

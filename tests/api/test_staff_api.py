"""The staff API: edit, regenerate, versions and revert of drafts; the call log; budgets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from django_llmshop.adapters import get_adapter
from django_llmshop.content.models import ContentVersion, Draft
from django_llmshop.models import Budget, LLMCall
from shop.models import Product
from tests.api.conftest import API, Rows, client_as

JSON = "application/json"


def ready(draft: Draft) -> Draft:
    """The draft as generation leaves it: ready, with the fingerprint of the host's text."""
    adapter = get_adapter()
    product = draft.product
    Draft.objects.filter(pk=draft.pk).update(
        status=Draft.Status.READY,
        findings=[],
        source_fingerprint=adapter.texts_fingerprint(product, draft.target_roles),
    )
    draft.refresh_from_db()
    return draft


def staff_with(*codenames: str) -> Client:
    """A logged-in member of staff (not a superuser) holding only these permissions."""
    user = get_user_model().objects.create_user("pat", password="x", is_staff=True)
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=name)
        )
    client = Client()
    client.force_login(user)
    return client


# --- drafts -----------------------------------------------------------------------------------


def test_staff_edit_a_draft_and_the_fact_check_runs_again(rows: Rows) -> None:
    draft = ready(rows.draft)
    staff = client_as("staff", rows)
    body = {"text": "A steel bottle of 900 ml."}
    response = staff.patch(f"{API}/content/drafts/{draft.pk}/", body, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["text"] == body["text"]
    draft.refresh_from_db()
    assert draft.text == body["text"] and draft.edited_by == rows.staff
    assert any("900" in str(finding) for finding in draft.findings)  # not in the record


def test_a_pending_draft_cannot_be_edited(rows: Rows) -> None:
    staff = client_as("staff", rows)
    url = f"{API}/content/drafts/{rows.draft.pk}/"
    response = staff.patch(url, {"text": "New."}, content_type=JSON)
    assert response.status_code == 400
    assert staff.patch(url, {"parts": {}}, content_type=JSON).status_code == 400  # no text


def test_regenerate_queues_the_draft_again(
    rows: Rows, django_capture_on_commit_callbacks: Any
) -> None:
    draft = ready(rows.draft)
    staff = client_as("staff", rows)
    url = f"{API}/content/drafts/{draft.pk}/regenerate/"
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff.post(url, {"note": "Shorter, please."}, content_type=JSON)
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert len(callbacks) == 1  # the regeneration task, sent on commit
    draft.refresh_from_db()
    assert (draft.status, draft.note) == ("pending", "Shorter, please.")


def test_publish_list_versions_and_revert(rows: Rows) -> None:
    draft = ready(rows.draft)
    staff = client_as("staff", rows)
    approve = staff.post(f"{API}/content/drafts/{draft.pk}/approve/", {}, content_type=JSON)
    assert approve.status_code == 200, approve.content
    rows.product.refresh_from_db()
    assert rows.product.description == draft.text
    versions = staff.get(f"{API}/content/versions/", {"product_id": rows.product.pk}).json()
    assert [v["draft"] for v in versions] == [draft.pk]
    revert = staff.post(f"{API}/content/versions/{versions[0]['id']}/revert/")
    assert revert.status_code == 200 and revert.json()["reverted_at"]
    rows.product.refresh_from_db()
    assert rows.product.description == "A steel bottle."  # exactly what it was
    again = staff.post(f"{API}/content/versions/{versions[0]['id']}/revert/")
    assert again.status_code == 400


def test_revert_after_a_merchant_edit_is_409(rows: Rows) -> None:
    draft = ready(rows.draft)
    staff = client_as("staff", rows)
    staff.post(f"{API}/content/drafts/{draft.pk}/approve/", {}, content_type=JSON)
    Product.objects.filter(pk=rows.product.pk).update(description="The merchant's own words.")
    version = ContentVersion.objects.get()
    response = staff.post(f"{API}/content/versions/{version.pk}/revert/")
    assert response.status_code == 409
    assert "The merchant's own words." in str(response.json()["current"])
    rows.product.refresh_from_db()
    assert rows.product.description == "The merchant's own words."


def test_a_bad_draft_filter_is_400(rows: Rows) -> None:
    staff = client_as("staff", rows)
    assert staff.get(f"{API}/content/versions/", {"draft": "x"}).status_code == 400


@pytest.mark.parametrize("who", ["anonymous", "shopper"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/content/drafts/{draft}/"),
        ("post", "/content/drafts/{draft}/regenerate/"),
        ("get", "/content/versions/"),
        ("get", "/calls/"),
        ("get", "/budgets/"),
        ("post", "/budgets/"),
    ],
)
def test_only_staff_may_use_them(rows: Rows, who: str, method: str, path: str) -> None:
    client = client_as(who, rows)
    url = API + path.format(draft=rows.draft.pk)
    response = getattr(client, method)(url, {"text": "x"}, content_type=JSON)
    assert response.status_code in (401, 403)


def test_staff_need_the_csrf_token(rows: Rows) -> None:
    draft = ready(rows.draft)
    client = client_as("staff", rows, enforce_csrf_checks=True)
    url = f"{API}/content/drafts/{draft.pk}/"
    assert client.patch(url, {"text": "x"}, content_type=JSON).status_code == 403
    draft.refresh_from_db()
    assert draft.text != "x"


# --- the call log -----------------------------------------------------------------------------


def call(**fields: Any) -> LLMCall:
    defaults = {"purpose": "content", "endpoint": "default", "model": "m", "operation": "chat"}
    return LLMCall.objects.create(**{**defaults, "status": "ok", **fields})


def test_the_call_log_newest_first_and_filtered(rows: Rows) -> None:
    first = call(cost=Decimal("0.5"))
    failed = call(purpose="support", status="error", error_class="ServerError")
    staff = staff_with("llmshop.view_llmcall")
    listed = staff.get(f"{API}/calls/").json()
    assert [c["id"] for c in listed] == [failed.pk, first.pk]
    assert "api_key" not in listed[0]
    only = staff.get(f"{API}/calls/", {"status": "error"}).json()
    assert [c["error_class"] for c in only] == ["ServerError"]
    assert len(staff.get(f"{API}/calls/", {"limit": "1"}).json()) == 1


@pytest.mark.parametrize(
    "query", [{"limit": "0"}, {"limit": "501"}, {"limit": "x"}, {"since": "yesterday"}]
)
def test_bad_call_log_queries_are_400(rows: Rows, query: dict[str, str]) -> None:
    staff = staff_with("llmshop.view_llmcall")
    assert staff.get(f"{API}/calls/", query).status_code == 400


def test_the_call_log_needs_its_permission(rows: Rows) -> None:
    call()
    assert staff_with("llmshop.view_budget").get(f"{API}/calls/").status_code == 403


# --- budgets ----------------------------------------------------------------------------------


def test_budgets_with_spend_and_limits(rows: Rows, settings: Any) -> None:
    settings.LLMSHOP = {**settings.LLMSHOP, "MONTHLY_BUDGETS": {"content": 40}}
    budget = Budget.objects.create(purpose="content", daily_limit=Decimal("5"))
    call(cost=Decimal("1.25"))
    call(purpose="support", cost=Decimal("9"))
    listed = staff_with("llmshop.view_budget").get(f"{API}/budgets/").json()
    assert listed == [
        {
            "id": budget.pk,
            "purpose": "content",
            "endpoint": "",
            "daily_limit": "5.0000",
            "monthly_limit": None,
            "is_active": True,
            "spent_today": "1.250000",
            "spent_this_month": "1.250000",
            "effective_daily_limit": "5.0000",
            "effective_monthly_limit": "40.0000",
        }
    ]


def test_staff_add_and_change_budgets(rows: Rows) -> None:
    staff = staff_with("llmshop.add_budget", "llmshop.change_budget", "llmshop.view_budget")
    created = staff.post(
        f"{API}/budgets/", {"purpose": "support", "daily_limit": "3"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    url = f"{API}/budgets/{created.json()['id']}/"
    changed = staff.patch(url, {"monthly_limit": "50", "is_active": False}, content_type=JSON)
    assert changed.status_code == 200
    budget = Budget.objects.get()
    assert (budget.daily_limit, budget.monthly_limit, budget.is_active) == (3, 50, False)


@pytest.mark.parametrize(
    "body",
    [
        {"purpose": "support", "daily_limit": "-1"},
        {"purpose": "nonsense"},
        {"purpose": "support", "endpoint": "no-such-endpoint"},
        {"purpose": "content"},  # the fixture row below holds content on every endpoint
    ],
)
def test_bad_budgets_are_400(rows: Rows, body: dict[str, str]) -> None:
    Budget.objects.create(purpose="content")
    staff = staff_with("llmshop.add_budget")
    assert staff.post(f"{API}/budgets/", body, content_type=JSON).status_code == 400
    assert Budget.objects.count() == 1


def test_changing_a_budget_needs_its_permission(rows: Rows) -> None:
    budget = Budget.objects.create(purpose="content", daily_limit=Decimal("5"))
    staff = staff_with("llmshop.view_budget")
    url = f"{API}/budgets/{budget.pk}/"
    assert staff.get(url).status_code == 200
    assert staff.patch(url, {"daily_limit": "500"}, content_type=JSON).status_code == 403
    budget.refresh_from_db()
    assert budget.daily_limit == 5

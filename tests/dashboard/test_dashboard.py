"""The dashboard page: who may see it, the date range, and the figures of a seeded week."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from django_llmshop.content import metrics as content_metrics
from django_llmshop.dashboard import calls, report
from django_llmshop.dashboard.forms import bounds, default_range
from django_llmshop.recommend import metrics as recommend_metrics
from django_llmshop.support import metrics as support_metrics

URL = "/admin/llmshop_dashboard/dashboard/"


def test_the_url_is_the_admin_changelist():
    assert reverse("admin:llmshop_dashboard_dashboard_changelist") == URL


def test_staff_with_the_view_permission_see_it_and_it_is_on_the_admin_index(client, viewer):
    client.force_login(viewer)
    assert URL in client.get("/admin/").content.decode()
    response = client.get(URL)
    assert response.status_code == 200
    assert b'data-chart="spend-endpoints"' in response.content


def test_staff_without_the_permission_and_shoppers_are_kept_out(client, db):
    client.force_login(User.objects.create_user("clerk", password="pw", is_staff=True))
    assert client.get(URL).status_code == 403
    client.force_login(User.objects.create_user("shopper", password="pw"))
    assert client.get(URL).status_code == 302  # to the admin login


@pytest.mark.parametrize(
    "query",
    ["start=yesterday", "start=2026-13-01", "end=2026-02-30", "start=2026-05-02&end=2026-05-01",
     "start=2001-01-01&end=2026-01-01", "end=9999-12-31", "start=0001-01-01", "start=%00"],
)  # fmt: skip
def test_a_bad_range_is_a_400_with_the_reason(client, viewer, query):
    client.force_login(viewer)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert b"errorlist" in response.content
    assert b"data-chart" not in response.content


def test_the_range_defaults_to_the_last_seven_days(client, viewer):
    client.force_login(viewer)
    response = client.get(URL)
    first, last = default_range()
    assert (last - first).days == 6 and last == timezone.localdate()
    assert response.context["first"] == first and response.context["last"] == last


def test_spend_per_day_against_the_budget(week):
    start, end = bounds(*default_range())
    spend = calls.daily_spend(start, end)
    day = week.first_day.date()
    # Two support calls a day at 0.01, split over the two endpoints by the seed's pattern.
    assert sum(spend[("support", e)].get(day, 0) for e in ("default", "backup")) == Decimal("0.02")
    assert calls.daily_limits()["support"] == Decimal("0.05")
    figures = {(f.endpoint, f.model): f for f in calls.by_endpoint(start, end)}
    assert sum(f.calls for f in figures.values()) == 7 * 6
    backup = figures[("backup", "backup-model")]
    assert backup.p50_ms is not None and backup.p50_ms <= backup.p95_ms


def test_percentiles_are_nearest_rank(db):
    from django_llmshop.models import LLMCall

    now = timezone.now()
    LLMCall.objects.bulk_create(
        LLMCall(created_at=now, purpose="support", endpoint="e", model="m", operation="chat",
                status="ok", latency_ms=ms)
        for ms in range(1, 101)
    )  # fmt: skip
    (figures,) = calls.by_endpoint(now - timedelta(minutes=1), now + timedelta(minutes=1))
    assert (figures.p50_ms, figures.p95_ms, figures.calls) == (50, 95, 100)


def test_chat_figures_of_the_week(week):
    start, end = bounds(*default_range())
    conversations = support_metrics.conversation_figures(start, end)
    assert (conversations["conversations"], conversations["handed_off"]) == (14, 7)
    assert conversations["deflected"] == 7 and conversations["deflection_rate"] == 0.5
    messages = support_metrics.message_figures(start, end)
    assert (messages["messages"], messages["replies"], messages["cited"]) == (35, 14, 7)
    assert (messages["helpful"], messages["unhelpful"]) == (7, 7)
    staff = support_metrics.first_staff_reply(start, end)
    assert (staff["handoffs"], staff["replied"], staff["wait"]) == (7, 7, timedelta(minutes=10))
    assert support_metrics.top_topics(start, end) == [("returns", 7), ("shipping", 7)]
    cost = support_metrics.cost_per_conversation(start, end)
    assert cost["conversations"] == 14 and cost["average"] == Decimal("0.01")
    assert cost["top"][0][1] == Decimal("0.01")


def test_content_figures_of_the_week(week):
    start, end = bounds(*default_range())
    drafts = content_metrics.draft_figures(start, end)
    assert (drafts["approved"], drafts["rejected"], drafts["failed"]) == (7, 7, 7)
    assert drafts["generated"] == 21 and drafts["findings_per_100"] == 100
    assert drafts["to_approval"] == timedelta(hours=2)
    cost = content_metrics.cost_figures(start, end)
    assert cost["total"] == Decimal("0.56") and cost["per_published"] == Decimal("0.08")
    assert sorted(cost["top"]) == [(f"Seeded Bag {n}", Decimal("0.14")) for n in range(4)]


def test_recommendation_figures_of_the_week(week):
    start, end = bounds(*default_range())
    groups = {g.label: g for g in recommend_metrics.by_placement_and_version(start, end)}
    model, popularity = groups["product · model-1"], groups["product · popularity"]
    assert (model.impressions, model.clicks, model.carts) == (280, 56, 28)
    assert (popularity.impressions, popularity.clicks, popularity.carts) == (280, 14, 7)
    assert model.ctr.value == 0.2 and popularity.cart_rate.value == 0.025


def test_a_cart_counts_only_for_the_shopper_shown_within_a_day(week):
    from django_llmshop.recommend.models import ShopperEvent, TrackingEvent

    start, end = bounds(*default_range())
    shown = TrackingEvent.objects.filter(kind="impression", arm="baseline").last()
    before = {g.label: g.carts for g in recommend_metrics.by_placement_and_version(start, end)}

    def cart(session_key: str, after: timedelta) -> None:
        ShopperEvent.objects.create(
            session_key=session_key, product_id=shown.product_id, type="cart",
            created=shown.created + after,
        )  # fmt: skip

    cart("someone-else", timedelta(0))
    cart(shown.session_key, timedelta(days=2))
    after = {g.label: g.carts for g in recommend_metrics.by_placement_and_version(start, end)}
    assert after == before
    cart(shown.session_key, timedelta(hours=1))
    after = {g.label: g.carts for g in recommend_metrics.by_placement_and_version(start, end)}
    assert after["product · popularity"] == before["product · popularity"] + 1


def test_the_whole_report_renders_every_chart_with_data(client, viewer, week):
    client.force_login(viewer)
    response = client.get(URL)
    html = response.content.decode()
    sections = report.build(*default_range())
    assert set(sections) == {
        "spend", "endpoints", "chat", "content", "recommend", "description_experiments",
    }  # fmt: skip
    for name in [
        "spend-support",
        "spend-content",
        "spend-endpoints",
        "latency",
        "error-rate",
        "tokens",
        "chat-outcomes",
        "chat-topics",
        "chat-cost",
        "content-drafts",
        "content-cost",
        "recommend-ctr",
        "recommend-carts",
        "recommend-experiment",
    ]:
        assert f'data-chart="{name}"' in html, name
        assert f'data-chart="{name}" data-points="0"' not in html, name


def wilson_by_roots(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson interval as the two roots p of (p̂ - p)² = z² p (1 - p) / n (solved anew here,
    not with the package's closed form)."""
    p_hat = successes / trials
    a = 1 + z * z / trials
    b = -(2 * p_hat + z * z / trials)
    c = p_hat * p_hat
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def test_the_experiment_over_the_seeded_week_shows_the_difference_with_its_interval(
    client, viewer, week
):
    comparison = recommend_metrics.experiment(*bounds(*default_range()))
    baseline, treatment = comparison.arms
    assert (baseline.label, baseline.impressions, baseline.clicks) == ("baseline", 280, 14)
    assert (treatment.label, treatment.impressions, treatment.clicks) == ("treatment", 280, 56)
    for arm in (baseline, treatment):
        low, high = wilson_by_roots(arm.clicks, arm.impressions)
        assert arm.ctr.low == pytest.approx(low, abs=1e-6)
        assert arm.ctr.high == pytest.approx(high, abs=1e-6)
    b_low, b_high = wilson_by_roots(14, 280)
    t_low, t_high = wilson_by_roots(56, 280)
    d = 0.2 - 0.05
    difference = comparison.difference
    assert difference.value == pytest.approx(d)
    assert difference.low == pytest.approx(
        d - math.sqrt((0.2 - t_low) ** 2 + (b_high - 0.05) ** 2), abs=1e-6
    )
    assert difference.high == pytest.approx(
        d + math.sqrt((t_high - 0.2) ** 2 + (0.05 - b_low) ** 2), abs=1e-6
    )
    assert difference.excludes_zero()  # four times the clicks is no chance at this traffic
    client.force_login(viewer)
    html = client.get(URL).content.decode()
    expected = f"{d:.4f}, 95-percent interval {difference.low:.4f} to {difference.high:.4f}"
    assert expected in html


def test_equal_arms_show_an_interval_across_zero(db):
    from django_llmshop.recommend.models import TrackingEvent

    now = timezone.now()
    TrackingEvent.objects.bulk_create(
        TrackingEvent(kind=kind, view=f"{arm}{n:020d}", placement="p", model_version="v",
                      arm=arm, product_id="1", created=now)
        for arm in ("baseline", "treatment")
        for n in range(100)
        for kind in (["impression", "click"] if n < 10 else ["impression"])
    )  # fmt: skip
    comparison = recommend_metrics.experiment(now - timedelta(hours=1), now + timedelta(hours=1))
    assert [a.ctr.value for a in comparison.arms] == [0.1, 0.1]
    assert comparison.difference.low < 0 < comparison.difference.high


def test_budgets_of_a_purpose_and_of_one_endpoint_with_their_highest_day(client, viewer, week):
    from django_llmshop.models import Budget

    Budget.objects.create(purpose="content", endpoint="backup", daily_limit=Decimal("0.01"))
    start, end = bounds(*default_range())
    days = calls.days_between(*default_range())
    rows = {
        (r["purpose"], r["endpoint"]): r
        for r in calls.budget_rows(calls.daily_spend(start, end), days)
    }
    support = rows[("support", "")]
    # Two support calls of 0.01 a day: 0.02 at most, under the 0.05 limit every day.
    assert (support["limit"], support["peak"], support["days_at_limit"]) == (
        Decimal("0.05"), Decimal("0.02"), 0,
    )  # fmt: skip
    # The seed sends one content call a day to "backup" (call 21 of the pattern) at 0.02.
    backup = rows[("content", "backup")]
    assert (backup["peak"], backup["days_at_limit"]) == (Decimal("0.02"), 7)
    client.force_login(viewer)
    assert "llmshop-budgets" in client.get(URL).content.decode()

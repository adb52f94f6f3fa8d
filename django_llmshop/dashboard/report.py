"""What the dashboard shows for a date range: figures and charts, one section per part.

The chat, content and recommendation sections come from each sub-app's ``metrics`` module and
appear only when that sub-app is installed (imported then, so a shop may leave any out).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from django_llmshop.dashboard import calls, charts
from django_llmshop.dashboard.charts import Series, percent
from django_llmshop.dashboard.forms import bounds
from django_llmshop.models import PURPOSE_CHOICES

PURPOSE_NAMES = dict(PURPOSE_CHOICES)


def money(value: float) -> str:
    return f"{value:,.4f}"


def spend_section(first: date, last: date, start: datetime, end: datetime) -> dict[str, Any]:
    days = calls.days_between(first, last)
    labels = [d.isoformat() for d in days]
    spend = calls.daily_spend(start, end)
    limits = calls.daily_limits()
    purposes = sorted({p for p, _e in spend} | set(limits))
    endpoints = sorted({e for _p, e in spend})
    per_purpose = []
    for purpose in purposes:
        series = [
            Series(
                endpoint or "-", [float(spend.get((purpose, endpoint), {}).get(d, 0)) for d in days]
            )
            for endpoint in endpoints
            if (purpose, endpoint) in spend
        ]
        limit = limits.get(purpose)
        name = str(PURPOSE_NAMES.get(purpose, purpose))
        per_purpose.append(
            {
                "purpose": name,
                "limit": limit,
                "chart": charts.daily_bars(
                    f"spend-{purpose}", _("Spend per day: %(purpose)s") % {"purpose": name},
                    labels, series, limit=float(limit) if limit is not None else None,
                    limit_label=_("Daily limit"), empty=_("No calls in this range."), fmt=money,
                ),
            }
        )  # fmt: skip

    def endpoint_total(endpoint: str, day: date) -> float:
        return float(sum((spend.get((p, endpoint), {}).get(day, Decimal(0)) for p in purposes), 0))

    by_endpoint = [Series(e or "-", [endpoint_total(e, d) for d in days]) for e in endpoints]
    budgets = calls.budget_rows(spend, days)
    for row in budgets:
        row["purpose"] = str(PURPOSE_NAMES.get(row["purpose"], row["purpose"]))
    return {
        "totals": calls.totals(start, end),
        "budgets": budgets,
        "per_purpose": per_purpose,
        "by_endpoint": charts.daily_bars(
            "spend-endpoints", _("Spend per day by endpoint"), labels, by_endpoint,
            empty=_("No calls in this range."), fmt=money,
        ),
    }  # fmt: skip


def endpoint_section(start: datetime, end: datetime) -> dict[str, Any]:
    figures = calls.by_endpoint(start, end)
    name = [f"{f.endpoint} · {f.model}" for f in figures]
    empty = _("No calls in this range.")
    latency = [(f"{n} p95", float(f.p95_ms or 0)) for n, f in zip(name, figures, strict=True)]
    latency += [(f"{n} p50", float(f.p50_ms or 0)) for n, f in zip(name, figures, strict=True)]
    return {
        "rows": figures,
        "latency": charts.labelled_bars(
            "latency", _("Latency (ms), p50 and p95"), sorted(latency), empty=empty
        ),
        "errors": charts.labelled_bars(
            "error-rate", _("Error rate"),
            [(n, f.error_rate) for n, f in zip(name, figures, strict=True)],
            empty=empty, fmt=percent,
        ),
        "tokens": charts.labelled_bars(
            "tokens", _("Tokens (in + out)"),
            [(n, float(f.tokens_in + f.tokens_out)) for n, f in zip(name, figures, strict=True)],
            empty=empty,
        ),
    }  # fmt: skip


def chat_section(start: datetime, end: datetime) -> dict[str, Any]:
    from django_llmshop.support import metrics

    cost = metrics.cost_per_conversation(start, end)
    empty = _("No conversations in this range.")
    conversations = metrics.conversation_figures(start, end)
    return {
        "conversations": conversations,
        "messages": metrics.message_figures(start, end),
        "staff": metrics.first_staff_reply(start, end),
        "cost": cost,
        "outcomes": charts.labelled_bars(
            "chat-outcomes", _("Conversations by outcome"),
            [(_("Answered without a person"), float(conversations["deflected"])),
             (_("Handed to a person"), float(conversations["handed_off"]))],
            empty=empty,
        ),
        "topics": charts.labelled_bars(
            "chat-topics", _("Top topics"),
            [(t, float(n)) for t, n in metrics.top_topics(start, end)], empty=empty,
        ),
        "cost_chart": charts.labelled_bars(
            "chat-cost", _("Costliest conversations"),
            [(label, float(c)) for label, c in cost["top"]], empty=empty, fmt=money,
        ),
    }  # fmt: skip


def content_section(start: datetime, end: datetime) -> dict[str, Any]:
    from django_llmshop.content import metrics

    drafts = metrics.draft_figures(start, end)
    cost = metrics.cost_figures(start, end)
    outcomes = [
        (_("Generated"), drafts["generated"]), (_("Approved"), drafts["approved"]),
        (_("Rejected"), drafts["rejected"]), (_("Failed"), drafts["failed"]),
    ]  # fmt: skip
    return {
        "drafts": drafts,
        "cost": cost,
        "outcomes": charts.labelled_bars(
            "content-drafts", _("Drafts"),
            [(label, float(n)) for label, n in outcomes] if drafts["drafts"] else [],
            empty=_("No drafts in this range."),
        ),
        "cost_chart": charts.labelled_bars(
            "content-cost", _("Cost per product"),
            [(label, float(c)) for label, c in cost["top"]],
            empty=_("No content calls in this range."), fmt=money,
        ),
    }  # fmt: skip


def recommend_section(start: datetime, end: datetime) -> dict[str, Any]:
    from django_llmshop.recommend import metrics

    groups = metrics.by_placement_and_version(start, end)
    comparison = metrics.experiment(start, end)
    empty = _("No recommendations were shown in this range.")
    arm_names = {"baseline": _("popularity baseline"), "treatment": _("model")}
    rows = [(arm_names.get(r.label, r.label), r.ctr) for r in comparison.arms]
    if comparison.difference is not None:
        rows.append((_("Treatment − baseline"), comparison.difference))
    return {
        "groups": groups,
        "comparison": comparison,
        "ctr": charts.labelled_bars(
            "recommend-ctr", _("Click-through per placement and model version"),
            [(g.label, g.ctr.value) for g in groups], empty=empty, fmt=percent,
        ),
        "carts": charts.labelled_bars(
            "recommend-carts", _("Add-to-cart rate per placement and model version"),
            [(g.label, g.cart_rate.value) for g in groups], empty=empty, fmt=percent,
        ),
        "experiment": charts.intervals(
            "recommend-experiment", _("Click-through per arm with 95-percent intervals"), rows,
            empty=_("No experiment traffic in this range."),
        ),
    }  # fmt: skip


def build(first: date, last: date) -> dict[str, Any]:
    """Every section's figures and charts for the days ``first`` to ``last``."""
    start, end = bounds(first, last)
    report: dict[str, Any] = {
        "spend": spend_section(first, last, start, end),
        "endpoints": endpoint_section(start, end),
    }
    if apps.is_installed("django_llmshop.support"):
        report["chat"] = chat_section(start, end)
    if apps.is_installed("django_llmshop.content"):
        report["content"] = content_section(start, end)
    if apps.is_installed("django_llmshop.recommend"):
        report["recommend"] = recommend_section(start, end)
    if apps.is_installed("django_llmshop.content") and apps.is_installed(
        "django_llmshop.recommend"
    ):
        from django_llmshop.dashboard import content_experiments

        report["description_experiments"] = content_experiments.section(start, end)
    return report

"""Admin for the call log (read-only, with totals of what is filtered) and budgets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from django_llmshop.budgetlimits import configured_limit, period_start, row_limits, spent_since
from django_llmshop.conf import llmshop_settings
from django_llmshop.models import PURPOSE_CHOICES, Budget, LLMCall


@admin.register(LLMCall)
class LLMCallAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "purpose",
        "endpoint",
        "model",
        "operation",
        "status",
        "error_class",
        "retries",
        "prompt_tokens",
        "completion_tokens",
        "tokens_estimated",
        "cost",
        "latency_ms",
        "ttft_ms",
    )
    list_filter = (
        "purpose",
        "status",
        "endpoint",
        "model",
        "operation",
        "error_class",
        "tokens_estimated",
        "created_at",
    )
    search_fields = (
        "model",
        "error_class",
        "error_message",
        "prompt_excerpt",
        "response_excerpt",
        "object_id",
    )
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in LLMCall._meta.get_fields() if f.concrete]
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data:
            changelist = response.context_data.get("cl")
            if changelist is not None:
                response.context_data["llmshop_totals"] = call_totals(changelist.queryset)
        return response


def call_totals(queryset: QuerySet[LLMCall]) -> dict[str, Any]:
    """Totals shown above the call log for whatever the filters selected."""
    return queryset.aggregate(
        calls=Count("id"),
        errors=Count("id", filter=Q(status=LLMCall.Status.ERROR)),
        tokens_in=Sum("prompt_tokens"),
        tokens_out=Sum("completion_tokens"),
        cost=Sum("cost"),
        avg_latency_ms=Avg("latency_ms"),
        avg_ttft_ms=Avg("ttft_ms"),
    )


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    """Budgets with what was spent today and this month against each limit, as a bar."""

    list_display = (
        "__str__",
        "daily_limit",
        "spent_today",
        "monthly_limit",
        "spent_this_month",
        "is_active",
    )
    list_display_links = ("__str__",)
    list_editable = ("daily_limit", "monthly_limit", "is_active")
    list_filter = ("purpose", "is_active")
    fields = ("purpose", "endpoint", "daily_limit", "monthly_limit", "is_active")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Budget]:
        budgets: QuerySet[Budget] = super().get_queryset(request)
        return budgets.annotate(
            llmshop_spent_day=spend_since(period_start("day")),
            llmshop_spent_month=spend_since(period_start("month")),
        )

    @admin.display(description=_("spent today"), ordering="llmshop_spent_day")
    def spent_today(self, obj: Budget) -> str:
        return spend_bar(getattr(obj, "llmshop_spent_day", None), _effective(obj, "day"))

    @admin.display(description=_("spent this month"), ordering="llmshop_spent_month")
    def spent_this_month(self, obj: Budget) -> str:
        return spend_bar(getattr(obj, "llmshop_spent_month", None), _effective(obj, "month"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "llmshop_configured": configured_budgets()}
        return super().changelist_view(request, context)


def spend_since(since: datetime) -> Coalesce:
    """What a budget row's calls cost since ``since``: its purpose, on its endpoint or on any."""
    calls = LLMCall.objects.filter(purpose=OuterRef("purpose"), created_at__gte=since).filter(
        Q(endpoint=OuterRef("endpoint")) | Q(Exact(OuterRef("endpoint"), Value("")))
    )
    total = calls.values("purpose").annotate(total=Sum("cost")).values("total")[:1]
    return Coalesce(Subquery(total), Value(Decimal(0)), output_field=DecimalField())


def _effective(budget: Budget, period: str) -> Decimal | None:
    return next((lim.amount for lim in row_limits(budget) if lim.period == period), None)


def configured_budgets() -> list[dict[str, Any]]:
    """The purposes limited by settings alone (no active row for every endpoint), with spend."""
    covered = set(
        Budget.objects.filter(is_active=True, endpoint="").values_list("purpose", flat=True)
    )
    rows = []
    for purpose, label in PURPOSE_CHOICES[:-1]:
        day, month = configured_limit(purpose, "day"), configured_limit(purpose, "month")
        if purpose in covered or (day is None and month is None):
            continue
        rows.append(
            {
                "purpose": label,
                "day": spend_bar(spent_since(purpose, "", period_start("day")), day),
                "month": spend_bar(spent_since(purpose, "", period_start("month")), month),
            }
        )
    return rows


def spend_bar(spent: Decimal | None, limit: Decimal | None) -> str:
    """Spending against a limit: the figures, the share used and a bar (no script needed)."""
    spent = Decimal(spent or 0)
    if limit is None:
        return format_html("{} <small>({})</small>", _money(spent), _("no limit"))
    share = spent / limit if limit > 0 else Decimal(1)  # a limit of 0 refuses every call
    percent = round(share * 100)
    alert_at = min((Decimal(str(s)) for s in llmshop_settings.BUDGET_ALERT_SHARES), default=1)
    colour = "#ba2121" if share >= 1 else "#d98c00" if share >= alert_at else "#417690"
    return format_html(
        '<div class="llmshop-spend">{} / {} ({}%)<div role="progressbar" aria-valuemin="0" '
        'aria-valuemax="100" aria-valuenow="{}" style="background:#ddd;width:10em;height:.5em">'
        '<div style="background:{};width:{}%;height:100%"></div></div></div>',
        _money(spent),
        _money(limit),
        percent,
        min(percent, 100),
        colour,
        min(percent, 100),
    )


def _money(amount: Decimal) -> str:
    return f"{amount:.4f}"

"""Admin for the call log (read-only, with totals of what is filtered) and budgets."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from django_llmshop.models import Budget, LLMCall


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
    list_display = ("purpose", "daily_limit", "is_active")
    list_editable = ("daily_limit", "is_active")

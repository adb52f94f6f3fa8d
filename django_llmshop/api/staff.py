"""The core's staff API: the call log and the budgets, as staff see them in the admin.

``GET calls/`` lists model calls, newest first (staff with ``llmshop.view_llmcall``);
``GET budgets/`` lists the budgets with what was spent today and this month, ``POST budgets/``
adds one and ``PATCH budgets/{id}/`` changes its limits (``view_``, ``add_`` and
``change_budget``). Like every API view: the session with the CSRF token, never HTTP Basic.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_llmshop.api.schema import QueryParameter
from django_llmshop.api.views import ShopAPIView
from django_llmshop.budgetlimits import period_start, row_limits, spent_since
from django_llmshop.conf import llmshop_settings
from django_llmshop.models import Budget, LLMCall

MAX_CALLS = 500
#: Decimal places of costs (as in the call log) and of limits (as in a Budget row).
COST_PLACES = Decimal("0.000001")
LIMIT_PLACES = Decimal("0.0001")


class ModelPermission(BasePermission):
    """The user holds the view's ``required_permissions`` for the request's method."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        wanted = getattr(view, "required_permissions", {}).get(request.method, ())
        return bool(wanted) and request.user.has_perms(wanted)


class StaffAPIView(ShopAPIView):
    permission_classes = [IsAdminUser, ModelPermission]
    required_permissions: dict[str, tuple[str, ...]] = {}


class CallSerializer(serializers.ModelSerializer[LLMCall]):
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = LLMCall
        fields = [
            "id", "created_at", "purpose", "endpoint", "model", "operation", "status",
            "error_class", "error_message", "http_status", "retries", "prompt_tokens",
            "completion_tokens", "tokens_estimated", "cost", "latency_ms", "ttft_ms",
            "prompt_excerpt", "response_excerpt", "object_type", "object_id",
        ]  # fmt: skip

    def get_object_type(self, call: LLMCall) -> str | None:
        return call.content_type.model if call.content_type_id and call.content_type else None


class CallListView(StaffAPIView):
    """Calls, newest first; filter with ``purpose``, ``status``, ``endpoint`` and ``since``
    (an ISO date-time); ``limit`` (1–500, default 50)."""

    required_permissions = {"GET": ("llmshop.view_llmcall",)}
    query_parameters = [
        QueryParameter("purpose", "Only the calls made for this purpose."),
        QueryParameter("status", "Only the calls that ended so.", {"enum": LLMCall.Status.values}),
        QueryParameter("endpoint", "Only the calls to this endpoint."),
        QueryParameter("since", "Only the calls made since then.", {"format": "date-time"}),
        QueryParameter("limit", "How many calls, 1 to 500 (default 50).", {"type": "integer"}),
    ]
    response_serializer = CallSerializer(many=True)
    filters = ("purpose", "status", "endpoint")

    def get(self, request: Request) -> Response:
        calls = LLMCall.objects.select_related("content_type").order_by("-created_at", "-pk")
        for name in self.filters:
            value = request.query_params.get(name)
            if value:
                calls = calls.filter(**{name: value[:200]})
        since_text = request.query_params.get("since")
        if since_text:
            since = _datetime(since_text)
            if since is None:
                return Response({"detail": _("since must be an ISO date-time.")}, status=400)
            calls = calls.filter(created_at__gte=since)
        limit_text = request.query_params.get("limit", "50")
        if not (
            limit_text.isascii() and limit_text.isdigit() and 1 <= int(limit_text) <= MAX_CALLS
        ):
            return Response({"detail": _("limit must be a number from 1 to 500.")}, status=400)
        return Response(CallSerializer(calls[: int(limit_text)], many=True).data)


def _datetime(text: str) -> datetime | None:
    try:
        return parse_datetime(text[:64])
    except ValueError:
        return None


class BudgetSerializer(serializers.ModelSerializer[Budget]):
    spent_today = serializers.SerializerMethodField()
    spent_this_month = serializers.SerializerMethodField()
    effective_daily_limit = serializers.SerializerMethodField()
    effective_monthly_limit = serializers.SerializerMethodField()

    class Meta:
        model = Budget
        fields = [
            "id", "purpose", "endpoint", "daily_limit", "monthly_limit", "is_active",
            "spent_today", "spent_this_month", "effective_daily_limit", "effective_monthly_limit",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def validate_endpoint(self, value: str) -> str:
        if value and value not in llmshop_settings.ENDPOINTS:
            raise serializers.ValidationError(
                _("No endpoint is named %(alias)s in LLMSHOP['ENDPOINTS'].") % {"alias": value}
            )
        return value

    def get_spent_today(self, budget: Budget) -> str:
        return _spent(budget, "day")

    def get_spent_this_month(self, budget: Budget) -> str:
        return _spent(budget, "month")

    def get_effective_daily_limit(self, budget: Budget) -> str | None:
        return _effective(budget, "day")

    def get_effective_monthly_limit(self, budget: Budget) -> str | None:
        return _effective(budget, "month")


def _spent(budget: Budget, period: str) -> str:
    """What the row's calls cost in the current day or month, with the call log's 6 places."""
    spent = spent_since(budget.purpose, budget.endpoint, period_start(period))
    return str(Decimal(spent).quantize(COST_PLACES))


def _effective(budget: Budget, period: str) -> str | None:
    """The limit that applies: the row's own, or for a purpose-wide row the setting's."""
    amount = next((lim.amount for lim in row_limits(budget) if lim.period == period), None)
    return None if amount is None else str(Decimal(amount).quantize(LIMIT_PLACES))


class BudgetListView(StaffAPIView):
    required_permissions = {"GET": ("llmshop.view_budget",), "POST": ("llmshop.add_budget",)}
    success_status = {"POST": 201}
    request_serializer = BudgetSerializer
    response_serializer = {"GET": BudgetSerializer(many=True), "POST": BudgetSerializer}

    def get(self, request: Request) -> Response:
        return Response(BudgetSerializer(Budget.objects.all(), many=True).data)

    def post(self, request: Request) -> Response:
        serializer = BudgetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class BudgetDetailView(StaffAPIView):
    required_permissions = {"GET": ("llmshop.view_budget",), "PATCH": ("llmshop.change_budget",)}
    request_serializer = BudgetSerializer
    response_serializer = BudgetSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(BudgetSerializer(get_object_or_404(Budget, pk=pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        budget = get_object_or_404(Budget, pk=pk)
        serializer = BudgetSerializer(budget, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


urlpatterns: list[Any] = [
    path("calls/", CallListView.as_view(), name="calls"),
    path("budgets/", BudgetListView.as_view(), name="budgets"),
    path("budgets/<int:pk>/", BudgetDetailView.as_view(), name="budget"),
]

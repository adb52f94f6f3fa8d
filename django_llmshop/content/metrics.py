"""Figures of content generation over a time range, for the owner's dashboard.

Drafts generated, approved (published), rejected and failed; fact-check findings per 100
drafts; the time from generation to approval; what each product's generation cost and what a
published text cost. Aggregate queries only: the findings are counted by the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
)

from django_llmshop.adapters import get_adapter
from django_llmshop.content.models import Draft
from django_llmshop.models import LLMCall

Status = Draft.Status


class JSONArrayLength(Func):
    """The length of a JSON array column (SQLite and PostgreSQL spell it differently)."""

    function = "JSON_ARRAY_LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra)


def draft_figures(start: datetime, end: datetime) -> dict[str, Any]:
    """Drafts begun in the range, by outcome, with findings per 100 finished drafts and the
    average time from generation to approval."""
    drafts = Draft.objects.filter(created_at__gte=start, created_at__lt=end)
    finished = ~Q(status__in=[Status.PENDING, Status.FAILED])
    found = drafts.aggregate(
        drafts=Count("id"),
        generated=Count("id", filter=finished),
        approved=Count("id", filter=Q(status=Status.PUBLISHED)),
        rejected=Count("id", filter=Q(status=Status.REJECTED)),
        failed=Count("id", filter=Q(status=Status.FAILED)),
        pending=Count("id", filter=Q(status=Status.PENDING)),
        findings=Sum(JSONArrayLength("findings"), filter=finished),
        to_approval=Avg(
            ExpressionWrapper(F("reviewed_at") - F("created_at"), output_field=DurationField()),
            filter=Q(status=Status.PUBLISHED, reviewed_at__isnull=False),
        ),
    )
    found["findings"] = found["findings"] or 0
    generated = found["generated"]
    found["findings_per_100"] = 100 * found["findings"] / generated if generated else None
    wait = found["to_approval"]
    if wait is not None and not isinstance(wait, timedelta):  # a backend's microseconds
        wait = timedelta(microseconds=float(wait))
    found["to_approval"] = wait
    return found


def cost_figures(start: datetime, end: datetime, limit: int = 10) -> dict[str, Any]:
    """Content calls' cost in the range: per product (the costliest), in all, and per text
    published in the range (what the rejected and failed drafts cost included)."""
    calls = LLMCall.objects.filter(purpose="content", created_at__gte=start, created_at__lt=end)
    total = calls.aggregate(cost=Sum("cost"))["cost"] or Decimal(0)
    per_product = list(
        calls.exclude(object_id="")
        .values("object_id")
        .annotate(cost=Sum("cost"))
        .order_by("-cost", "object_id")[:limit]
    )
    products = get_adapter().products_by_id([row["object_id"] for row in per_product])
    adapter = get_adapter()
    top = []
    for row in per_product:
        product = products.get(row["object_id"])
        name = adapter.product_name(product) if product is not None else f"#{row['object_id']}"
        top.append((name, row["cost"] or Decimal(0)))
    published = Draft.objects.filter(
        status=Status.PUBLISHED, reviewed_at__gte=start, reviewed_at__lt=end
    ).count()
    return {
        "total": total,
        "top": top,
        "published": published,
        "per_published": total / published if published else None,
    }

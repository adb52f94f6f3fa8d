"""Figures of the recommendations over a time range, for the owner's dashboard.

Impressions, clicks, click-through and add-to-cart rate per placement and model version
(the popularity baseline among them), and the experiment's arms compared: click-through per
arm with its 95 % Wilson interval, and the treatment's lead over the baseline with Newcombe's.
The arms' intervals are computed from counts divided by the arm's design effect over its
shoppers (:func:`django_llmshop.experiments.design_effect`): one shopper's impressions are not
independent trials.

A shown product counts as added to the cart when its shopper put it in the cart within
:data:`CART_WINDOW` of seeing it (a ``cart`` shopper event of the same user or session token).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)

from django_llmshop import experiments
from django_llmshop.recommend.experiments import BASELINE, TREATMENT
from django_llmshop.recommend.models import ShopperEvent, TrackingEvent

CART_WINDOW = timedelta(days=1)
IMPRESSION, CLICK = TrackingEvent.Kind.IMPRESSION, TrackingEvent.Kind.CLICK


@dataclass
class Rates:
    """One group's impressions, clicks and carts."""

    label: str
    impressions: int
    clicks: int
    carts: int
    # How much clicks and carts cluster by shopper (1: counted as independent trials).
    deff_clicks: float = 1.0
    deff_carts: float = 1.0

    def effective_clicks(self) -> tuple[float, float]:
        clicks = min(self.clicks, self.impressions)
        return experiments.effective(clicks, self.impressions, self.deff_clicks)

    def effective_carts(self) -> tuple[float, float]:
        carts = min(self.carts, self.impressions)
        return experiments.effective(carts, self.impressions, self.deff_carts)

    @property
    def ctr(self) -> experiments.Interval:
        return experiments.wilson(*self.effective_clicks())

    @property
    def cart_rate(self) -> experiments.Interval:
        return experiments.wilson(*self.effective_carts())


def _carted() -> Exists:
    """Whether the shown product went into its shopper's cart within the window after."""
    same_user = Q(user_id=OuterRef("user_id"))
    same_token = Q(session_key=OuterRef("session_key")) & ~Q(session_key="")
    return Exists(
        ShopperEvent.objects.filter(
            same_user | same_token,
            type=ShopperEvent.Type.CART,
            product_id=OuterRef("product_id"),
            created__gte=OuterRef("created"),
            created__lt=ExpressionWrapper(
                OuterRef("created") + CART_WINDOW, output_field=DateTimeField()
            ),
        )
    )


def _counted(rows: QuerySet[TrackingEvent], *group: str) -> list[dict[str, Any]]:
    return list(
        rows.annotate(carted=_carted())
        .values(*group)
        .annotate(
            impressions=Count("id", filter=Q(kind=IMPRESSION)),
            clicks=Count("id", filter=Q(kind=CLICK)),
            carts=Count("id", filter=Q(kind=IMPRESSION, carted=True)),
        )
        .order_by(*group)
    )


def tracking_between(start: datetime, end: datetime) -> QuerySet[TrackingEvent]:
    return TrackingEvent.objects.filter(created__gte=start, created__lt=end)


def by_placement_and_version(start: datetime, end: datetime) -> list[Rates]:
    """Rates per placement and model version, e.g. "product · model-3+rerank"."""
    rows = _counted(tracking_between(start, end), "placement", "model_version")
    return [
        Rates(f"{r['placement']} · {r['model_version']}", r["impressions"], r["clicks"], r["carts"])
        for r in rows
    ]


def totals(start: datetime, end: datetime) -> Rates:
    found = tracking_between(start, end).aggregate(
        impressions=Count("id", filter=Q(kind=IMPRESSION)),
        clicks=Count("id", filter=Q(kind=CLICK)),
    )
    return Rates("", found["impressions"], found["clicks"], 0)


@dataclass
class Comparison:
    """The experiment's arms and the treatment's click-through minus the baseline's."""

    arms: list[Rates]
    difference: experiments.Interval | None
    cart_difference: experiments.Interval | None


def _arm(arm: str, shoppers: list[dict[str, Any]]) -> Rates:
    """One arm's totals, with the design effects over its shoppers."""
    clicks = [(min(r["clicks"], r["impressions"]), r["impressions"]) for r in shoppers]
    carts = [(min(r["carts"], r["impressions"]), r["impressions"]) for r in shoppers]
    return Rates(
        arm,
        sum(r["impressions"] for r in shoppers),
        sum(r["clicks"] for r in shoppers),
        sum(r["carts"] for r in shoppers),
        experiments.design_effect(clicks),
        experiments.design_effect(carts),
    )


def experiment(start: datetime, end: datetime) -> Comparison:
    """Click-through (and add-to-cart rate) per arm, and the difference with its interval."""
    rows = _counted(tracking_between(start, end).exclude(arm=""), "arm", "user_id", "session_key")
    shoppers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        shoppers[row["arm"]].append(row)
    arms = {arm: _arm(arm, found) for arm, found in shoppers.items()}
    ordered = [arms[a] for a in (BASELINE, TREATMENT) if a in arms]
    base, treat = arms.get(BASELINE), arms.get(TREATMENT)
    if base is None or treat is None or not base.impressions or not treat.impressions:
        return Comparison(ordered, None, None)
    return Comparison(
        ordered,
        experiments.difference(base.effective_clicks(), treat.effective_clicks()),
        experiments.difference(base.effective_carts(), treat.effective_carts()),
    )

"""The dashboard's description experiments: add-to-cart rate per product view in each arm.

An experiment's figures cover its whole run, from its start to its end (or now), for the
experiments that ran during the dashboard's range. A view or a cart counts for the arm of the
shopper who made it (the same hash the storefront used, over the event's user or session
token), and only for the experiment's product. A shopper's carts count up to their views of
the product in the run, so a cart with no view of the text behind it is left out and the rate
stays a share of views. Views of one shopper are not independent trials: the intervals are
computed from the counts divided by each arm's design effect over its shoppers
(:func:`django_llmshop.experiments.design_effect`), so few shoppers viewing very often widen them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from django_llmshop import experiments
from django_llmshop.adapters import get_adapter
from django_llmshop.content.experiments import CURRENT, GENERATED, arm_for
from django_llmshop.content.models import DescriptionExperiment
from django_llmshop.dashboard import charts
from django_llmshop.experiments import Interval
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.shoppers import Shopper


@dataclass(frozen=True)
class Arm:
    """One arm's product views, the carts that followed them, and the rate with its interval."""

    arm: str
    views: int
    carts: int
    rate: Interval
    deff: float = 1.0

    def effective(self) -> tuple[float, float]:
        return experiments.effective(self.carts, self.views, self.deff)


@dataclass(frozen=True)
class Measured:
    """An experiment's arms, the generated arm's rate minus the current text's, and a verdict
    (empty unless the difference's interval excludes zero)."""

    experiment: DescriptionExperiment
    current: Arm
    generated: Arm
    difference: Interval | None
    verdict: str


def counts(experiment: DescriptionExperiment, now: datetime | None = None) -> dict[str, Arm]:
    """Views and carts of the experiment's product per arm during its run."""
    events = ShopperEvent.objects.filter(
        product_id=experiment.product_id,
        type__in=[ShopperEvent.Type.VIEW, ShopperEvent.Type.CART],
        created__gte=experiment.started_at,
        created__lt=experiment.ended_at or now or timezone.now(),
    ).exclude(Q(user__isnull=True) & Q(session_key=""))
    rows = events.values("user_id", "session_key", "type").annotate(n=Count("id")).order_by()
    per_shopper: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        shopper = Shopper(user_id=row["user_id"], session_key=row["session_key"] or "")
        per_shopper[shopper.key][0 if row["type"] == ShopperEvent.Type.VIEW else 1] += row["n"]
    shoppers: dict[str, list[tuple[int, int]]] = {CURRENT: [], GENERATED: []}
    for key, (views, carts) in per_shopper.items():
        shoppers[arm_for(experiment, key)].append((min(carts, views), views))
    arms = {}
    for arm, pairs in shoppers.items():
        carts, views = sum(c for c, _ in pairs), sum(v for _, v in pairs)
        deff = experiments.design_effect(pairs)
        rate = experiments.wilson(*experiments.effective(carts, views, deff))
        arms[arm] = Arm(arm, views, carts, rate, deff)
    return arms


def verdict(difference: Interval | None) -> str:
    """A plain sentence when the interval excludes zero; otherwise nothing is claimed."""
    if difference is None or not difference.excludes_zero():
        return ""
    values = {
        "d": f"{100 * abs(difference.value):.1f}",
        "low": f"{100 * difference.low:.1f}",
        "high": f"{100 * difference.high:.1f}",
    }
    if difference.value > 0:
        return (
            _(
                "Shoppers who saw the generated description added the product to the cart more "
                "often: %(d)s more per 100 views (95-percent interval %(low)s to %(high)s)."
            )
            % values
        )
    return (
        _(
            "Shoppers who saw the generated description added the product to the cart less "
            "often: %(d)s fewer per 100 views (95-percent interval %(low)s to %(high)s)."
        )
        % values
    )


def measure(experiment: DescriptionExperiment, now: datetime | None = None) -> Measured:
    arms = counts(experiment, now)
    current, generated = arms[CURRENT], arms[GENERATED]
    difference = None
    if current.views and generated.views:
        difference = experiments.difference(current.effective(), generated.effective())
    return Measured(experiment, current, generated, difference, verdict(difference))


def _end_url(experiment: DescriptionExperiment) -> str:
    try:
        return reverse("admin:llmshop_content_descriptionexperiment_end", args=[experiment.pk])
    except NoReverseMatch:
        return ""


def section(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Each experiment that ran during the range, newest first, with its figures and chart."""
    running = Q(ended_at__isnull=True) | Q(ended_at__gte=start)
    found = DescriptionExperiment.objects.filter(running, started_at__lt=end)
    adapter = get_adapter()
    result = []
    for experiment in found.select_related("draft").prefetch_related("draft__product"):
        measured = measure(experiment)
        product = experiment.draft.product
        rows = [
            (_("Current text"), measured.current.rate),
            (_("Generated description"), measured.generated.rate),
        ]
        if measured.difference is not None:
            rows.append((_("Generated − current"), measured.difference))
        result.append(
            {
                "measured": measured,
                "product": adapter.product_name(product) if product else experiment.product_id,
                "arms": [
                    (_("Current text"), measured.current),
                    (_("Generated description"), measured.generated),
                ],
                "end_url": _end_url(experiment),
                "chart": charts.intervals(
                    f"description-experiment-{experiment.pk}",
                    _("Add-to-cart rate per product view with 95-percent intervals"),
                    rows,
                ),
            }
        )
    return result

"""The recommendations' experiment: a sticky share of shoppers gets the popularity baseline.

``LLMSHOP["RECOMMEND_EXPERIMENT"] = {"baseline_share": 0.1}`` serves one shopper in ten the
shop's most popular items instead of the trained model's (re-ranked) recommendations. Every
block view is tracked with its arm and model version, and the dashboard compares the arms'
click-through rates with 95 % confidence intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django_llmshop import experiments
from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend.services import recommend
from django_llmshop.recommend.serving import Recommendation, candidates, product_key
from django_llmshop.shoppers import Shopper

BASELINE = "baseline"
TREATMENT = "treatment"
#: The model version tracked for the baseline arm's (and an untrained shop's) recommendations.
POPULARITY = "popularity"


@dataclass
class Served:
    """What a block shows, and what produced it: the arm and the model version."""

    items: list[Recommendation]
    pending: bool
    arm: str
    model_version: str


def baseline_share() -> float:
    return float(llmshop_settings.RECOMMEND_EXPERIMENT.get("baseline_share") or 0.0)


def arm_for(shopper: Shopper | None) -> str:
    """The shopper's arm: the same on every request while the experiment's settings stay.

    With no experiment running (a share of 0) every shopper is in the treatment arm; so is a
    shopper nobody knows yet (no session token), who gets one with the first tracked view.
    """
    share = baseline_share()
    if share <= 0 or shopper is None:
        return "" if share <= 0 else TREATMENT
    name = str(llmshop_settings.RECOMMEND_EXPERIMENT.get("name") or "")
    return experiments.assign(name, shopper.key, share)


def popularity_baseline(product: Any, k: int) -> list[Recommendation]:
    """The shop's ``k`` most popular available items, leaving out the product being viewed."""
    found = candidates(None, None, k + 1).items
    current = product_key(product) if product is not None else None
    return [r for r in found if r.product_id != current][:k]


def version_of(model_id: int | None, reranked: bool) -> str:
    """``"model-12"`` (``"model-12+rerank"`` when re-ranked), or ``"popularity"``."""
    if model_id is None:
        return POPULARITY
    return f"model-{model_id}{'+rerank' if reranked else ''}"


def serve(shopper: Shopper | None, product: Any, k: int) -> Served:
    """The block's recommendations for this shopper in their arm of the experiment."""
    arm = arm_for(shopper)
    if arm == BASELINE:
        return Served(popularity_baseline(product, k), False, arm, POPULARITY)
    result = recommend(shopper, product, k)
    return Served(result.items, result.pending, arm, version_of(result.model_id, result.reranked))

"""Recording what the recommendations block showed (impressions) and what shoppers followed.

A rendered block writes all its impressions in one insert, under a random view token; the
block's links go through the click URL, which names that token and the product. A click is
recorded only for a product that view really showed, and copies the impression's placement,
model version and arm, so a forged request can at most repeat a click that is counted once.
"""

from __future__ import annotations

import re
import secrets

from django.urls import reverse
from django.utils.http import urlencode

from django_llmshop import shoppers
from django_llmshop.recommend.experiments import Served
from django_llmshop.recommend.models import TrackingEvent
from django_llmshop.shoppers import Shopper

VIEW_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,32}")
PLACEMENT_PATTERN = re.compile(r"[a-z0-9_-]{1,40}")
PRODUCT_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def new_view() -> str:
    """A fresh token for one rendered block (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def valid_view(value: str | None) -> str | None:
    return value if value and VIEW_PATTERN.fullmatch(value) else None


def valid_placement(value: str | None) -> str | None:
    return value if value and PLACEMENT_PATTERN.fullmatch(value) else None


def valid_product_id(value: str | None) -> str | None:
    return value if value and PRODUCT_PATTERN.fullmatch(value) else None


def click_url(view: str, product_id: str) -> str:
    """The link a shown product goes through: records the click, then redirects to the product."""
    return f"{reverse('llmshop:recommend-click')}?{urlencode({'v': view, 'p': product_id})}"


def record_impressions(shopper: Shopper | None, view: str, placement: str, served: Served) -> int:
    """Store one impression per product of ``served``, in one insert; how many were offered.

    Showing the same view again (the block's re-poll) adds only products it had not shown.
    """
    owner = {"user_id": shopper.user_id, "session_key": shopper.session_key} if shopper else {}
    rows = [
        TrackingEvent(
            kind=TrackingEvent.Kind.IMPRESSION,
            view=view,
            placement=placement,
            model_version=served.model_version,
            arm=served.arm,
            product_id=item.product_id[:64],
            position=position,
            **owner,
        )
        for position, item in enumerate(served.items)
    ]
    if rows:
        TrackingEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def record_click(view: str, product_id: str) -> TrackingEvent | None:
    """Record a click on ``product_id`` in block view ``view``; None if it never showed it."""
    shown = (
        TrackingEvent.objects.filter(
            view=view, product_id=product_id, kind=TrackingEvent.Kind.IMPRESSION
        )
        .only("placement", "model_version", "arm", "position", "user_id", "session_key")
        .first()
    )
    if shown is None:
        return None
    click = TrackingEvent(
        kind=TrackingEvent.Kind.CLICK,
        view=view,
        placement=shown.placement,
        model_version=shown.model_version,
        arm=shown.arm,
        product_id=product_id,
        position=shown.position,
        user_id=shown.user_id,
        session_key=shown.session_key,
    )
    TrackingEvent.objects.bulk_create([click], ignore_conflicts=True)
    return click


def hand_over_tracking(token: str, owner: Shopper) -> int:
    """Give anonymous session ``token``'s tracking rows to ``owner`` (registered for login), so
    a product shown before login and put in the cart after it counts as added to the cart."""
    return shoppers.hand_over(TrackingEvent.objects.all(), token, owner)

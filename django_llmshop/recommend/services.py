"""The recommendations' public functions: who the shopper is, recording events, serving.

A shop calls :func:`record_event` where shoppers do things (add to cart, order placed) and
:func:`recommend_for` (also the function the support chat may call) to get recommendations.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend.models import ShopperEvent, TrainedModel

#: The session key under which an anonymous shopper's random token is kept. A token, not
#: Django's session key, because login changes the session key but keeps the session's data.
SESSION_TOKEN = "llmshop_shopper"

EVENT_TYPES = frozenset(ShopperEvent.Type.values)


@dataclass(frozen=True)
class Shopper:
    """A logged-in user (``user_id``) or an anonymous session (``session_key``)."""

    user_id: Any = None
    session_key: str = ""

    @property
    def key(self) -> str:
        return f"u:{self.user_id}" if self.user_id is not None else f"s:{self.session_key}"

    def events(self) -> models.QuerySet[ShopperEvent]:
        if self.user_id is not None:
            return ShopperEvent.objects.filter(user_id=self.user_id)
        # The token is random and its session's own, so it needs no "user is null" (which
        # could lead a database to the user index and a scan of every anonymous event).
        return ShopperEvent.objects.filter(session_key=self.session_key)


def session_token(request: HttpRequest, *, create: bool = False) -> str:
    """The random shopper token kept in the session ("" when there is none yet)."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    token = session.get(SESSION_TOKEN, "")
    if not token and create:
        token = secrets.token_urlsafe(24)
        session[SESSION_TOKEN] = token
    return str(token)


def as_shopper(who: Any, *, create: bool = False) -> Shopper | None:
    """The shopper behind a request, a user, a session key string or a ``Shopper``."""
    if who is None or isinstance(who, Shopper):
        return who
    if isinstance(who, str):
        return Shopper(session_key=who) if who else None
    if isinstance(who, HttpRequest):
        user = getattr(who, "user", None)
        if user is not None and user.is_authenticated:
            return Shopper(user_id=user.pk)
        token = session_token(who, create=create)
        return Shopper(session_key=token) if token else None
    if getattr(who, "is_authenticated", False):
        return Shopper(user_id=who.pk)
    return None


def product_key(product: Any) -> str:
    """A product's id as events store it: ``str(pk)`` of an instance, or the id given."""
    return str(product.pk if isinstance(product, models.Model) else product)


def record_event(who: Any, product: Any, type: str) -> ShopperEvent | None:
    """Record that a shopper viewed, carted, bought or wished for ``product``.

    ``who`` is the request (anonymous shoppers get a session token), a user, or a session key.
    Returns None when there is nobody to record it for.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}; use one of {sorted(EVENT_TYPES)}.")
    shopper = as_shopper(who, create=True)
    if shopper is None:
        return None
    return ShopperEvent.objects.create(
        user_id=shopper.user_id,
        session_key=shopper.session_key,
        product_id=product_key(product),
        type=type,
    )


def record_order(user: Any, products: list[Any]) -> int:
    """Record a purchase event for each product of an order the user placed."""
    shopper = as_shopper(user)
    if shopper is None:
        return 0
    events = [
        ShopperEvent(
            user_id=shopper.user_id, product_id=product_key(p), type=ShopperEvent.Type.PURCHASE
        )
        for p in products
    ]
    return len(ShopperEvent.objects.bulk_create(events))


def adopt_events(request: HttpRequest, user: Any) -> int:
    """Move the anonymous session's events to the account the shopper just logged in to."""
    token = session_token(request)
    if not token or user is None or user.pk is None:
        return 0
    return ShopperEvent.objects.filter(user__isnull=True, session_key=token).update(user=user)


def available_product(product_id: Any) -> Any | None:
    """The product with this id if it exists and is available, else None."""
    adapter = get_adapter()
    product = adapter.products_by_id([product_id]).get(str(product_id))
    if product is None or not adapter.product_is_available(product):
        return None
    return product


def purge_events(now: Any = None) -> int:
    """Delete events older than ``RECOMMEND_EVENT_RETENTION_DAYS``, and retired models."""
    days = int(llmshop_settings.RECOMMEND_EVENT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = ShopperEvent.objects.filter(created__lt=cutoff).delete()
    TrainedModel.objects.filter(
        status__in=[TrainedModel.Status.RETIRED, TrainedModel.Status.FAILED]
    ).delete()
    return deleted


def recommend_for(
    shopper: Any, product: Any = None, k: int = 10, *, rerank: bool | None = None
) -> list[Any]:
    """Up to ``k`` :class:`~django_llmshop.recommend.serving.Recommendation` for a shopper.

    ``shopper`` is a user, a session key, a request or a ``Shopper``; ``product`` (the page
    being viewed) counts as the most recent item. With re-ranking on (``RECOMMEND_RERANK``, or
    ``rerank``) a cached model ranking is applied, or computed in a task for next time.
    """
    from django_llmshop.recommend.rerank import recommend

    return recommend(as_shopper(shopper), product, k, rerank=rerank).items

"""Oscar's signals as shopper events: a product page viewed, a basket addition, an order placed.

Connected by the app's ``ready()`` only while ``django_llmshop.recommend`` is installed. Each
receiver records through the recommendations' public services, so an anonymous shopper's events
follow them into their account at login like any other event.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)

DISPATCH_PREFIX = "llmshop_oscar_"


def _record(who: Any, product: Any, type: str) -> None:
    from django_llmshop.recommend.services import record_event

    try:
        with transaction.atomic():  # a savepoint: a failure leaves Oscar's transaction usable
            record_event(who, product, type)
    except DatabaseError:
        # Losing one event must not break Oscar's page or basket; the log keeps the detail.
        logger.exception("could not record a %s event for product %s", type, product.pk)


def _who(request: Any, user: Any) -> Any:
    return request if request is not None else user


def product_viewed(sender: Any, product: Any, user: Any, request: Any = None, **kw: Any) -> None:
    _record(_who(request, user), product, "view")


def basket_addition(sender: Any, product: Any, user: Any, request: Any = None, **kw: Any) -> None:
    _record(_who(request, user), product, "cart")


def order_placed(sender: Any, order: Any, user: Any = None, **kwargs: Any) -> None:
    """A purchase event per product of the order, for the order's own user."""
    from django_llmshop.recommend.services import record_order

    owner = user if getattr(user, "is_authenticated", False) else order.user
    if owner is None:
        return  # a guest checkout: nobody to recommend to later
    lines = order.lines.select_related("product")
    try:
        with transaction.atomic():
            products = [line.product for line in lines if line.product_id is not None]
            # Keyed to the order, as the history import keys it: importing later adds nothing.
            record_order(owner, products, order=order)
    except DatabaseError:
        logger.exception("could not record the purchases of order %s", order.number)


def connect() -> None:
    """Connect the receivers to Oscar's signals (idempotent: each has a dispatch uid)."""
    from oscar.apps.basket.signals import basket_addition as basket_signal
    from oscar.apps.catalogue.signals import product_viewed as viewed_signal
    from oscar.apps.order.signals import order_placed as order_signal

    viewed_signal.connect(product_viewed, dispatch_uid=f"{DISPATCH_PREFIX}view")
    basket_signal.connect(basket_addition, dispatch_uid=f"{DISPATCH_PREFIX}cart")
    order_signal.connect(order_placed, dispatch_uid=f"{DISPATCH_PREFIX}purchase")

"""The recommendations' JSON API (DRF), mounted under ``llmshop/api/``.

POST ``events/`` ``{product_id, type}`` records an event for the current shopper (anyone, with
the CSRF token); GET ``recommendations/?limit=&product_id=`` lists this shopper's
recommendations. Both work for anonymous shoppers through their session.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend import services, views
from django_llmshop.recommend.models import ShopperEvent

MAX_LIMIT = 50
RATE_WINDOW = 60


class ShopperSessionAuthentication(SessionAuthentication):
    """Session authentication that checks CSRF for anonymous shoppers too."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        user = getattr(request._request, "user", None)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            self.enforce_csrf(request)
        if user is None or not user.is_active:
            return None
        return (user, None)


class EventSerializer(serializers.Serializer[Any]):
    product_id = serializers.CharField(max_length=64)
    type = serializers.ChoiceField(choices=ShopperEvent.Type.choices)

    def validate_product_id(self, value: str) -> str:
        if services.available_product(value) is None:
            raise serializers.ValidationError(_("No such product is available."))
        return value


def over_rate(keys: list[str]) -> int | None:
    """Count one event against each key's per-minute limit; seconds to wait when over it."""
    limit = int(llmshop_settings.RECOMMEND_EVENT_RATE_LIMIT)
    now = int(time.time())
    slot = now // RATE_WINDOW
    for key in keys:
        full = f"llmshop:rec:rate:{key}:{slot}"
        cache.add(full, 0, timeout=RATE_WINDOW + 1)
        try:
            count = cache.incr(full)
        except ValueError:  # expired between add and incr
            cache.set(full, 1, timeout=RATE_WINDOW + 1)
            count = 1
        if count > limit:
            return max((slot + 1) * RATE_WINDOW - now, 1)
    return None


class ShopperView(APIView):
    authentication_classes = [ShopperSessionAuthentication]
    permission_classes = [AllowAny]


class EventListView(ShopperView):
    def post(self, request: Request) -> Response:
        shopper = services.as_shopper(request._request, create=True)
        ip = request._request.META.get("REMOTE_ADDR", "")
        wait = over_rate([f"shopper:{shopper.key if shopper else '-'}", f"ip:{ip}"])
        if wait is not None:
            response = Response(
                {"error": "rate_limited", "detail": _("Too many events; please slow down.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(wait)
            return response
        serializer = EventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = services.record_event(shopper, data["product_id"], data["type"])
        return Response(
            {"id": event.pk if event else None, "product_id": data["product_id"],
             "type": data["type"]},
            status=status.HTTP_201_CREATED,
        )  # fmt: skip


def limit_from(value: Any, default: int = 10) -> int:
    try:
        return min(max(int(value), 1), MAX_LIMIT)
    except (TypeError, ValueError):
        return default


class RecommendationListView(ShopperView):
    def get(self, request: Request) -> Response:
        limit = limit_from(request.query_params.get("limit"))
        product = None
        product_id = request.query_params.get("product_id")
        if product_id:
            product = services.available_product(product_id)
            if product is None:
                return Response(
                    {"product_id": [_("No such product is available.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        items = services.recommend_for(request._request, product, limit)
        return Response(
            [{"product_id": r.product_id, "score": r.score, "reason": r.reason} for r in items]
        )


urlpatterns = [
    path("events/", EventListView.as_view(), name="recommend-events"),
    path("recommendations/", RecommendationListView.as_view(), name="recommend-list"),
    *views.urlpatterns,
]

"""The recommendations' JSON API (DRF), mounted under ``llmshop/api/``.

POST ``events/`` ``{product_id, type}`` records an event for the current shopper (anyone, with
the CSRF token); GET ``recommendations/?limit=&product_id=`` lists this shopper's
recommendations. Both work for anonymous shoppers through their session. Events count against
the per-shopper and per-IP limit ``RECOMMEND_EVENT_RATE_LIMIT`` (429 with ``Retry-After``).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from django_llmshop import shoppers
from django_llmshop.api.schema import QueryParameter, describe_page
from django_llmshop.api.throttling import EVENT_THROTTLES
from django_llmshop.api.views import ShopAPIView
from django_llmshop.recommend import services, tracking, views
from django_llmshop.recommend.models import ShopperEvent

MAX_LIMIT = 50


class EventSerializer(serializers.Serializer[Any]):
    product_id = serializers.CharField(max_length=64)
    type = serializers.ChoiceField(choices=ShopperEvent.Type.choices)

    def validate_product_id(self, value: str) -> str:
        if services.available_product(value) is None:
            raise serializers.ValidationError(_("No such product is available."))
        return value


class EventListView(ShopAPIView):
    success_status = {"POST": 201}
    request_serializer = EventSerializer
    throttle_classes = EVENT_THROTTLES
    throttle_detail = gettext_lazy("Too many events; please slow down.")

    def post(self, request: Request) -> Response:
        shopper = shoppers.as_shopper(request._request, create=True)
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


class RecommendationSerializer(serializers.Serializer[Any]):
    product_id = serializers.CharField()
    score = serializers.FloatField()
    reason = serializers.CharField(allow_blank=True)


LIMIT = QueryParameter("limit", "How many products, 1 to 50 (default 10).", {"type": "integer"})
PRODUCT = QueryParameter("product_id", "The product being looked at.")


class RecommendationListView(ShopAPIView):
    """This shopper's recommendations, best first (for the product of ``product_id``)."""

    query_parameters = [LIMIT, PRODUCT]
    response_serializer = RecommendationSerializer(many=True)

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

# The endpoints above that are not DRF views, as the OpenAPI schema shows them.
BLOCK_QUERY = (
    LIMIT,
    PRODUCT,
    QueryParameter("placement", "Where the block is shown (its tracking placement)."),
    QueryParameter("v", "The id of the block view it replaces (tracking)."),
    QueryParameter("polled", "Set when htmx polls again for the re-ranked block."),
)
CLICK_QUERY = (
    QueryParameter(
        "v",
        "The id of the block view that showed the product.",
        {"pattern": f"^{tracking.VIEW_PATTERN.pattern}$"},
    ),
    QueryParameter(
        "p",
        "The id of the product clicked.",
        {"pattern": f"^{tracking.PRODUCT_PATTERN.pattern}$"},
    ),
)
describe_page(
    "recommend-block",
    "get",
    "text/html",
    "The recommendations block (HTML) for ?product_id= and ?limit=, loaded by htmx.",
    "recommendations",
    query=BLOCK_QUERY,
)
describe_page(
    "recommend-together",
    "get",
    "text/html",
    "The frequently-bought-together block (HTML) of ?product_id=, loaded by htmx.",
    "recommendations",
    errors=(400,),
    query=(LIMIT, PRODUCT, BLOCK_QUERY[2]),
)
describe_page(
    "recommend-click",
    "post",
    "",
    "Record a click on a shown product (?v=&p=, the link's ping).",
    "recommendations",
    status=204,
    errors=(400, 404, 429),
    query=CLICK_QUERY,
)
describe_page(
    "recommend-click",
    "get",
    "",
    "Record a click on a shown product and redirect to it.",
    "recommendations",
    status=302,
    errors=(400, 404, 429),
    query=CLICK_QUERY,
)

"""The base of every API view: explicit authentication, safe parsers, rate-limit answers.

Nothing here comes from ``REST_FRAMEWORK``'s defaults, so a shop's own DRF settings (Basic
authentication, other parsers or throttles) never change how this API behaves.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException, ParseError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from django_llmshop.api.authentication import ShopSessionAuthentication, authentication_classes
from django_llmshop.api.parsers import PARSER_CLASSES, unstorable_text
from django_llmshop.api.throttling import counted_together


class RateLimitedError(APIException):
    """429 in the API's error shape, ``{"error": "rate_limited", "detail": ...}``, with a
    ``Retry-After`` header (DRF's exception handler sends it from ``wait``)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"

    def __init__(self, detail: str, wait: float | None) -> None:
        super().__init__({"error": "rate_limited", "detail": str(detail)})
        self.wait = max(math.ceil(wait), 1) if wait is not None else None


class ShopAPIView(APIView):
    """An API view of the package; subclasses set ``permission_classes`` and throttles."""

    authentication_classes = [ShopSessionAuthentication]
    parser_classes = PARSER_CLASSES
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    #: What a refused request is told (the view's own words: "too many messages").
    throttle_detail: Any = _("Too many requests; please wait a moment.")

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Read at each request, so API_TOKEN_AUTH follows the settings of the moment.
        return [authentication() for authentication in authentication_classes()]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        query = [[key, *request.query_params.getlist(key)] for key in request.query_params]
        if unstorable_text(query):
            raise ParseError("Query parameters may not contain NUL characters.")
        super().initial(request, *args, **kwargs)

    def check_throttles(self, request: Request) -> None:
        # The throttles' counts are read and written together: two round trips, not four.
        with counted_together(request, self.get_throttles()):
            super().check_throttles(request)

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise RateLimitedError(self.throttle_detail, wait)

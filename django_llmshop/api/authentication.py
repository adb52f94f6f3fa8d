"""Who an API request comes from: the session (with CSRF, logged in or not), or a token.

Every API view of the package lists its authentication classes itself instead of taking
``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``, whose default includes HTTP Basic: Basic
credentials skip the CSRF check and would let any page the browser visits act for a logged-in
member of staff. Token authentication is added only when ``LLMSHOP["API_TOKEN_AUTH"]`` is True.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from django_llmshop.conf import llmshop_settings


class ShopSessionAuthentication(SessionAuthentication):
    """Session authentication that checks CSRF for anonymous shoppers too.

    DRF's own class checks it only for a logged-in user, but an anonymous shopper's chat and
    events are bound to their session just the same.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        user = getattr(request._request, "user", None)
        if request.method not in SAFE_METHODS:
            self.enforce_csrf(request)
        if user is None or not user.is_active:
            return None
        return (user, None)


def authentication_classes() -> list[type[BaseAuthentication]]:
    """The authentication classes of every API view, by the current settings."""
    classes: list[type[BaseAuthentication]] = [ShopSessionAuthentication]
    if llmshop_settings.API_TOKEN_AUTH is True:
        classes.append(TokenAuthentication)
    return classes

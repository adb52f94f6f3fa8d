"""drf-spectacular's schema generator, fitted to the package's API (imported only with the extra).

Kept apart from :mod:`.schema` so that nothing imports drf-spectacular unless the schema is
asked for: a shop without the ``api`` extra runs the API as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from rest_framework.views import APIView

from django_llmshop.api.schema import PageEndpoint, described_pages

PATH_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
BODY_METHODS = {"POST", "PUT", "PATCH"}


class ShopAutoSchema(AutoSchema):
    """Reads a view's ``request_serializer`` and ``response_serializer`` (a serializer, or a
    dict of them by method) and ``success_status`` (by method, when it is not 200); a view
    that declares no response answers a JSON object."""

    def _declared(self, name: str) -> Any:
        declared = getattr(self.view, name, None)
        if isinstance(declared, dict):
            return declared.get(self.method.upper())
        return declared

    def get_request_serializer(self) -> Any:
        return self._declared("request_serializer") if self.method in BODY_METHODS else None

    def get_description(self) -> str:  # type: ignore[override]
        # The view's own docstring only: the base view's says nothing about the endpoint.
        own = type(self.view).__dict__.get("__doc__") or ""
        return " ".join(own.split())

    def get_response_serializers(self) -> Any:
        serializer = self._declared("response_serializer") or OpenApiTypes.OBJECT
        code = getattr(self.view, "success_status", {}).get(self.method.upper())
        return {code: serializer} if code else serializer


class ShopSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The session cookie, with the CSRF token in ``X-CSRFToken`` on every unsafe method."""

    target_class = "django_llmshop.api.authentication.ShopSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class ShopSchemaGenerator(SchemaGenerator):
    """Describes every view with drf-spectacular's AutoSchema, whatever the shop's
    ``DEFAULT_SCHEMA_CLASS`` is, and lists the described non-DRF endpoints."""

    def __init__(self, *, patterns: Sequence[URLPattern | URLResolver], **kwargs: Any) -> None:
        super().__init__(patterns=patterns, **kwargs)  # type: ignore[no-untyped-call]
        self.shop_patterns = list(patterns)

    def create_view(self, callback: Any, method: str, request: Any = None) -> APIView:
        view: APIView = super().create_view(callback, method, request)  # type: ignore[no-untyped-call]
        if not isinstance(getattr(view, "schema", None), ShopAutoSchema):
            self._set_schema_to_view(view, ShopAutoSchema())  # type: ignore[no-untyped-call]
        return view

    def page_paths(self) -> Iterator[tuple[str, PageEndpoint]]:
        """(OpenAPI path, description) of each described endpoint that is mounted."""
        pages: dict[str, list[PageEndpoint]] = {page.url_name: [] for page in described_pages()}
        for page in described_pages():
            pages[page.url_name].append(page)
        for route, name in _routes(self.shop_patterns, "/"):
            for page in pages.get(name or "", []):
                route = PATH_PARAMETER.sub(r"{\1}", route)
                yield self.coerce_path(route, "", None), page  # type: ignore[no-untyped-call]


def _routes(patterns: Sequence[URLPattern | URLResolver], prefix: str) -> Iterator[tuple[str, str]]:
    """(route, URL name) of every plain Django view under ``patterns``."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif not hasattr(pattern.callback, "cls"):  # DRF views carry their class
            yield route, pattern.name or ""

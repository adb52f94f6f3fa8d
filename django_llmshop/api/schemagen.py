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
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from django_llmshop.api.schema import PageEndpoint, QueryParameter, described_pages

PATH_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
BODY_METHODS = {"POST", "PUT", "PATCH"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer[Any]):
    """A refused request: detail says why (error names the reason, for the chat's limits);
    a refused body names each of its fields with their errors instead."""

    detail = serializers.CharField(required=False)
    error = serializers.CharField(required=False)


def error_statuses(view: APIView, method: str, path: str) -> list[int]:
    """The error statuses an API view answers ``method`` with.

    400 for any of them (a query string or body it cannot read), 403 for an unsafe method
    (the CSRF check) or an endpoint not open to all, 404 for an object's endpoint, 429 where
    the view is throttled, and what the view declares in ``error_statuses`` (by method).
    """
    codes = {400}
    permissions = getattr(view, "permission_classes", [])
    if method in UNSAFE_METHODS or any(p is not AllowAny for p in permissions):
        codes.add(403)
    if "{" in path:
        codes.add(404)
    if getattr(view, "throttle_classes", None):
        codes.add(429)
    codes.update(getattr(view, "error_statuses", {}).get(method, ()))
    return sorted(codes)


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

    def get_override_parameters(self) -> list[Any]:
        declared: list[QueryParameter] = getattr(self.view, "query_parameters", [])
        return [
            OpenApiParameter(
                parameter.name,
                parameter.json_schema(),
                OpenApiParameter.QUERY,
                description=parameter.description,
            )
            for parameter in declared
        ]

    def get_response_serializers(self) -> Any:
        serializer = self._declared("response_serializer") or OpenApiTypes.OBJECT
        method = self.method.upper()
        code = getattr(self.view, "success_status", {}).get(method, 200)
        errors = error_statuses(self.view, method, self.path)
        return {code: serializer, **dict.fromkeys(errors, ErrorSerializer)}


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

    def page_paths(self) -> Iterator[tuple[str, PageEndpoint, list[int]]]:
        """(OpenAPI path, description, error statuses) of each described endpoint mounted."""
        pages: dict[str, list[PageEndpoint]] = {page.url_name: [] for page in described_pages()}
        for page in described_pages():
            pages[page.url_name].append(page)
        for route, pattern in _routes(self.shop_patterns, "/"):
            for page in pages.get(pattern.name or "", []):
                route = PATH_PARAMETER.sub(r"{\1}", route)
                errors = set(page.errors)
                if "{" in route:
                    errors.add(404)
                checks_csrf = not getattr(pattern.callback, "csrf_exempt", False)
                if page.method.upper() in UNSAFE_METHODS and checks_csrf:
                    errors.add(403)
                path = self.coerce_path(route, "", None)  # type: ignore[no-untyped-call]
                yield path, page, sorted(errors)


def _routes(
    patterns: Sequence[URLPattern | URLResolver], prefix: str
) -> Iterator[tuple[str, URLPattern]]:
    """(route, URL pattern) of every plain Django view under ``patterns``."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif not hasattr(pattern.callback, "cls"):  # DRF views carry their class
            yield route, pattern

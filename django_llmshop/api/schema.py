"""The OpenAPI 3 schema of the JSON API, served at ``llmshop/api/schema/`` (the ``api`` extra).

drf-spectacular describes the DRF views of the installed sub-apps from their serializers. The
API also has a few endpoints that are not DRF views: the chat's event stream and the HTML
fragments of the widget and the recommendations block. Each sub-app describes those with
:func:`describe_page` from its ``api.py``, and they are added to the schema as they are.

The schema covers this package's API only, never the shop's own DRF views, and does not depend
on the shop's ``REST_FRAMEWORK`` or ``SPECTACULAR_SETTINGS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import import_string
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

import django_llmshop
from django_llmshop.api.views import ShopAPIView

TITLE = "django-llmshop API"
DESCRIPTION = (
    "The JSON API of django-llmshop: support chat, shopper events and recommendations for "
    "anyone (bound to the session), content generation and review for staff. Session "
    "authentication; every POST, PATCH and DELETE needs the CSRF token in X-CSRFToken."
)


@dataclass(frozen=True)
class QueryParameter:
    """A query parameter that an API view reads (its ``query_parameters``), for the schema.

    ``schema`` is its JSON schema; a string unless it gives another type.
    """

    name: str
    description: str
    schema: dict[str, Any] | None = None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", **(self.schema or {})}


@dataclass(frozen=True)
class PageEndpoint:
    """An endpoint of the API that is not a DRF view, as the schema shows it."""

    url_name: str
    method: str
    media_type: str
    summary: str
    tag: str
    status: str = "200"
    #: Error statuses besides 404 (an object's endpoint) and 403 (the CSRF check).
    errors: tuple[int, ...] = ()
    query: tuple[QueryParameter, ...] = ()


_pages: dict[tuple[str, str], PageEndpoint] = {}

#: One event of a ``text/event-stream`` (in OpenAPI 3.0 a stream's schema is its events').
SSE_EVENT = {
    "type": "object",
    "properties": {
        "event": {"type": "string"},
        "data": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
    "required": ["data"],
}


def describe_page(
    url_name: str,
    method: str,
    media_type: str,
    summary: str,
    tag: str,
    status: int = 200,
    *,
    errors: tuple[int, ...] = (),
    query: tuple[QueryParameter, ...] = (),
) -> None:
    """Describe a non-DRF endpoint of the API (by its URL name) for the OpenAPI schema:
    what it answers, the error statuses it may answer besides those every endpoint may
    (404 for an object's endpoint, 403 for a POST without the CSRF token), its query."""
    _pages[url_name, method.lower()] = PageEndpoint(
        url_name, method.lower(), media_type, summary, tag, str(status), errors, query
    )


def described_pages() -> list[PageEndpoint]:
    return list(_pages.values())


def available() -> bool:
    """Whether drf-spectacular (the ``api`` extra) is installed."""
    try:
        import drf_spectacular  # noqa: F401
    except ImportError:
        return False
    return True


def _settings(prefix: str) -> dict[str, Any]:
    return {
        "TITLE": TITLE,
        "DESCRIPTION": DESCRIPTION,
        "VERSION": django_llmshop.__version__,
        "SCHEMA_PATH_PREFIX": prefix.rstrip("/"),
        "SCHEMA_PATH_PREFIX_TRIM": False,
        "COMPONENT_SPLIT_REQUEST": True,
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "django_llmshop.api.schema.add_pages",
        ],
    }


def build_schema(prefix: str) -> dict[str, Any]:
    """The schema of the API mounted at ``prefix`` (e.g. ``/llmshop/api/``), as a dict."""
    from drf_spectacular.settings import patched_settings

    from django_llmshop.api.urls import urlpatterns

    patterns: list[URLPattern | URLResolver] = [
        path(prefix.lstrip("/"), include(list(urlpatterns)))
    ]
    with patched_settings(_settings(prefix)):
        generator = import_string("django_llmshop.api.schemagen.ShopSchemaGenerator")(
            patterns=patterns
        )
        schema: dict[str, Any] = generator.get_schema(request=None, public=True)
    return schema


def add_pages(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular hook: add the described non-DRF endpoints to the schema's paths."""
    for page_path, page, errors in generator.page_paths():
        success: dict[str, Any] = {"description": page.summary}
        if page.media_type:
            body = SSE_EVENT if page.media_type == "text/event-stream" else {"type": "string"}
            success["content"] = {page.media_type: {"schema": body}}
        responses: dict[str, Any] = {page.status: success}
        responses.update((str(code), {"description": "Refused."}) for code in errors)
        path_parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
            for name in _path_parameters(page_path)
        ]
        query_parameters = [
            {"name": q.name, "in": "query", "description": q.description, "schema": q.json_schema()}
            for q in page.query
        ]
        operation = {
            "operationId": page.url_name.replace("-", "_") + f"_{page.method}",
            "summary": page.summary,
            "tags": [page.tag],
            "parameters": path_parameters + query_parameters,
            "responses": responses,
        }
        result.setdefault("paths", {}).setdefault(page_path, {})[page.method] = operation
    return result


def _path_parameters(page_path: str) -> list[str]:
    return [part[1:-1] for part in page_path.split("/") if part.startswith("{")]


class SchemaView(ShopAPIView):
    """``GET llmshop/api/schema/``: the OpenAPI 3 schema as JSON (anyone may read it)."""

    permission_classes = [AllowAny]
    schema = None  # not part of the schema it serves

    def get(self, request: Request) -> Response:
        prefix = request.path[: -len("schema/")] if request.path.endswith("schema/") else "/"
        response = Response(build_schema(prefix))
        response["Content-Disposition"] = 'inline; filename="llmshop-openapi.json"'
        return response

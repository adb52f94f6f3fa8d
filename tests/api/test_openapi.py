"""The OpenAPI 3 schema at llmshop/api/schema/: valid, and listing every endpoint of the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from django_llmshop.api import urls as api_urls
from django_llmshop.api.schema import described_pages

openapi_spec_validator = pytest.importorskip("openapi_spec_validator")
pytest.importorskip("drf_spectacular", reason="the schema needs the 'api' extra")

SCHEMA_URL = "/llmshop/api/schema/"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_routes(patterns: list[Any], prefix: str = "/llmshop/api/") -> Iterator[tuple[str, Any]]:
    """(route in OpenAPI form, URL pattern) of every endpoint mounted under the API."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_routes(pattern.url_patterns, route)
        else:
            assert isinstance(pattern, URLPattern)
            yield route.replace("<int:pk>", "{id}"), pattern


def methods_of(pattern: URLPattern) -> set[str]:
    """The methods an endpoint answers: a DRF view's handlers, or the described ones."""
    view_class = getattr(pattern.callback, "cls", None)
    if view_class is not None:
        return {method for method in HTTP_METHODS if hasattr(view_class, method)}
    return {page.method for page in described_pages() if page.url_name == pattern.name}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def test_the_schema_is_valid_openapi_3(schema: dict[str, Any]) -> None:
    openapi_spec_validator.validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "django-llmshop API"


def test_every_api_endpoint_and_method_is_in_the_schema(schema: dict[str, Any]) -> None:
    routes = [(route, p) for route, p in api_routes(api_urls.urlpatterns) if route != SCHEMA_URL]
    assert len(routes) >= 20  # guards the walk: every sub-app's endpoints are mounted
    for route, pattern in routes:
        assert route in schema["paths"], f"{route} ({pattern.name}) is not in the schema"
        methods = methods_of(pattern)
        assert methods, f"{route} answers no method the schema could list"
        assert methods <= set(schema["paths"][route]), (route, methods)


def test_the_schema_lists_nothing_else(schema: dict[str, Any]) -> None:
    routes = {route for route, _ in api_routes(api_urls.urlpatterns)}
    assert set(schema["paths"]) <= routes
    assert SCHEMA_URL not in schema["paths"]


def test_requests_and_responses_are_described(schema: dict[str, Any]) -> None:
    jobs = schema["paths"]["/llmshop/api/content/jobs/"]["post"]
    body = jobs["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/JobCreateRequest")
    assert set(schema["components"]["schemas"]["JobCreateRequest"]["required"]) == {
        "kind",
        "product_ids",
    }
    stream = schema["paths"]["/llmshop/api/chat/messages/{id}/stream/"]["get"]
    assert "text/event-stream" in stream["responses"]["200"]["content"]
    assert schema["components"]["securitySchemes"]["session"]["in"] == "cookie"


def test_anyone_may_read_the_schema_but_not_change_it(client: Client) -> None:
    assert client.get(SCHEMA_URL).status_code == 200
    assert client.post(SCHEMA_URL).status_code == 405


@pytest.mark.parametrize(
    ("path", "method", "code"),
    [
        ("/llmshop/api/chat/conversations/", "post", "201"),
        ("/llmshop/api/chat/conversations/{id}/messages/", "post", "202"),
        ("/llmshop/api/events/", "post", "201"),
        ("/llmshop/api/content/jobs/", "post", "202"),
        ("/llmshop/api/content/drafts/{id}/regenerate/", "post", "202"),
        ("/llmshop/api/budgets/", "post", "201"),
        ("/llmshop/api/content/drafts/{id}/", "get", "200"),
    ],
)
def test_success_codes_are_the_ones_answered(
    schema: dict[str, Any], path: str, method: str, code: str
) -> None:
    responses = schema["paths"][path][method]["responses"]
    assert {status for status in responses if status < "400"} == {code}


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/llmshop/api/recommendations/", "get", {"400"}),
        ("/llmshop/api/chat/conversations/", "post", {"400", "403", "429"}),
        ("/llmshop/api/content/drafts/{id}/approve/", "post", {"400", "403", "404", "409"}),
        ("/llmshop/api/chat/messages/{id}/stream/", "get", {"404"}),
        ("/llmshop/api/chat/widget/send/", "post", {"403"}),
        ("/llmshop/api/recommendations/click/", "post", {"400", "404", "429"}),
    ],
)
def test_the_errors_answered_are_listed(
    schema: dict[str, Any], path: str, method: str, codes: set[str]
) -> None:
    responses = schema["paths"][path][method]["responses"]
    assert {status for status in responses if status >= "400"} == codes


def test_query_parameters_are_listed(schema: dict[str, Any]) -> None:
    calls = schema["paths"]["/llmshop/api/calls/"]["get"]["parameters"]
    assert {p["name"] for p in calls if p["in"] == "query"} == {
        "purpose", "status", "endpoint", "since", "limit",
    }  # fmt: skip
    block = schema["paths"]["/llmshop/api/recommendations/block/"]["get"]["parameters"]
    assert "product_id" in {p["name"] for p in block}


def test_a_conversation_is_answered_with_the_code_the_schema_says(
    schema: dict[str, Any], db: None
) -> None:
    from django.core.cache import cache

    cache.clear()
    response = Client().post("/llmshop/api/chat/conversations/")
    documented = schema["paths"]["/llmshop/api/chat/conversations/"]["post"]["responses"]
    assert str(response.status_code) in documented

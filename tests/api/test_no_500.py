"""No input gets a 500: every URL under ``llmshop/``, any body and query string, any visitor.

The URLs come from the resolver, so an endpoint added later is covered without a change here.
Each request runs in a savepoint that is rolled back, so one request cannot change the next.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import ROLES, Rows, answer, client_as

PREFIX = "llmshop/"
PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
NASTY = [
    "\x00", "a\x00b", "\ud800", "x\udfffy", "💥", "\u202e", "' OR 1=1 --", "9" * 30, "-1",
    "1e999", "NaN", "Infinity", "", " ", "%00", "<script>", "a" * 5000, "0x10", "٣", "²",
    "9" * 5000,
]  # fmt: skip
KEYS = [
    "content", "product_id", "type", "kind", "product_ids", "options", "value", "reason",
    "confirm_findings", "limit", "job", "status", "polled", "id", "after", "text", "parts",
    "note", "since", "purpose", "endpoint", "daily_limit", "monthly_limit", "is_active", "draft",
]  # fmt: skip
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "text/plain",
    "application/json; charset=latin-1",
]


def llmshop_routes() -> list[tuple[str, dict[str, Any]]]:
    """(route, converters by name) of every URL pattern mounted under ``llmshop/``."""
    routes: list[tuple[str, dict[str, Any]]] = []
    pending = [("", {}, pattern) for pattern in get_resolver().url_patterns]
    while pending:
        prefix, converters, pattern = pending.pop()
        route = prefix + str(pattern.pattern)
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            pending.extend((route, found, inner) for inner in pattern.url_patterns)
        elif route.startswith(PREFIX):
            routes.append((route, found))
    return sorted(routes, key=lambda item: item[0])


ROUTES = llmshop_routes()

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)), max_size=4).map("".join),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | texts,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | texts, inner, max_size=4)
    ),
    max_leaves=12,
)
json_bodies = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), json_values, max_size=5), json_values
).map(json.dumps)  # ensure_ascii: lone surrogates travel as \\ud800 escapes
form_bodies = st.dictionaries(st.sampled_from(KEYS) | texts, texts, max_size=5).map(
    lambda data: urlencode(data, errors="surrogatepass")
)
# Header values as a WSGI server gives them: bytes read as latin-1.
header_values = st.one_of(
    st.text(st.characters(max_codepoint=255), max_size=60),
    st.sampled_from(["1.2.3.4, 10.0.0.1", "::1", "999.1.1.1", "²", "9" * 5000, "true"]),
)
HEADERS = ["HTTP_X_FORWARDED_FOR", "HTTP_LAST_EVENT_ID", "HTTP_HX_REQUEST", "HTTP_ACCEPT"]
nested_bodies = st.sampled_from([10, 1000, 50_000]).map(lambda n: "[" * n + "]" * n)


def id_values(rows: Rows) -> st.SearchStrategy[str]:
    # Mostly ids of real rows, which the shopper or staff own, so bodies reach the views.
    return st.one_of(
        st.sampled_from(rows.ids()).map(str),
        st.sampled_from(rows.ids()).map(str),
        st.integers(min_value=0, max_value=10**40).map(str),
        st.sampled_from(["0", "00", "1" + "0" * 19]),
    )


def fill(route: str, converters: dict[str, Any], draw: Any, rows: Rows) -> str:
    def value(match: re.Match[str]) -> str:
        if isinstance(converters.get(match["name"]), IntConverter):
            return str(draw(id_values(rows)))
        return quote(draw(texts), safe="", errors="surrogatepass")

    return "/" + PLACEHOLDER.sub(value, route)


@st.composite
def hostile_requests(
    draw: Any, route: str, converters: dict[str, Any], rows: Rows
) -> dict[str, Any]:
    path = fill(route, converters, draw, rows)
    query = draw(st.dictionaries(st.sampled_from(KEYS) | texts, texts, max_size=3))
    body, content_type = draw(
        st.one_of(
            st.tuples(json_bodies, st.just("application/json")),
            st.tuples(form_bodies, st.just("application/x-www-form-urlencoded")),
            st.tuples(nested_bodies, st.just("application/json")),
            st.tuples(st.binary(max_size=200), st.sampled_from(CONTENT_TYPES)),
        )
    )
    return {
        "headers": draw(st.dictionaries(st.sampled_from(HEADERS), header_values, max_size=3)),
        "method": draw(st.sampled_from(["GET", "GET", "POST", "POST", "POST", "PUT", "DELETE"])),
        "path": f"{path}?{urlencode(query, errors='surrogatepass')}" if query else path,
        "body": body,
        "content_type": content_type,
    }


def send(clients: dict[str, Client], request: dict[str, Any], who: str) -> int:
    response, _ = answer(
        clients[who],
        request["method"],
        request["path"],
        request["body"],
        request["content_type"],
        **request.get("headers", {}),
    )
    return int(response.status_code)


@pytest.fixture
def clients(rows: Rows, generous_limits: None) -> dict[str, Client]:
    return {who: client_as(who, rows) for who in ROLES}


def test_the_routes_are_found():
    # Guards the tests below against a resolver walk that finds nothing.
    names = [route for route, _ in ROUTES]
    assert "llmshop/api/chat/conversations/<int:pk>/messages/" in names
    assert "llmshop/api/events/" in names
    assert "llmshop/content/jobs/<int:pk>/progress/" in names
    assert len(names) >= 18


FIXED_QUERIES = [
    "?product_id=%00&limit=%00&job=1%00&after=%00",
    "?product_id=x&limit=1e999&job=%D9%A3&after=%C2%B2&polled=%FF",
    "?after=" + "9" * 5000 + "&job=" + "9" * 30,
]
FIXED_BODIES = [
    ('{"content": "a\\u0000b", "product_id": "\\ud800", "reason": "x"}', "application/json"),
    ("[" * 50_000 + "]" * 50_000, "application/json"),
    ("content=a%00b&product_id=%00&value=%00&reason=%00", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("route", "converters"), ROUTES, ids=[r for r, _ in ROUTES])
def test_every_route_survives_the_known_attacks(clients, rows, route, converters):
    for ident in ("1" + "0" * 25, str(rows.conversation.pk), str(rows.message.pk)):

        def value(match: re.Match[str], ident: str = ident) -> str:
            return ident if isinstance(converters.get(match["name"]), IntConverter) else "%00"

        path = PLACEHOLDER.sub(value, "/" + route)
        requests = [("GET", query, "", "application/json") for query in FIXED_QUERIES]
        requests += [("POST", "", body, content_type) for body, content_type in FIXED_BODIES]
        for who in ROLES:
            for method, query, body, content_type in requests:
                request = {
                    "method": method,
                    "path": path + query,
                    "body": body,
                    "content_type": content_type,
                }
                assert send(clients, request, who) < 500, (who, request)


@pytest.mark.parametrize(("route", "converters"), ROUTES, ids=[r for r, _ in ROUTES])
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_gets_a_500(clients, rows, route, converters, data):
    request = data.draw(hostile_requests(route, converters, rows))
    for who in ROLES:  # the same request from each visitor: owners get past the 404s
        assert send(clients, request, who) < 500, (who, request)

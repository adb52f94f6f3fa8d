"""The API keeps to its OpenAPI schema: schemathesis sends what the schema describes (and what
it does not), and every answer must be documented, match its documented body, and never be a 5xx.

The schema is built in process and each request goes through Django's test client as an
anonymous shopper, a logged-in shopper and a member of staff, with the session cookie and the
CSRF token the way a browser sends them. Each request runs in a savepoint that is rolled back,
so it runs on SQLite and PostgreSQL alike, and one request cannot change the next.
"""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.api.conftest import API, ROLES, Rows, answer, client_as

schemathesis = pytest.importorskip("schemathesis", reason="needs the test group's schemathesis")
pytest.importorskip("drf_spectacular", reason="the schema needs the 'api' extra")

import requests  # noqa: E402  (schemathesis's own dependency)
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    response_schema_conformance,
    status_code_conformance,
)

from django_llmshop.api.schema import build_schema  # noqa: E402
from django_llmshop.recommend.models import TrackingEvent  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
BASE_URL = "http://testserver"
#: Headers the test client sets itself, or that mean nothing to it.
OWN_HEADERS = {"host", "cookie", "content-length", "content-type", "connection"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SHOWN_VIEW = "schemathesis-view-0001"

SCHEMA = schemathesis.openapi.from_dict(build_schema(API + "/"))
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}


def browser(who: str, rows: Rows) -> tuple[Client, str]:
    """A client for ``who`` that checks CSRF like a browser, and the token a page gave it."""
    client = client_as(who, rows, enforce_csrf_checks=True)
    client.get("/")  # after logging in: logging in rotates the token
    return client, client.cookies["csrftoken"].value


@pytest.fixture
def browsers(rows: Rows, generous_limits: None) -> dict[str, tuple[Client, str]]:
    return {who: browser(who, rows) for who in ROLES}


@pytest.fixture
def shown(rows: Rows) -> dict[str, str]:
    """The real product, as a recommendations block view showed it (what a click names)."""
    product = str(rows.product.pk)
    TrackingEvent.objects.create(
        kind=TrackingEvent.Kind.IMPRESSION, view=SHOWN_VIEW, placement="page", product_id=product
    )
    return {"product_id": product, "p": product, "v": SHOWN_VIEW}


def cases(operation: Any, rows: Rows, shown: dict[str, str]) -> st.SearchStrategy[Any]:
    """Valid and invalid requests to ``operation``, most of those to an object's endpoint with
    the id of a real row (which the shopper or staff own), half of them naming the real
    product where they name one, so that they reach past the 404s and "no such product"."""
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if "{id}" in operation.path:
        strategies += [
            operation.as_strategy(mode, path_parameters={"id": ident})
            for mode in GenerationMode
            for ident in rows.ids()
        ]
    return st.tuples(st.one_of(strategies), st.booleans()).map(
        lambda drawn: name_product(drawn[0], shown) if drawn[1] else drawn[0]
    )


def name_product(case: Any, shown: dict[str, str]) -> Any:
    for values in (case.query, case.body):
        if isinstance(values, dict):
            values.update({key: shown[key] for key in shown.keys() & values.keys()})
            if "product_ids" in values:
                values["product_ids"] = [shown["product_id"]]
    return case


def prepare(case: Any, token: str) -> tuple[requests.PreparedRequest, str | None]:
    """The case as ``requests`` would send it (schemathesis reports from that), with the
    CSRF token on an unsafe method, and the session cookie the case made up, if any."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL)
    cookies = kwargs.pop("cookies", None) or {}
    if case.method.upper() in UNSAFE:
        kwargs.setdefault("headers", {})["X-CSRFToken"] = token
    made_up = cookies.get(django_settings.SESSION_COOKIE_NAME)
    return requests.Request(**kwargs).prepare(), made_up


def send(client: Client, request: requests.PreparedRequest) -> Any:
    """Send ``request`` through the Django test client; the answer as schemathesis reads it."""
    url = urlsplit(request.url or "")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in OWN_HEADERS}
    response, content = answer(
        client,
        request.method or "GET",
        url.path + (f"?{url.query}" if url.query else ""),
        request.body or b"",
        request.headers.get("Content-Type", ""),
        headers=headers,
    )
    return schemathesis.Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.items()},
        content=content,
        request=request,
        elapsed=0.0,
        verify=False,
        message=http.client.responses.get(response.status_code, ""),
        encoding=response.charset,
    )


def visit(browsers: dict[str, tuple[Client, str]], who: str, case: Any) -> Any:
    """The answer to ``case`` sent by ``who``; an anonymous visitor sends the session cookie
    the case made up (a stale or forged one), the others their own."""
    client, token = browsers[who]
    request, made_up = prepare(case, token)
    if who != "anonymous" or made_up is None:
        return send(client, request)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = made_up
    try:
        return send(client, request)
    finally:
        del client.cookies[django_settings.SESSION_COOKIE_NAME]


class SchemaViolation(AssertionError):
    """An answer that the schema does not describe (or a 5xx)."""


def validate(case: Any, response: Any, who: str, checks: list[Any] = CHECKS) -> None:
    try:
        case.validate_response(response, checks=checks)
    except FailureGroup as failures:
        raise SchemaViolation(f"as {who}: {failures}") from None


def test_every_operation_is_tested():
    # Guards the test below against a schema that lost its operations.
    assert len(OPERATIONS) >= 30


@pytest.mark.parametrize("label", sorted(OPERATIONS))
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # schemathesis reports a failure well unshrunk
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_api_keeps_to_its_schema(browsers, rows, shown, label, data):
    case = data.draw(cases(OPERATIONS[label], rows, shown), label="case")
    for who in ROLES:  # the same request from each visitor: owners get past the 404s
        validate(case, visit(browsers, who, case), who)


def test_retrying_a_reply_that_did_not_fail_is_documented(browsers, rows):
    hello = rows.conversation.messages.get(role="user")
    case = OPERATIONS["POST /llmshop/api/chat/messages/{id}/retry/"].Case(
        path_parameters={"id": hello.pk}
    )
    response = visit(browsers, "shopper", case)
    assert response.status_code == 409
    validate(case, response, "shopper")


def test_a_message_too_long_is_documented(browsers, rows, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_MAX_MESSAGE_CHARS": 10}
    case = OPERATIONS["POST /llmshop/api/chat/conversations/{id}/messages/"].Case(
        path_parameters={"id": rows.conversation.pk},
        body={"content": "x" * 11},
        media_type="application/json",
    )
    response = visit(browsers, "shopper", case)
    assert response.status_code == 413
    validate(case, response, "shopper")


def test_a_confirmation_that_is_not_a_yes_or_no_is_a_documented_400(browsers, rows):
    case = OPERATIONS["POST /llmshop/api/content/drafts/{id}/approve/"].Case(
        path_parameters={"id": rows.draft.pk},
        body={"confirm_findings": "maybe"},
        media_type="application/json",
    )
    response = visit(browsers, "staff", case)
    assert response.status_code == 400
    assert "confirm_findings" in response.json()
    validate(case, response, "staff")

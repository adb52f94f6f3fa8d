"""Every API view authenticates by session with CSRF, never by HTTP Basic."""

from __future__ import annotations

import base64

import pytest
from django.core.checks import run_checks
from django.urls import URLPattern, get_resolver

from django_llmshop.api.authentication import ShopSessionAuthentication
from django_llmshop.api.views import ShopAPIView
from django_llmshop.content.models import GenerationJob
from tests.api.conftest import API, csrf_client

BASIC = "Basic " + base64.b64encode(b"sam:sam").decode()


def api_views() -> list[type]:
    found = []
    pending = list(get_resolver().url_patterns)
    while pending:
        pattern = pending.pop()
        if isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None) or getattr(
                pattern.callback, "cls", None
            )
            if view is not None and hasattr(view, "authentication_classes"):
                found.append(view)
        else:
            pending.extend(pattern.url_patterns)
    return found


def test_every_api_view_uses_the_shops_authentication():
    views = api_views()
    assert len(views) >= 15
    for view in views:
        assert issubclass(view, ShopAPIView), view
        assert [type(a) for a in view().get_authenticators()] == [ShopSessionAuthentication]


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/content/jobs/"), ("get", "/content/drafts/"), ("get", "/content/jobs/1/")],
)
def test_basic_auth_is_refused_on_the_content_api(rows, settings, client, method, path):
    # Even when the shop makes Basic its default, as DRF's own default does.
    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.BasicAuthentication"]
    }
    body = {"kind": "description", "product_ids": [str(rows.product.pk)]}
    response = getattr(client, method)(
        API + path, body, content_type="application/json", HTTP_AUTHORIZATION=BASIC
    )
    assert response.status_code == 403
    assert GenerationJob.objects.count() == 1  # the fixture's job only


def test_staff_by_session_still_needs_the_csrf_token(rows):
    client, token = csrf_client()
    client.force_login(rows.staff)
    body = {"kind": "description", "product_ids": [str(rows.product.pk)]}
    url = f"{API}/content/jobs/"
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 202


def test_anonymous_posts_need_the_csrf_token(rows):
    client, token = csrf_client()
    assert client.post(f"{API}/chat/conversations/").status_code == 403
    assert client.post(f"{API}/chat/conversations/", HTTP_X_CSRFTOKEN=token).status_code == 201


def test_token_auth_is_off_unless_enabled(rows, client):
    headers = {"Authorization": "Token 0123456789abcdef"}
    assert client.get(f"{API}/content/drafts/", headers=headers).status_code == 403


def test_token_auth_needs_the_authtoken_app(settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "API_TOKEN_AUTH": True}
    assert "llmshop.E014" in [m.id for m in run_checks()]
    settings.LLMSHOP = {**settings.LLMSHOP, "API_TOKEN_AUTH": "yes"}
    assert "llmshop.E014" in [m.id for m in run_checks()]


def test_token_auth_joins_the_session_when_enabled(settings):
    from rest_framework.authentication import TokenAuthentication

    settings.LLMSHOP = {**settings.LLMSHOP, "API_TOKEN_AUTH": True}
    classes = [type(a) for a in ShopAPIView().get_authenticators()]
    assert classes == [ShopSessionAuthentication, TokenAuthentication]

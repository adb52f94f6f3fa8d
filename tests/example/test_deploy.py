"""The example shop's production settings: the deploy check, the secret key, cookies, the CSP
header and pages without inline code (test_deploy_browser.py runs the pages under the policy)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.management.utils import get_random_secret_key

from shop.models import Product
from tests.example.test_project import EXAMPLE_DIR, SETTINGS_ENV, load_settings

PRODUCTION = "example_project.settings_production"
KEY_MESSAGE = "DJANGO_SECRET_KEY must be set to a random value of 50 or more characters"


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py of the example shop with only ``env`` on top of a clean environment."""
    base = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    base.update(EXAMPLE_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE_DIR,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_production_settings_pass_the_deploy_check_without_warnings(tmp_path: Path) -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=get_random_secret_key(),
        DJANGO_ALLOWED_HOSTS="shop.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
def test_the_deploy_check_flags_the_development_settings(tmp_path: Path) -> None:
    # The development key and DEBUG are what the demo runs with: the deploy check must see them.
    result = manage(
        "check",
        "--deploy",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="example_project.settings",
        DJANGO_DEBUG="1",
    )
    output = result.stdout + result.stderr
    assert "security.W009" in output, output  # the secret key
    assert "security.W018" in output, output  # DEBUG


@pytest.mark.slow
@pytest.mark.parametrize(
    ("settings_module", "env"),
    [
        (PRODUCTION, {}),
        (PRODUCTION, {"DJANGO_DEBUG": "1"}),  # the production settings ignore it
        (PRODUCTION, {"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60}),
        (PRODUCTION, {"DJANGO_SECRET_KEY": "too-short"}),
        ("example_project.settings", {}),
    ],
    ids=["no-key", "debug-asked-for", "development-key", "short-key", "base-settings"],
)
def test_without_a_real_secret_key_and_debug_off_the_shop_does_not_start(
    tmp_path: Path, settings_module: str, env: dict[str, str]
) -> None:
    result = manage("check", tmp_path=tmp_path, DJANGO_SETTINGS_MODULE=settings_module, **env)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert KEY_MESSAGE in result.stderr


def test_debug_is_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    key = get_random_secret_key()
    assert load_settings(monkeypatch, DJANGO_SECRET_KEY=key).DEBUG is False
    assert load_settings(monkeypatch, DJANGO_SECRET_KEY=key, DJANGO_DEBUG="1").DEBUG is True


def test_the_development_key_is_only_for_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(monkeypatch, DJANGO_DEBUG="1")
    assert settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY
    assert settings.insecure_secret_key(settings.SECRET_KEY)
    key = get_random_secret_key()
    given = load_settings(monkeypatch, DJANGO_SECRET_KEY=key)
    assert key == given.SECRET_KEY


#: Read from the production settings in a process of their own: importing them here would import
#: the example project's package, whose Celery app would replace the tests' current app.
PRODUCTION_VALUES = """
import json
from example_project import settings as base, settings_production as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "cookies": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,
                s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE],
    "hsts": s.SECURE_HSTS_SECONDS,
    "redirect": s.SECURE_SSL_REDIRECT,
    "proxy_header": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
    "csp_as_base": s.SECURE_CSP == base.SECURE_CSP and s.MIDDLEWARE == base.MIDDLEWARE,
    "chat_queue": s.LLMSHOP["CHAT_QUEUE"],
    "trusted_proxies": s.LLMSHOP["TRUSTED_PROXIES"],
}))
"""


def production_values(tmp_path: Path, **env: str) -> dict[str, Any]:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    clean.update(EXAMPLE_VAR_DIR=str(tmp_path / "var"), DJANGO_SECRET_KEY=get_random_secret_key())
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_VALUES],
        cwd=EXAMPLE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_the_production_cookies_headers_and_workers(tmp_path: Path) -> None:
    values = production_values(tmp_path)
    assert values["DEBUG"] is False
    assert values["cookies"] == [True, True, True, True, "Lax", "Lax"]
    assert values["hsts"] >= 365 * 24 * 3600 and values["redirect"] is True
    assert values["proxy_header"] is None  # trusted only behind a proxy that sets it
    assert values["csp_as_base"] is True  # the demo runs under the same policy
    assert values["chat_queue"] == "llmshop_chat"
    assert values["trusted_proxies"] == []  # REMOTE_ADDR is the client


def test_the_proxy_header_is_trusted_only_when_told(tmp_path: Path) -> None:
    values = production_values(
        tmp_path, DJANGO_BEHIND_TLS_PROXY="1", LLMSHOP_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.7"
    )
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["trusted_proxies"] == ["10.0.0.0/8", "192.0.2.7"]
    assert production_values(tmp_path, LLMSHOP_TRUSTED_PROXIES="2")["trusted_proxies"] == 2


#: Requests to the production settings behind a TLS proxy, with Django's test client.
PRODUCTION_REQUESTS = """
import json
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client(HTTP_HOST="shop.example.com")
plain = client.get("/pages/")
https = client.get("/pages/", HTTP_X_FORWARDED_PROTO="https")
client.post("/llmshop/api/chat/conversations/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.headers.get("Location")],
    "https": [https.status_code, dict(https.headers)],
    "cookies": {
        name: [bool(c["secure"]), bool(c["httponly"]), c["samesite"]]
        for name, c in client.cookies.items()
    },
}))
"""


@pytest.mark.slow
def test_behind_the_proxy_the_headers_and_cookies_are_sent(tmp_path: Path) -> None:
    result = manage(
        "shell",
        "-c",
        PRODUCTION_REQUESTS,
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=get_random_secret_key(),
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        DJANGO_BEHIND_TLS_PROXY="1",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://shop.example.com/pages/"]
    status, headers = seen["https"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert headers["X-Frame-Options"] == "DENY"
    assert seen["cookies"] == {
        "csrftoken": [True, True, "Lax"],
        "sessionid": [True, True, "Lax"],
    }


# --- the Content-Security-Policy --------------------------------------------------------------


def script_sources(policy: str) -> list[str]:
    for directive in policy.split(";"):
        name, *sources = directive.split()
        if name == "script-src":
            return sources
    raise AssertionError(f"no script-src in {policy!r}")


class InlineCode(HTMLParser):
    """Collects inline scripts without a nonce and inline event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        runs = names.get("type", "text/javascript") in {"text/javascript", "module"}
        if tag == "script" and runs and "src" not in names and "nonce" not in names:
            self.found.append(self.get_starttag_text() or tag)
        self.found += [f"{tag} {name}=" for name in names if name.startswith("on")]


@pytest.mark.parametrize("path", ["/", "product", "/products/", "/admin/login/"])
def test_responses_carry_the_policy_and_pages_have_no_inline_code(
    csp_settings: Any, demo_shop: Any, client: Any, path: str
) -> None:
    if path == "product":
        path = Product.objects.order_by("pk").first().get_absolute_url()
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    sources = script_sources(policy)
    assert "'self'" in sources
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert parser.found == []


def test_the_json_api_carries_the_policy(csp_settings: Any, db: None, client: Any) -> None:
    response = client.post("/llmshop/api/chat/conversations/")
    assert response.status_code == 201
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]

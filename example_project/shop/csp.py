"""The shop's Content-Security-Policy header, built from ``SECURE_CSP`` with a nonce per response.

Django 6.0 has this built in (``django.middleware.csp``); the shop runs on Django 5.2, so it
keeps this small version with the same setting's shape. On Django 6.0, use Django's middleware,
context processor and ``django.utils.csp.CSP`` constants instead, and drop this module.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin


class CSP:
    """Source keywords for ``SECURE_CSP``; ``NONCE`` becomes the response's nonce when a
    template used one, and is dropped otherwise."""

    SELF = "'self'"
    NONE = "'none'"
    UNSAFE_INLINE = "'unsafe-inline'"
    NONCE = "<nonce>"


class LazyNonce:
    """A random nonce made when first read, so that a response names one only if it used one."""

    def __init__(self) -> None:
        self.value = ""

    def __str__(self) -> str:
        if not self.value:
            self.value = secrets.token_urlsafe(16)
        return self.value

    def __bool__(self) -> bool:
        return True


def build_policy(directives: dict[str, list[str]], nonce: LazyNonce) -> str:
    """``{"script-src": [CSP.SELF, CSP.NONCE]}`` → ``script-src 'self' 'nonce-…'``."""
    parts = []
    for name, sources in directives.items():
        values = []
        for source in sources:
            if source == CSP.NONCE:
                if nonce.value:
                    values.append(f"'nonce-{nonce.value}'")
            else:
                values.append(source)
        parts.append(" ".join([name, *values]))
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    """Sends ``SECURE_CSP`` (and ``SECURE_CSP_REPORT_ONLY``) unless the view set the header."""

    def process_request(self, request: HttpRequest) -> None:
        request.csp_nonce = LazyNonce()  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        nonce = getattr(request, "csp_nonce", None) or LazyNonce()
        for header, setting in (
            ("Content-Security-Policy", "SECURE_CSP"),
            ("Content-Security-Policy-Report-Only", "SECURE_CSP_REPORT_ONLY"),
        ):
            directives = getattr(settings, setting, None)
            if directives and header not in response:
                response[header] = build_policy(directives, nonce)
        return response


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``{{ csp_nonce }}`` for an inline ``<script nonce=…>``
    (django-htmx's ``{% htmx_script %}`` reads it too)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}

"""The client IP address: REMOTE_ADDR, or X-Forwarded-For read from trusted proxies only."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory

from django_llmshop.api.clientip import client_ip


def ip_of(settings, trusted, remote: str, forwarded: str | None = None) -> str:
    settings.LLMSHOP = {**settings.LLMSHOP, "TRUSTED_PROXIES": trusted}
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "10.0.0.5", "203.0.113.7", "10.0.0.5"),
        (["10.0.0.0/8"], "198.51.100.1", "203.0.113.7", "198.51.100.1"),
        (["10.0.0.0/8"], "10.0.0.5", "203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8"], "10.0.0.5", "1.1.1.1, 203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8", "192.0.2.1"], "10.0.0.5", "203.0.113.7, 192.0.2.1", "203.0.113.7"),
        (["10.0.0.0/8"], "10.0.0.5", "10.0.0.6, 10.0.0.7", "10.0.0.6"),
        (["10.0.0.0/8"], "10.0.0.5", None, "10.0.0.5"),
        (["10.0.0.0/8"], "10.0.0.5", "garbage, 203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8"], "10.0.0.5", "203.0.113.7, garbage", "10.0.0.5"),
        (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::1, 2a00::9", "2a00::9"),
        (1, "10.0.0.5", "1.1.1.1, 203.0.113.7", "203.0.113.7"),
        (2, "10.0.0.5", "1.1.1.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, "10.0.0.5", None, "10.0.0.5"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    assert ip_of(settings, trusted, remote, forwarded) == expected


@pytest.mark.parametrize("value", [["10.0.0.0/33"], ["not an ip"], [7], -1, "10.0.0.1", True])
def test_a_bad_trusted_proxies_setting_is_a_check_error(settings, value):
    settings.LLMSHOP = {**settings.LLMSHOP, "TRUSTED_PROXIES": value}
    assert "llmshop.E014" in [m.id for m in run_checks()]


@pytest.mark.parametrize("value", [[], ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"], 0, 2])
def test_good_trusted_proxies_pass_the_check(settings, value):
    settings.LLMSHOP = {**settings.LLMSHOP, "TRUSTED_PROXIES": value}
    assert "llmshop.E014" not in [m.id for m in run_checks()]

"""llmshop.E012 guards the handoff settings: the email switch, the webhook and the admin link."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

GOOD = {"BASE_URL": "https://api.example.com/v1", "MODEL": "m"}
SECRET = "0123456789abcdef"


def ids(extra):
    with override_settings(LLMSHOP={"ENDPOINTS": {"default": GOOD}, **extra}):
        return sorted(message.id for message in run_checks(tags=["llmshop"]))


HOOK = "https://hooks.example.com/llmshop"


@pytest.mark.parametrize(
    "extra",
    [
        {"CHAT_HANDOFF_EMAIL": "yes"},
        {
            "CHAT_HANDOFF_WEBHOOK_URL": "ftp://hooks.example.com/",
            "CHAT_HANDOFF_WEBHOOK_SECRET": SECRET,
        },
        {"CHAT_HANDOFF_WEBHOOK_URL": "hooks.example.com", "CHAT_HANDOFF_WEBHOOK_SECRET": SECRET},
        {"CHAT_HANDOFF_WEBHOOK_URL": HOOK},
        {"CHAT_HANDOFF_WEBHOOK_URL": HOOK, "CHAT_HANDOFF_WEBHOOK_SECRET": "short"},
        {"CHAT_HANDOFF_WEBHOOK_TIMEOUT": 0},
        {"CHAT_HANDOFF_WEBHOOK_TIMEOUT": "10"},
        {"CHAT_HANDOFF_WEBHOOK_RETRIES": -1},
        {"CHAT_HANDOFF_WEBHOOK_RETRIES": 21},
        {"CHAT_HANDOFF_WEBHOOK_RETRIES": True},
        {"CHAT_ADMIN_BASE_URL": "shop.example.com"},
    ],
)
def test_bad_handoff_settings_are_e012(extra):
    assert ids(extra) == ["llmshop.E012"]


def test_good_handoff_settings_pass():
    good = {
        "CHAT_HANDOFF_EMAIL": False,
        "CHAT_HANDOFF_WEBHOOK_URL": HOOK,
        "CHAT_HANDOFF_WEBHOOK_SECRET": SECRET,
        "CHAT_HANDOFF_WEBHOOK_TIMEOUT": 2.5,
        "CHAT_HANDOFF_WEBHOOK_RETRIES": 0,
        "CHAT_ADMIN_BASE_URL": "https://shop.example.com",
    }
    assert ids(good) == []

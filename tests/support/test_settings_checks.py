"""Check llmshop.E012 guards the chat settings, and E006 the page model."""

import pytest
from django.test import override_settings

from django_llmshop.checks import check_settings

GOOD = {"BASE_URL": "https://api.example.com/v1", "MODEL": "m"}


def ids(extra):
    with override_settings(LLMSHOP={"ENDPOINTS": {"default": GOOD}, **extra}):
        return sorted(message.id for message in check_settings())


@pytest.mark.parametrize(
    "extra",
    [
        {"CHAT_MAX_MESSAGE_CHARS": 0},
        {"CHAT_RATE_LIMIT_PER_SESSION": "20"},
        {"CHAT_RATE_LIMIT_PER_IP": True},
        {"CHAT_RATE_LIMIT_WINDOW": 1.5},
        {"CHAT_HISTORY_CHARS": -1},
        {"CHAT_MAX_TOOL_STEPS": None},
        {"CHAT_MAX_REPLY_TOKENS": 0},
        {"CHAT_RETRIEVAL_TOP_K": 0},
        {"CHAT_QUEUE": ""},
        {"CHAT_STREAM_REDIS_URL": "http://127.0.0.1:6379"},
    ],
)
def test_bad_chat_settings_are_e012(extra):
    assert ids(extra) == ["llmshop.E012"]


def test_good_chat_settings_pass():
    good = {
        "CHAT_QUEUE": "llmshop_chat",
        "CHAT_STREAM_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CHAT_MAX_MESSAGE_CHARS": 500,
        "PAGE_MODEL": None,
    }
    assert ids(good) == []


def test_an_unknown_page_model_is_e006():
    assert ids({"PAGE_MODEL": "shop.Nope"}) == ["llmshop.E006"]

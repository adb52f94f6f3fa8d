"""Check llmshop.E012 guards the chat settings, and E006 the page model."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings


def check_settings():
    """Every llmshop check: the core's and those the installed sub-apps register."""
    return run_checks(tags=["llmshop"])


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


def plan_ids(extra):
    from django_llmshop.support.checks import check_answer_plan

    with override_settings(LLMSHOP={"ENDPOINTS": {"default": GOOD}, **extra}):
        return sorted(message.id for message in check_answer_plan())


@pytest.mark.parametrize(
    "extra",
    [
        {"CHAT_INTENT_KEYWORDS": ["human"]},
        {"CHAT_INTENT_KEYWORDS": {"greeting": ["hi"]}},
        {"CHAT_INTENT_KEYWORDS": {"handoff": "mensch"}},
        {"CHAT_INTENT_KEYWORDS": {"handoff": [""]}},
        {"CHAT_POLICY_MIN_SCORE": 1.5},
        {"CHAT_POLICY_MIN_SCORE": True},
        {"CHAT_CATALOG_INDEX_TTL": -1},
        {"CHAT_CATALOG_INDEX_TTL": "300"},
    ],
)
def test_bad_answer_plan_settings_are_e012(extra):
    assert plan_ids(extra) == ["llmshop.E012"]


def test_good_answer_plan_settings_pass():
    extra = {
        "CHAT_INTENT_KEYWORDS": {"handoff": ["Mensch"], "order": ["Bestellung"]},
        "CHAT_POLICY_MIN_SCORE": 0.4,
        "CHAT_CATALOG_INDEX_TTL": 0,
    }
    assert plan_ids(extra) == []


@pytest.mark.parametrize(("value", "expected"), [("small", []), ("huge", ["llmshop.E003"])])
def test_endpoint_capability(value, expected):
    with override_settings(LLMSHOP={"ENDPOINTS": {"default": {**GOOD, "CAPABILITY": value}}}):
        assert sorted(m.id for m in check_settings()) == expected

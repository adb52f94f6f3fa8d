"""Every system check fires on the setting it guards, and stays quiet on a good one."""

import pytest
from django.conf import settings
from django.test import override_settings

from django_llmshop.checks import check_settings

GOOD = {"BASE_URL": "https://api.example.com/v1", "MODEL": "m"}


def ids(llmshop):
    with override_settings(LLMSHOP=llmshop):
        return sorted(message.id for message in check_settings())


def test_good_settings_pass():
    assert ids({"ENDPOINTS": {"default": GOOD}}) == []


def test_default_settings_pass():
    assert ids({}) == []


@pytest.mark.parametrize(
    ("llmshop", "expected"),
    [
        ("not a dict", ["llmshop.E001"]),
        ({"ENDPOINTS": {"default": GOOD}, "ENDPOINT": {}}, ["llmshop.E001"]),
        ({"ENDPOINTS": {"default": {**GOOD, "TIMEOUTS": 3}}}, ["llmshop.E002"]),
        ({"ENDPOINTS": {"default": {"MODEL": "m"}}}, ["llmshop.E003"]),
        ({"ENDPOINTS": {"default": {**GOOD, "BASE_URL": "ftp://x/v1"}}}, ["llmshop.E003"]),
        ({"ENDPOINTS": {"default": {**GOOD, "MODEL": ""}}}, ["llmshop.E003"]),
        ({"ENDPOINTS": {}}, ["llmshop.E003", "llmshop.E005", "llmshop.E005", "llmshop.E005"]),
        ({"ENDPOINTS": {"default": "http://x"}}, ["llmshop.E003"]),
        ({"ENDPOINTS": {"default": {**GOOD, "TIMEOUT": 0}}}, ["llmshop.E004"]),
        ({"ENDPOINTS": {"default": {**GOOD, "MAX_CONCURRENCY": "8"}}}, ["llmshop.E004"]),
        ({"ENDPOINTS": {"default": {**GOOD, "MAX_RETRIES": -1}}}, ["llmshop.E004"]),
        ({"ENDPOINTS": {"default": {**GOOD, "PRICE_PER_MTOK_OUT": -2}}}, ["llmshop.E004"]),
        ({"ENDPOINTS": {"default": {**GOOD, "MAX_CONCURRENCY": True}}}, ["llmshop.E004"]),
        ({"ENDPOINTS": {"default": GOOD}, "PURPOSES": {"support": "fast"}}, ["llmshop.E005"]),
        # purposes left out fall back to "default", which must then exist
        (
            {"ENDPOINTS": {"fast": GOOD}, "PURPOSES": {"support": "fast"}},
            ["llmshop.E005", "llmshop.E005"],
        ),
        ({"ENDPOINTS": {"default": {**GOOD, "MAX_RETRIES": 2.5}}}, ["llmshop.E004"]),
        ({"ENDPOINTS": {"default": {**GOOD, "HEADERS": {"X-Key": 3}}}}, ["llmshop.E004"]),
        ({"ENDPOINTS": {"default": GOOD}, "LOG_REDACT_PATTERNS": ["(unclosed"]}, ["llmshop.E009"]),
        ({"ENDPOINTS": {"default": GOOD}, "LOG_REDACT_PATTERNS": "secret"}, ["llmshop.E009"]),
        ({"ENDPOINTS": {"default": GOOD}, "LOG_EXCERPT_CHARS": -1}, ["llmshop.E009"]),
        ({"ENDPOINTS": {"default": GOOD}, "PRODUCT_FIELDS": {"title": "name"}}, ["llmshop.E011"]),
        (
            {"ENDPOINTS": {"default": GOOD}, "PRODUCT_FIELDS": {"description": "blurb"}},
            ["llmshop.E011"],
        ),
        ({"ENDPOINTS": {"default": GOOD}, "REVIEW_FIELDS": {"body": "text"}}, ["llmshop.E011"]),
        ({"ENDPOINTS": {"default": GOOD}, "PRODUCT_FIELDS": []}, ["llmshop.E011"]),
        ({"ENDPOINTS": {"default": GOOD}, "CURRENCY": "dollars"}, ["llmshop.E011"]),
        (
            {"ENDPOINTS": {"default": GOOD}, "ALLOWED_LINK_HOSTS": "shop.example.com"},
            ["llmshop.E010"],
        ),
        (
            {"ENDPOINTS": {"default": GOOD}, "ALLOWED_LINK_HOSTS": ["https://shop.example.com/"]},
            ["llmshop.E010"],
        ),
        ({"ENDPOINTS": {"default": GOOD}, "PURPOSES": {"translate": "default"}}, ["llmshop.E005"]),
        ({"ENDPOINTS": {"default": GOOD}, "PURPOSES": "default"}, ["llmshop.E005"]),
        ({"ENDPOINTS": {"default": GOOD}, "PRODUCT_MODEL": "shop.Nope"}, ["llmshop.E006"]),
        ({"ENDPOINTS": {"default": GOOD}, "ORDER_MODEL": "nolabel"}, ["llmshop.E006"]),
        ({"ENDPOINTS": {"default": GOOD}, "REVIEW_MODEL": 3}, ["llmshop.E006"]),
        ({"ENDPOINTS": {"default": GOOD}, "ADAPTER": "nowhere.Adapter"}, ["llmshop.E007"]),
        (
            {"ENDPOINTS": {"default": GOOD}, "ADAPTER": "django_llmshop.conf.Endpoint"},
            ["llmshop.E007"],
        ),
        ({"ENDPOINTS": {"default": GOOD}, "DAILY_BUDGETS": {"content": -1}}, ["llmshop.E008"]),
        ({"ENDPOINTS": {"default": GOOD}, "DAILY_BUDGETS": {"ads": 1}}, ["llmshop.E008"]),
        ({"ENDPOINTS": {"default": GOOD}, "DAILY_BUDGETS": 5}, ["llmshop.E008"]),
        (
            {"ENDPOINTS": {"default": GOOD}, "CIRCUIT_BREAKER": {"FAILURE_THRESHOLD": 0}},
            ["llmshop.E008"],
        ),
        ({"ENDPOINTS": {"default": GOOD}, "CIRCUIT_BREAKER": {"RESETS": 1}}, ["llmshop.E008"]),
        ({"ENDPOINTS": {"default": GOOD}, "RETRY_AFTER_CAP": 0}, ["llmshop.E008"]),
        (
            {
                "ENDPOINTS": {
                    "default": {**GOOD, "BASE_URL": "http://api.example.com/v1", "API_KEY": "sk-1"}
                }
            },
            ["llmshop.W001"],
        ),
    ],
)
def test_bad_settings_are_reported(llmshop, expected):
    assert ids(llmshop) == expected


def test_key_over_http_to_this_machine_is_fine():
    local = {"BASE_URL": "http://127.0.0.1:8080/v1", "MODEL": "m", "API_KEY": "k"}
    assert ids({"ENDPOINTS": {"default": local}}) == []


def test_orders_and_reviews_can_be_turned_off():
    assert ids({"ENDPOINTS": {"default": GOOD}, "ORDER_MODEL": None, "REVIEW_MODEL": None}) == []


def test_embedding_purpose_may_be_none_but_others_not():
    assert ids({"ENDPOINTS": {"default": GOOD}, "PURPOSES": {"embedding": None}}) == []
    assert ids({"ENDPOINTS": {"default": GOOD}, "PURPOSES": {"support": None}}) == ["llmshop.E005"]


def test_checks_run_through_manage_check(capsys):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with (
        override_settings(LLMSHOP={"ENDPOINTS": {"default": GOOD}, "BOGUS": 1}),
        pytest.raises(SystemCheckError, match="llmshop.E001"),
    ):
        call_command("check")


def test_call_log_retention_is_validated():
    assert ids({"ENDPOINTS": {"default": GOOD}, "CALL_LOG_RETENTION_DAYS": 0}) == ["llmshop.E008"]
    assert ids({"ENDPOINTS": {"default": GOOD}, "CALL_LOG_RETENTION_DAYS": None}) == []


def test_field_roles_may_follow_relations_or_be_turned_off():
    fields = {"category": "category__name", "seo_title": None, "seo_description": None}
    assert ids({"ENDPOINTS": {"default": GOOD}, "PRODUCT_FIELDS": fields}) == []


def all_ids(llmshop):
    """Every llmshop check: the core's and those the installed sub-apps register."""
    from django.core.checks import run_checks

    with override_settings(LLMSHOP=llmshop):
        return sorted(message.id for message in run_checks(tags=["llmshop"]))


@pytest.mark.parametrize(
    "extra",
    [
        {"RECOMMEND_NEIGHBOURS": 0},
        {"RECOMMEND_EVENT_RATE_LIMIT": "120"},
        {"RECOMMEND_RERANK_CACHE_SECONDS": True},
        {"RECOMMEND_RERANK": "yes"},
        {"RECOMMEND_EVENT_WEIGHTS": {"like": 1.0}},
        {"RECOMMEND_EVENT_WEIGHTS": {"view": -1}},
        {"RECOMMEND_EVENT_WEIGHTS": [1.0]},
    ],
)
def test_bad_recommend_settings_are_e013(extra):
    assert all_ids({"ENDPOINTS": {"default": GOOD}, **extra}) == ["llmshop.E013"]


def test_sub_app_checks_pass_on_their_defaults_and_good_values():
    good = {"RECOMMEND_RERANK": True, "RECOMMEND_EVENT_WEIGHTS": {"view": 0.5}, "CHAT_QUEUE": "q"}
    assert all_ids({"ENDPOINTS": {"default": GOOD}, **good}) == []


WITHOUT_SUPPORT = [app for app in settings.INSTALLED_APPS if app != "django_llmshop.support"]


def test_a_sub_app_key_is_unknown_while_the_sub_app_is_not_installed():
    llmshop = {"ENDPOINTS": {"default": GOOD}, "CHAT_QUEUE": "chat", "RECOMMEND_NEIGHBOURS": 20}
    assert ids(llmshop) == []
    with override_settings(INSTALLED_APPS=WITHOUT_SUPPORT):
        messages = [m for m in check_settings_with(llmshop) if m.id == "llmshop.E001"]
    assert len(messages) == 1
    assert "CHAT_QUEUE" in messages[0].msg and "RECOMMEND" not in messages[0].msg
    assert "INSTALLED_APPS" in messages[0].hint


def check_settings_with(llmshop):
    with override_settings(LLMSHOP=llmshop):
        return check_settings()

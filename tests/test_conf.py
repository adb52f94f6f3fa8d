"""The LLMSHOP settings object: defaults, merging, endpoints and reload on change."""

import pytest
from django.test import override_settings

from django_llmshop import conf
from django_llmshop.adapters import ShopAdapter, get_adapter
from django_llmshop.conf import ImproperlyConfiguredEndpoint, llmshop_settings


class CustomAdapter(ShopAdapter):
    pass


def test_defaults_fill_missing_keys():
    with override_settings(
        LLMSHOP={"ENDPOINTS": {"default": {"BASE_URL": "http://x/v1", "MODEL": "m"}}}
    ):
        assert llmshop_settings.RETRY_AFTER_CAP == 30.0
        assert llmshop_settings.PURPOSES["content"] == "default"
        assert llmshop_settings.PURPOSES["embedding"] is None


def test_partial_purposes_merge_over_defaults():
    with override_settings(
        LLMSHOP={
            "PURPOSES": {"support": "fast"},
            "ENDPOINTS": {"fast": {"BASE_URL": "http://x/v1", "MODEL": "m"}},
        }
    ):
        assert llmshop_settings.PURPOSES == {
            "support": "fast",
            "content": "default",
            "recommend": "default",
            "embedding": None,
        }


def test_endpoint_fills_defaults_and_strips_slash():
    with override_settings(
        LLMSHOP={
            "ENDPOINTS": {
                "default": {
                    "BASE_URL": "http://h:1/v1/",
                    "MODEL": "m",
                    "PRICE_PER_MTOK_IN": 2.0,
                    "PRICE_PER_MTOK_OUT": 8.0,
                }
            }
        }
    ):
        endpoint = llmshop_settings.endpoint_for("content")
    assert endpoint.base_url == "http://h:1/v1"
    assert endpoint.timeout == 60.0 and endpoint.max_concurrency == 8
    assert endpoint.cost(1_000_000, 500_000) == pytest.approx(6.0)


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError):
        _ = llmshop_settings.NOT_A_SETTING


def test_missing_endpoint_and_purpose_raise():
    with override_settings(LLMSHOP={"PURPOSES": {"embedding": None}}):
        with pytest.raises(ImproperlyConfiguredEndpoint):
            llmshop_settings.endpoint_for("embedding")
        with pytest.raises(ImproperlyConfiguredEndpoint):
            llmshop_settings.endpoint("nope")
        with pytest.raises(ImproperlyConfiguredEndpoint):
            llmshop_settings.endpoint_for("translation")


def test_reload_on_setting_changed_resolves_adapter_again():
    assert type(get_adapter()) is ShopAdapter
    with override_settings(LLMSHOP={"ADAPTER": "tests.test_conf.CustomAdapter"}):
        assert type(get_adapter()) is CustomAdapter
    assert type(get_adapter()) is ShopAdapter


def test_sub_app_keys_are_read_through_the_one_settings_object():
    assert llmshop_settings.CHAT_QUEUE is None
    assert llmshop_settings.RECOMMEND_NEIGHBOURS == 50
    with override_settings(LLMSHOP={"RECOMMEND_EVENT_WEIGHTS": {"view": 0.5}, "CHAT_QUEUE": "c"}):
        assert llmshop_settings.CHAT_QUEUE == "c"
        weights = llmshop_settings.RECOMMEND_EVENT_WEIGHTS
    assert weights == {"view": 0.5, "wishlist": 2.0, "cart": 3.0, "purchase": 5.0}


def test_each_sub_app_owns_its_keys():
    owners = conf.defaults_by_app()
    assert "CHAT_QUEUE" in owners["django_llmshop.support"]
    assert "RECOMMEND_RERANK" in owners["django_llmshop.recommend"]
    assert not any(key.startswith(("CHAT_", "RECOMMEND_")) for key in owners["django_llmshop"])


def test_a_key_another_app_owns_cannot_be_registered_again():
    with pytest.raises(ValueError, match="CHAT_QUEUE"):
        conf.register_defaults("shop", {"CHAT_QUEUE": "mine"})
    assert "shop" not in conf.defaults_by_app()


def test_registered_defaults_become_settings(monkeypatch):
    monkeypatch.setattr(conf, "_app_defaults", conf.defaults_by_app())
    try:
        conf.register_defaults("shop", {"SHOP_GREETING": "hello"})
        assert llmshop_settings.SHOP_GREETING == "hello"
        with override_settings(LLMSHOP={"SHOP_GREETING": "hi"}):
            assert llmshop_settings.SHOP_GREETING == "hi"
        # "shop" is installed in the test settings, so its key is accepted by the E001 check.
        assert "SHOP_GREETING" in conf.known_keys()
    finally:
        monkeypatch.undo()
        llmshop_settings.reload()
    with pytest.raises(AttributeError):
        _ = llmshop_settings.SHOP_GREETING

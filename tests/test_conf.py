"""The LLMSHOP settings object: defaults, merging, endpoints and reload on change."""

import pytest
from django.test import override_settings

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

"""The Translate actions in a shop with one description field, and their options' checks."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from django_llmshop.content import services
from django_llmshop.content.models import Draft


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "pw")


def test_the_product_admin_offers_the_translate_actions(catalog, staff, client):
    client.force_login(staff)
    page = client.get("/admin/shop/product/").content.decode()
    assert 'value="llmshop_translate_description"' in page
    assert 'value="llmshop_translate_seo"' in page


@pytest.mark.parametrize(
    ("kind", "options", "says"),
    [
        ("marketing", {"languages": ["zh-hans"], "translate_from": "en"}, "Only descriptions"),
        ("description", {"languages": ["en"], "translate_from": "en"}, "other than the one"),
        ("description", {"languages": ["zh-hans"], "translate_from": "de"}, "not in LLMSHOP"),
    ],
)
def test_bad_translation_options_are_refused(kind, options, says):
    with pytest.raises(ValueError, match=says):
        services.clean_options(kind, options)


def test_the_translation_prompt_carries_the_current_text_and_bullets(
    catalog, staff, model, django_capture_on_commit_callbacks
):
    product = catalog[0]
    product.description = "A steel bottle.\n- Keeps drinks cold\n- 750 ml"
    product.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.start_job(
            "description", [product.pk], {"languages": ["zh-hans"], "translate_from": "en"}, staff
        )
    assert len(model.requests) == 1
    prompt = model.requests[0].json["messages"][-1]["content"]
    assert "from English into Simplified Chinese" in prompt
    assert "Text: A steel bottle.\nBullet point: Keeps drinks cold\nBullet point: 750 ml" in prompt
    draft = Draft.objects.get()
    assert draft.language == "zh-hans"
    assert draft.status == Draft.Status.READY
    assert not draft.has_findings  # 750毫升 is the source's 750 ml

"""The documented installation: its line count, the checks, the admin and the dashboard actions."""

from __future__ import annotations

import re

from django.contrib import admin
from django.core.checks import run_checks
from django.test import override_settings

from django_llmshop.content.admin import LLMShopProductAdminMixin
from django_llmshop.contrib.oscar.admin import extend_product_admin
from tests.oscar_shop.settings import DOCS, documented_blocks

ACTIONS = [
    "llmshop_generate_description",
    "llmshop_generate_seo",
    "llmshop_generate_marketing_copy",
    "llmshop_summarize_reviews",
]


def installation_lines() -> list[str]:
    """The lines a shop adds: code lines of the Installation section's install, settings and
    urls blocks (comments and blank lines are not counted; commands run once are not added)."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Installation", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    lines = []
    for language, block in blocks:
        if language == "sh" and "pip install" not in block:
            continue  # migrate and check are commands, not lines of the shop
        lines += [
            line
            for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    return lines


def test_the_installation_is_at_most_15_lines_and_the_docs_say_how_many():
    lines = installation_lines()
    assert lines[0].startswith("pip install") and "oscar" in lines[0]
    assert any("LLMSHOP_OSCAR" in line for line in lines)
    assert any('include("django_llmshop.urls")' in line for line in lines)
    assert len(lines) <= 15
    stated = re.search(r"An Oscar shop adds (\d+) lines", DOCS.read_text(encoding="utf-8"))
    assert stated is not None and int(stated.group(1)) == len(lines)
    # The test shop runs exactly these blocks (settings.py and urls.py of the docs).
    assert documented_blocks("settings.py") and documented_blocks("urls.py")


def test_the_documented_settings_pass_every_check(db):
    problems = [m for m in run_checks(include_deployment_checks=False) if m.is_serious()]
    assert problems == []
    # A shop without a page model: no PAGE_MODEL at all is fine too (it defaults to None).
    from django.conf import settings

    without_pages = {k: v for k, v in settings.LLMSHOP.items() if k != "PAGE_MODEL"}
    with override_settings(LLMSHOP=without_pages):
        ids = [m.id for m in run_checks() if m.is_serious()]
    assert ids == []


def test_a_wrong_page_model_is_still_reported(settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "PAGE_MODEL": "shop.Page"}
    assert "llmshop.E006" in [m.id for m in run_checks()]


def test_oscars_product_admin_is_extended_not_replaced(rf, oscar_shop):
    from oscar.apps.catalogue.admin import ProductAdmin
    from oscar.apps.catalogue.models import Product

    registered = admin.site._registry[Product]
    assert isinstance(registered, LLMShopProductAdminMixin)
    assert isinstance(registered, ProductAdmin)  # Oscar's own admin, with everything it had
    assert registered.list_display == ProductAdmin.list_display
    assert extend_product_admin() is type(registered)  # a second call changes nothing
    request = rf.get("/admin/catalogue/product/")
    request.user = oscar_shop.staff
    assert set(ACTIONS) <= set(registered.get_actions(request))


def test_the_admin_changelist_offers_the_generate_actions(client, oscar_shop):
    client.force_login(oscar_shop.staff)
    response = client.get("/admin/catalogue/product/")
    assert response.status_code == 200
    for name in ACTIONS:
        assert f'value="{name}"' in response.content.decode()


def test_the_admin_generate_action_asks_for_confirmation(client, oscar_shop):
    from django_llmshop.content.models import GenerationJob

    client.force_login(oscar_shop.staff)
    response = client.post(
        "/admin/catalogue/product/",
        {"action": "llmshop_generate_description", "_selected_action": [oscar_shop.bottle.pk]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Trail Bottle" in page and 'name="post"' in page
    assert GenerationJob.objects.count() == 0  # nothing is queued before the confirmation

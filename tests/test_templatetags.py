"""Each sub-app's template tags load on their own, and ``{% load llmshop %}`` gathers them."""

from unittest import mock

import pytest
from django.apps import apps
from django.template import Context, Engine, Template
from django.test import RequestFactory

from django_llmshop.templatetags import llmshop

ALL_TAGS = {
    "llmshop_chat",
    "llmshop_review_summary",
    "llmshop_description",
    "llmshop_recommendations",
    "llmshop_bought_together",
    "llmshop_track",
}


@pytest.mark.parametrize(
    ("library", "tags"),
    [
        ("llmshop_chat", {"llmshop_chat"}),
        ("llmshop_content", {"llmshop_review_summary", "llmshop_description"}),
        (
            "llmshop_recommend",
            {"llmshop_recommendations", "llmshop_bought_together", "llmshop_track"},
        ),
    ],
)
def test_each_sub_app_has_its_own_library(library, tags):
    engine = Engine.get_default()
    assert set(engine.template_libraries[library].tags) == tags


def test_load_llmshop_gathers_every_installed_sub_apps_tags():
    assert set(llmshop.register.tags) == ALL_TAGS
    chat = Engine.get_default().template_libraries["llmshop_chat"].tags["llmshop_chat"]
    assert llmshop.register.tags["llmshop_chat"] is chat


@pytest.mark.django_db
def test_the_chat_tag_renders_through_either_library():
    request = RequestFactory().get("/")
    request.session = {}
    for load in ("llmshop", "llmshop_chat"):
        html = Template(f"{{% load {load} %}}{{% llmshop_chat %}}").render(
            Context({"request": request})
        )
        assert "llmshop" in html, load


def test_a_tag_of_a_sub_app_left_out_renders_nothing():
    installed = apps.is_installed
    with mock.patch.object(
        apps, "is_installed", lambda name: name != "django_llmshop.support" and installed(name)
    ):
        library = llmshop.build_library()
    assert set(library.tags) == ALL_TAGS
    engine = Engine()
    engine.template_libraries["gathered"] = library
    template = engine.from_string("{% load gathered %}[{% llmshop_chat %}]")
    assert template.render(Context({})) == "[]"
    assert library.tags["llmshop_review_summary"] is llmshop.register.tags["llmshop_review_summary"]

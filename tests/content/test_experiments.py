"""Description experiments: starting one from a draft, sticky arms on the storefront, ending it."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Engine
from django.test import Client
from django.urls import reverse

from django_llmshop.adapters import get_adapter
from django_llmshop.content import experiments
from django_llmshop.content.models import DescriptionExperiment, Draft
from django_llmshop.shoppers import SESSION_KEY, Shopper
from django_llmshop.templatetags import llmshop

NEW_TEXT = "Generated: a bottle for long walks."


def ready_draft(product, text=NEW_TEXT, kind="description", findings=()):
    roles = ["seo_title", "seo_description"] if kind == "seo" else ["description"]
    adapter = get_adapter()
    return Draft.objects.create(
        product_type=ContentType.objects.get_for_model(product),
        product_id=str(product.pk),
        kind=kind,
        text=text,
        status=Draft.Status.READY,
        findings=list(findings),
        source_texts={role: adapter.get_text(product, role) for role in roles},
        source_fingerprint=adapter.texts_fingerprint_in(product, roles, "en"),
    )


def start_url(draft):
    return reverse("admin:llmshop_content_descriptionexperiment_start", args=[draft.pk])


def end_url(experiment):
    return reverse("admin:llmshop_content_descriptionexperiment_end", args=[experiment.pk])


def token_in(experiment, arm, skip=0):
    """A session token whose shopper the experiment puts in ``arm``."""
    tokens = (f"token-{n}" for n in range(10_000))
    found = [t for t in tokens if experiments.arm_for(experiment, Shopper(session_key=t)) == arm]
    return found[skip]


def shopper_client(token):
    client = Client()
    session = client.session
    session[SESSION_KEY] = token
    session.save()
    return client


def description_on(response) -> str:
    html = response.content.decode()
    start = html.index('<div class="description">')
    return html[start : html.index("</div>", start)]


def test_staff_start_an_experiment_from_the_review_page_instead_of_publishing(
    admin_client, catalog
):
    product = catalog[0]
    draft = ready_draft(product)
    page = admin_client.get(reverse("admin:llmshop_content_draft_change", args=[draft.pk]))
    assert "Publish as an experiment" in page.content.decode()
    assert start_url(draft) in page.content.decode()

    response = admin_client.post(start_url(draft))
    assert response.status_code == 302
    experiment = DescriptionExperiment.objects.get()
    assert (experiment.draft, experiment.status, experiment.share) == (draft, "running", 0.5)
    product.refresh_from_db()
    draft.refresh_from_db()
    assert product.description == "Original text of bottle 1.\n" and draft.status == "ready"

    # A second experiment on the same product and language is refused with a message.
    other = ready_draft(product, text="Another text.")
    again = admin_client.post(start_url(other), follow=True)
    assert "already running" in again.content.decode()
    assert DescriptionExperiment.objects.count() == 1


def test_drafts_that_cannot_be_tried_are_refused_with_a_message(admin_client, catalog):
    seo = ready_draft(catalog[0], kind="seo")
    response = admin_client.post(start_url(seo), follow=True)
    assert response.status_code == 200
    assert "Only a product description" in response.content.decode()
    flagged = ready_draft(catalog[1], findings=[{"severity": "error", "message": "1000 ml"}])
    response = admin_client.post(start_url(flagged), follow=True)
    assert "fact-check findings" in response.content.decode()
    assert not DescriptionExperiment.objects.exists()
    admin_client.post(start_url(flagged), {"confirm_findings": "1"})
    assert DescriptionExperiment.objects.get().draft == flagged
    # Not a draft id, a missing draft, and a GET: client errors, never a 500.
    bad = reverse("admin:llmshop_content_descriptionexperiment_start", args=["x\x00"])
    assert admin_client.post(bad).status_code == 404
    missing = reverse("admin:llmshop_content_descriptionexperiment_start", args=[999999])
    assert admin_client.post(missing).status_code == 404
    assert admin_client.get(start_url(seo)).status_code == 405


def test_shoppers_who_may_not_review_cannot_start_or_end(client, django_user_model, catalog):
    draft = ready_draft(catalog[0])
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(user)
    assert client.post(start_url(draft)).status_code == 403
    experiment = experiments.start_experiment(draft, None)
    assert client.post(end_url(experiment), {"publish": "1"}).status_code == 403
    experiment.refresh_from_db()
    assert experiment.status == "running"


def test_each_arm_sees_its_text_and_keeps_it_across_requests(client, catalog):
    product = catalog[0]
    draft = ready_draft(product, text="Generated <b>bold</b> & new.\n\nSecond paragraph.")
    experiment = experiments.start_experiment(draft, None)
    url = product.get_absolute_url()
    current = shopper_client(token_in(experiment, experiments.CURRENT))
    generated = shopper_client(token_in(experiment, experiments.GENERATED))
    for _ in range(3):
        assert "Original text of bottle 1." in description_on(current.get(url))
        shown = description_on(generated.get(url))
        # The storefront's own filter renders it, escaped: model text is never HTML.
        assert "Generated &lt;b&gt;bold&lt;/b&gt; &amp; new.</p>" in shown
        assert "<p>Second paragraph." in shown and "<b>" not in shown
    # Another product, without an experiment, shows its own text to everyone.
    assert "Original text of bottle 2." in description_on(
        generated.get(catalog[1].get_absolute_url())
    )


def test_a_new_shopper_gets_a_token_and_stays_in_its_arm(catalog):
    product = catalog[0]
    experiment = experiments.start_experiment(ready_draft(product), None)
    for _ in range(8):
        fresh = Client()
        first = description_on(fresh.get(product.get_absolute_url()))
        token = fresh.session[SESSION_KEY]
        arm = experiments.arm_for(experiment, Shopper(session_key=token))
        assert (NEW_TEXT in first) == (arm == experiments.GENERATED)
        for _ in range(2):
            assert description_on(fresh.get(product.get_absolute_url())) == first


def test_arms_split_shoppers_by_the_share_and_another_experiment_draws_anew(catalog):
    first = experiments.start_experiment(ready_draft(catalog[0]), None)
    second = experiments.start_experiment(ready_draft(catalog[1]), None, share=0.2)
    keys = [f"s:{n}" for n in range(2000)]
    arms = [experiments.arm_for(first, k) for k in keys]
    assert arms == [experiments.arm_for(first, k) for k in keys]
    assert 0.45 < arms.count(experiments.GENERATED) / len(keys) < 0.55
    other = [experiments.arm_for(second, k) for k in keys]
    assert 0.16 < other.count(experiments.GENERATED) / len(keys) < 0.24
    assert arms != other


def test_ending_publishes_the_winner_or_keeps_the_text(admin_client, catalog):
    product, kept_product = catalog[0], catalog[1]
    experiment = experiments.start_experiment(ready_draft(product), None)
    kept = experiments.start_experiment(ready_draft(kept_product), None)
    assert admin_client.post(end_url(experiment), {"publish": "maybe"}).status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == "running"

    response = admin_client.post(end_url(experiment), {"publish": "1", "next": "//evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    experiment.refresh_from_db()
    product.refresh_from_db()
    assert (experiment.status, experiment.outcome) == ("ended", "published")
    assert product.description == NEW_TEXT and experiment.draft.versions.count() == 1
    assert admin_client.post(end_url(experiment), {"publish": "1"}).status_code == 302

    admin_client.post(end_url(kept), {"publish": "0"})
    kept.refresh_from_db()
    kept_product.refresh_from_db()
    assert (kept.status, kept.outcome) == ("ended", "kept")
    assert kept_product.description == "Original text of bottle 2.\n"
    # Once ended, every shopper sees the product's text again.
    client = shopper_client(token_in(kept, experiments.GENERATED))
    assert "Original text of bottle 2." in description_on(
        client.get(kept_product.get_absolute_url())
    )


def test_a_text_changed_during_the_experiment_is_not_overwritten(admin_client, catalog):
    product = catalog[0]
    experiment = experiments.start_experiment(ready_draft(product), None)
    product.description = "The merchant's own edit."
    product.save()
    response = admin_client.post(end_url(experiment), {"publish": "1"}, follow=True)
    assert "changed during the experiment" in response.content.decode()
    experiment.refresh_from_db()
    product.refresh_from_db()
    assert experiment.status == "running" and product.description == "The merchant's own edit."


def test_without_the_content_app_the_tag_gives_back_the_text_it_was_given():
    library = llmshop.build_library()
    stand_in = library.tags["llmshop_description"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "django.apps.apps.is_installed", lambda name: name != "django_llmshop.content"
        )
        library = llmshop.build_library()
    assert library.tags["llmshop_description"] is not stand_in
    engine = Engine()
    engine.template_libraries["gathered"] = library
    template = engine.from_string(
        "{% load gathered %}{% llmshop_description product text as d %}[{{ d }}]"
    )
    assert template.render(Context({"product": object(), "text": "a < b"})) == "[a &lt; b]"

"""The staff flow in the admin: Generate action, job progress, review, publish, revert."""

from __future__ import annotations

import re

from django.urls import reverse

from django_llmshop.content.models import ContentVersion, Draft, GenerationJob
from django_llmshop.content.services import edit_draft
from shop.models import Product

CHANGELIST = "admin:shop_product_changelist"


def select(products, action, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in products], "index": 0}
    return {**data, **extra}


def confirm(products, action, **options):
    data = {"action": action, "_selected_action": [p.pk for p in products], "post": "yes"}
    return {"languages": ["en"], "length": "medium", **data, **options}


def generate(client, products, capture, action="llmshop_generate_description", **options):
    with capture(execute=True):
        response = client.post(reverse(CHANGELIST), confirm(products, action, **options))
    assert response.status_code == 302, response.content.decode()[:2000]
    return GenerationJob.objects.latest("pk"), response


def review_url(draft):
    return reverse("admin:llmshop_content_draft_change", args=[draft.pk])


def test_generate_review_publish_and_revert(
    admin_client, catalog, model, django_capture_on_commit_callbacks
):
    changelist = admin_client.get(reverse(CHANGELIST))
    choices = dict(changelist.context["action_form"].fields["action"].choices)
    assert choices["llmshop_generate_description"] == "Generate descriptions"
    assert {"llmshop_generate_marketing_copy", "llmshop_summarize_reviews"} <= set(choices)

    # The action opens a confirmation page with the count, the options and an estimate.
    page = admin_client.post(reverse(CHANGELIST), select(catalog, "llmshop_generate_description"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "these 3 products" in html and "Trail Bottle 2" in html
    assert page.context["estimate"]["calls"] == 3
    assert 'name="post"' in html and 'value="llmshop_generate_description"' in html
    assert GenerationJob.objects.count() == 0

    # Updating the estimate with a second language doubles the calls; nothing starts yet.
    both = confirm(catalog, "llmshop_generate_description", languages=["en", "zh-hans"])
    del both["post"]
    page = admin_client.post(reverse(CHANGELIST), {**both, "_estimate": "1"})
    assert page.context["estimate"]["calls"] == 6 and GenerationJob.objects.count() == 0

    job, response = generate(
        admin_client, catalog, django_capture_on_commit_callbacks, tone="friendly"
    )
    job_url = reverse("admin:llmshop_content_generationjob_change", args=[job.pk])
    assert response["Location"] == job_url
    assert (job.status, job.total, job.done, job.options["tone"]) == ("done", 3, 3, "friendly")

    page = admin_client.get(job_url)
    assert page.status_code == 200
    assert 'id="llmshop-job-progress"' in page.content.decode()
    progress = admin_client.get(reverse("llmshop:content:job_progress", args=[job.pk]))
    text = progress.content.decode()
    assert "100 %" in text and "3 of 3 done" in text
    assert "hx-get" not in text  # finished: the partial stops polling
    assert f"job__id__exact={job.pk}" in text and "3 with fact-check findings" in text

    drafts = admin_client.get(
        reverse("admin:llmshop_content_draft_changelist"),
        {"has_findings": "yes", "job__id__exact": job.pk},
    )
    assert drafts.context["cl"].result_count == 3
    clean = admin_client.get(
        reverse("admin:llmshop_content_draft_changelist"), {"has_findings": "no"}
    )
    assert clean.context["cl"].result_count == 0

    product = catalog[0]
    original = product.description
    draft = Draft.objects.get(job=job, product_id=str(product.pk))
    page = admin_client.get(review_url(draft))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>Original text of bottle 1.\n</del><ins>The Trail Bottle 1 holds" in html
    assert re.search(r'<mark class="llmshop-finding llmshop-error"[^>]*>1000 ml', html)
    assert 'name="confirm_findings"' in html

    # Approving a draft with findings needs the explicit confirmation.
    refused = admin_client.post(review_url(draft), {"_approve": "1"})
    assert refused.status_code == 400
    assert "confirm them to publish" in refused.content.decode()
    product.refresh_from_db()
    assert product.description == original

    published = admin_client.post(review_url(draft), {"_approve": "1", "confirm_findings": "on"})
    assert published.status_code == 302
    product.refresh_from_db()
    draft.refresh_from_db()
    assert product.description == draft.text and draft.status == "published"
    version = ContentVersion.objects.get(draft=draft)
    assert version.previous == {"description": original}

    version_url = reverse("admin:llmshop_content_contentversion_change", args=[version.pk])
    page = admin_client.get(version_url)
    assert page.status_code == 200 and 'name="_revert"' in page.content.decode()
    assert admin_client.post(version_url, {"_revert": "1"}).status_code == 302
    product.refresh_from_db()
    assert product.description == original  # byte for byte, trailing newline included
    version.refresh_from_db()
    assert version.reverted_at is not None


def test_merchant_edit_after_generation_shows_conflict_and_writes_nothing(
    admin_client, catalog, model, django_capture_on_commit_callbacks
):
    job, _ = generate(admin_client, catalog[:1], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    product = catalog[0]
    Product.objects.filter(pk=product.pk).update(description="The merchant's own new words.")

    page = admin_client.get(review_url(draft))
    assert "was changed after this draft was generated" in page.content.decode()

    response = admin_client.post(review_url(draft), {"_approve": "1", "confirm_findings": "on"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "The product changed since this draft was generated" in html
    assert "The <del>merchant&#x27;s own new words.</del><ins>Trail" in html  # a fresh diff
    product.refresh_from_db()
    assert product.description == "The merchant's own new words."
    assert not ContentVersion.objects.exists()
    draft.refresh_from_db()
    assert draft.status == "ready"


def test_revert_after_a_later_edit_is_refused(
    admin_client, catalog, model, django_capture_on_commit_callbacks
):
    job, _ = generate(admin_client, catalog[:1], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    admin_client.post(review_url(draft), {"_approve": "1", "confirm_findings": "on"})
    version = ContentVersion.objects.get()
    Product.objects.filter(pk=catalog[0].pk).update(description="Edited by hand after publishing.")
    url = reverse("admin:llmshop_content_contentversion_change", args=[version.pk])
    response = admin_client.post(url, {"_revert": "1"})
    assert response.status_code == 409
    assert "nothing was reverted" in response.content.decode()
    catalog[0].refresh_from_db()
    assert catalog[0].description == "Edited by hand after publishing."


def test_bulk_approve_skips_drafts_with_findings_unless_confirmed(
    admin_client, admin_user, catalog, model, django_capture_on_commit_callbacks
):
    job, _ = generate(admin_client, catalog, django_capture_on_commit_callbacks)
    drafts = list(job.drafts.order_by("product_id"))
    edit_draft(drafts[0], "The Trail Bottle 1 holds 750 ml.", admin_user)
    assert [d.has_findings for d in Draft.objects.filter(job=job).order_by("product_id")] == [
        False,
        True,
        True,
    ]
    url = reverse("admin:llmshop_content_draft_changelist")
    action = {"action": "approve_selected", "_selected_action": [d.pk for d in drafts]}

    page = admin_client.post(url, {**action, "index": 0})
    html = page.content.decode()
    assert page.status_code == 200 and "2 drafts have fact-check findings" in html
    assert "1 draft without findings will be published" in html

    done = admin_client.post(url, {**action, "post": "yes"}, follow=True)
    assert "1 draft was published." in done.content.decode()
    assert "2 drafts with fact-check findings were skipped." in done.content.decode()
    statuses = dict(Draft.objects.filter(job=job).values_list("pk", "status"))
    assert [statuses[d.pk] for d in drafts] == ["published", "ready", "ready"]

    admin_client.post(url, {**action, "post": "yes", "confirm_findings": "on"})
    assert set(Draft.objects.filter(job=job).values_list("status", flat=True)) == {"published"}
    for product in catalog[1:]:
        product.refresh_from_db()
        assert "1000 ml" in product.description


def test_edit_and_regenerate_from_the_review_page(
    admin_client, catalog, model, django_capture_on_commit_callbacks
):
    job, _ = generate(admin_client, catalog[:1], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    response = admin_client.post(
        review_url(draft),
        {"_edit": "1", "description": "Holds 750 ml of water.", "bullets": "Stainless steel"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.text == "Holds 750 ml of water.\n\n- Stainless steel"
    assert not draft.has_findings and draft.parts["description"] == "Holds 750 ml of water."

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            review_url(draft), {"_regenerate": "1", "note": "Mention the colour first."}
        )
    assert response.status_code == 302
    assert "Mention the colour first." in model.requests[-1].json["messages"][-1]["content"]
    draft.refresh_from_db()
    assert draft.status == "ready" and "1000 ml" in draft.text

    assert admin_client.post(review_url(draft), {"_reject": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "rejected"


def test_seo_and_marketing_drafts_have_review_pages(
    admin_client, catalog, model, django_capture_on_commit_callbacks
):
    job, _ = generate(
        admin_client, catalog[:1], django_capture_on_commit_callbacks, "llmshop_generate_seo"
    )
    draft = job.drafts.get()
    page = admin_client.get(review_url(draft))
    assert page.status_code == 200 and "Trail Bottle 1 | Fernhill" in page.content.decode()
    admin_client.post(review_url(draft), {"_approve": "1", "confirm_findings": "on"})
    catalog[0].refresh_from_db()
    assert catalog[0].seo_title == "Trail Bottle 1 | Fernhill"

    job, _ = generate(
        admin_client,
        catalog[:1],
        django_capture_on_commit_callbacks,
        "llmshop_generate_marketing_copy",
        channel="search_ad",
        variants=2,
        promotion="Free engraving this week",
    )
    assert job.total == 2 and job.options["promotion"] == "Free engraving this week"
    page = admin_client.get(review_url(job.drafts.first()))
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "Cold drinks all day" in html
        and "<code>headline</code>" in html
    )


def test_marketing_confirmation_page_offers_channels_and_variants(admin_client, catalog, model):
    page = admin_client.post(
        reverse(CHANGELIST), select(catalog[:2], "llmshop_generate_marketing_copy")
    )
    html = page.content.decode()
    assert "Search ad (headline ≤ 30, description ≤ 90 characters)" in html
    assert 'name="variants"' in html and 'name="promotion"' in html
    assert "these 2 products" in html

    bad = confirm(catalog[:2], "llmshop_generate_marketing_copy", channel="search_ad", variants=9)
    page = admin_client.post(reverse(CHANGELIST), bad)
    assert page.status_code == 200 and page.context["form"].errors
    assert not GenerationJob.objects.exists()

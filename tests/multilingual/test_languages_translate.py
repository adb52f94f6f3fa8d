"""*Translate descriptions* makes drafts in other languages from the product's current text."""

from __future__ import annotations

from django_llmshop.content import services
from django_llmshop.content.models import Draft, GenerationJob
from django_llmshop.content.tasks import generate_chunk
from tests.multilingual.conftest import CHINESE
from tests.multilingual.models import Product


def translate(client, product, action, django_capture_on_commit_callbacks, **data):
    changelist = f"/admin/multilingual/{product._meta.model_name}/"
    chosen = {"action": action, "_selected_action": [product.pk]}
    confirm = client.post(changelist, chosen)
    assert confirm.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(changelist, {**chosen, "post": "yes", **data})


def test_translate_the_english_description_into_chinese(
    mt_product, staff, client, model, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    page = client.post(
        "/admin/multilingual/product/",
        {"action": "llmshop_translate_description", "_selected_action": [mt_product.pk]},
    ).content.decode()
    assert "Translate from" in page and 'name="translate_from"' in page
    answer = translate(
        client,
        mt_product,
        "llmshop_translate_description",
        django_capture_on_commit_callbacks,
        translate_from="en",
        languages=["zh-hans"],
    )
    assert answer.status_code == 302
    job = GenerationJob.objects.get()
    assert job.options["translate_from"] == "en"
    draft = Draft.objects.get(job=job)
    assert (draft.language, draft.status, draft.text) == ("zh-hans", Draft.Status.READY, CHINESE)
    prompt = model.requests[-1].json["messages"]
    assert "Simplified Chinese" in prompt[0]["content"]
    assert "Text: The shop's own English text." in prompt[-1]["content"]
    assert "from English into Simplified Chinese" in prompt[-1]["content"]

    services.publish_draft(draft, staff)
    product = Product.objects.get(pk=mt_product.pk)
    assert product.description_en == "The shop's own English text."
    assert product.description_zh_hans == CHINESE


def test_translating_into_the_source_language_is_refused(
    mt_product, staff, client, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    answer = translate(
        client,
        mt_product,
        "llmshop_translate_description",
        django_capture_on_commit_callbacks,
        translate_from="en",
        languages=["en", "zh-hans"],
    )
    assert answer.status_code == 200
    assert "other than the one translated from" in answer.content.decode()
    assert not GenerationJob.objects.exists()


def test_a_product_without_text_to_translate_fails_its_draft_with_the_reason(mt_product, staff):
    Product.objects.filter(pk=mt_product.pk).update(seo_title_en="", seo_description_en="")
    job = services.start_job(
        "seo", [mt_product.pk], {"languages": ["zh-hans"], "translate_from": "en"}, staff
    )
    generate_chunk(job.pk, [[str(mt_product.pk), "zh-hans", 1]])
    draft = Draft.objects.get(job=job)
    assert draft.status == Draft.Status.FAILED
    assert "no en text to translate" in draft.error


def test_translate_seo_texts_of_a_parler_product(
    parler_product, staff, client, model, django_capture_on_commit_callbacks
):
    translation = parler_product.get_translation("en")
    translation.seo_title, translation.seo_description = "Trail Bottle", "A steel bottle."
    translation.save()
    client.force_login(staff)
    translate(
        client,
        parler_product,
        "llmshop_translate_seo",
        django_capture_on_commit_callbacks,
        translate_from="en",
        languages=["zh-hans"],
    )
    draft = Draft.objects.get()
    assert "Meta description: A steel bottle." in model.requests[-1].json["messages"][-1]["content"]
    services.publish_draft(draft, staff)
    row = parler_product.translations.get(language_code="zh-hans")
    assert row.seo_description == CHINESE
    assert parler_product.translations.get(language_code="en").seo_description == (
        "A steel bottle."
    )


def test_translate_through_the_api(mt_product, staff, client, django_capture_on_commit_callbacks):
    client.force_login(staff)
    body = {"kind": "description", "product_ids": [mt_product.pk]}
    refused = client.post(
        "/llmshop/api/content/jobs/",
        {**body, "options": {"translate_from": "en", "languages": ["en"]}},
        content_type="application/json",
    )
    assert refused.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/llmshop/api/content/jobs/",
            {**body, "options": {"translate_from": "en", "languages": ["zh-hans"]}},
            content_type="application/json",
        )
    assert started.status_code == 202
    draft = Draft.objects.get(job_id=started.json()["id"])
    approved = client.post(
        f"/llmshop/api/content/drafts/{draft.pk}/approve/", {}, content_type="application/json"
    )
    assert approved.status_code == 200
    assert Product.objects.get(pk=mt_product.pk).description_zh_hans == CHINESE

"""Generating drafts end to end (tasks inline), publishing, conflicts, revert, idempotency."""

from __future__ import annotations

import pytest

from django_llmshop.content.generation import Item, run_items
from django_llmshop.content.models import ContentVersion, Draft, GenerationJob
from django_llmshop.content.services import (
    ContentConflict,
    FindingsNotConfirmed,
    edit_draft,
    publish_draft,
    regenerate_draft,
    reject_draft,
    resume_stale_jobs,
    revert_version,
    start_job,
)
from django_llmshop.models import LLMCall
from django_llmshop.testing import Reply


def run_job(kind, products, capture, options=None, user=None):
    with capture(execute=True):
        job = start_job(kind, [p.pk for p in products], options or {}, user)
    job.refresh_from_db()
    return job


def test_three_descriptions_with_findings_then_publish_and_revert(
    catalog, model, admin_user, django_capture_on_commit_callbacks
):
    job = run_job("description", catalog, django_capture_on_commit_callbacks, user=admin_user)
    assert (job.status, job.total, job.done, job.failed) == ("done", 3, 3, 0)
    drafts = list(Draft.objects.filter(job=job).order_by("product_id"))
    assert len(drafts) == 3
    for draft, product in zip(drafts, catalog, strict=True):
        assert draft.status == "ready"
        assert draft.product == product
        assert "1000 ml" in draft.text
        finding = next(f for f in draft.findings if "1000" in f["text"])
        assert draft.text[finding["start"] : finding["end"]] == finding["text"]
        assert draft.source_texts == {"description": product.description}
    assert LLMCall.objects.filter(purpose="content", status="ok").count() == 3

    draft, product = drafts[0], catalog[0]
    original = product.description
    with pytest.raises(FindingsNotConfirmed):
        publish_draft(draft, admin_user)
    version = publish_draft(draft, admin_user, confirm_findings=True)
    product.refresh_from_db()
    assert product.description == draft.text
    assert version.previous == {"description": original}
    draft.refresh_from_db()
    assert draft.status == "published" and draft.reviewed_by == admin_user

    revert_version(version, admin_user)
    product.refresh_from_db()
    assert product.description == original  # byte for byte, trailing newline included
    version.refresh_from_db()
    assert version.reverted_at is not None


def test_merchant_edit_after_generation_wins(
    catalog, model, admin_user, django_capture_on_commit_callbacks
):
    job = run_job("description", catalog[:1], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    product = catalog[0]
    product.description = "The merchant's own new text."
    product.save()
    with pytest.raises(ContentConflict) as excinfo:
        publish_draft(draft, admin_user, confirm_findings=True)
    assert excinfo.value.current == {"description": "The merchant's own new text."}
    product.refresh_from_db()
    assert product.description == "The merchant's own new text."
    assert ContentVersion.objects.count() == 0
    draft.refresh_from_db()
    assert draft.status == "ready"


def test_revert_refuses_after_a_later_edit(
    catalog, model, admin_user, django_capture_on_commit_callbacks
):
    job = run_job("seo", catalog[:1], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    version = publish_draft(draft, admin_user, confirm_findings=True)
    product = catalog[0]
    product.refresh_from_db()
    assert product.seo_title == draft.parts["seo_title"]
    product.seo_title = "Edited by hand"
    product.save()
    with pytest.raises(ContentConflict):
        revert_version(version, admin_user)
    product.refresh_from_db()
    assert product.seo_title == "Edited by hand"


def test_redelivered_chunk_makes_no_second_draft(
    catalog, model, django_capture_on_commit_callbacks
):
    job = run_job("description", catalog, django_capture_on_commit_callbacks)
    calls = LLMCall.objects.count()
    items = [Item(str(p.pk), "en", 1) for p in catalog]
    run_items(job.pk, items)  # the same chunk delivered again
    assert Draft.objects.filter(job=job).count() == 3
    assert LLMCall.objects.count() == calls  # nothing was generated twice
    job.refresh_from_db()
    assert (job.done, job.total) == (3, 3)


def test_pending_draft_from_a_dead_run_is_generated_again(catalog, model, db):
    job = GenerationJob.objects.create(
        kind="description", product_ids=[str(catalog[0].pk)], options={"languages": ["en"]}, total=1
    )
    from django.contrib.contenttypes.models import ContentType

    Draft.objects.create(
        job=job,
        product_type=ContentType.objects.get_for_model(catalog[0]),
        product_id=str(catalog[0].pk),
        kind="description",
    )
    run_items(job.pk, [Item(str(catalog[0].pk), "en", 1)])
    draft = Draft.objects.get(job=job)
    assert draft.status == "ready" and draft.text
    job.refresh_from_db()
    assert job.status == "done"


def test_search_ad_headline_limit_is_repaired_or_fails(
    catalog, llm_settings, django_capture_on_commit_callbacks
):
    too_long = '{"headline": "' + "A" * 31 + '", "description": "Steel bottle."}'
    fixed = '{"headline": "Cold all day", "description": "Steel bottle."}'
    llm_settings.add(Reply.text(too_long), Reply.text(fixed))
    job = run_job(
        "marketing", catalog[:1], django_capture_on_commit_callbacks, {"channel": "search_ad"}
    )
    draft = job.drafts.get()
    assert draft.status == "ready" and draft.parts["headline"] == "Cold all day"
    repair = llm_settings.requests[1].json["messages"][-1]["content"]
    assert "30" in repair

    llm_settings.add(Reply.text(too_long), Reply.text(too_long))
    job = run_job(
        "marketing", catalog[1:2], django_capture_on_commit_callbacks, {"channel": "search_ad"}
    )
    draft = job.drafts.get()
    assert draft.status == "failed" and "OutputValidationError" in draft.error
    assert (job.status, job.failed) == ("failed", 1)


def test_marketing_variants_and_languages_make_one_draft_each(
    catalog, model, django_capture_on_commit_callbacks
):
    job = run_job(
        "marketing",
        catalog[:2],
        django_capture_on_commit_callbacks,
        {"channel": "email", "variants": 2, "languages": ["en", "zh-hans"]},
    )
    assert job.total == 8 and job.done == 8
    keys = set(job.drafts.values_list("product_id", "language", "variant"))
    assert len(keys) == 8


def test_promotion_is_the_only_offer(catalog, llm_settings, django_capture_on_commit_callbacks):
    llm_settings.add(Reply.text('{"headline": "Save 20%", "body": "Now 20% off, 750 ml."}'))
    job = run_job(
        "marketing",
        catalog[:1],
        django_capture_on_commit_callbacks,
        {"promotion": "20% off until Sunday"},
    )
    prompt = llm_settings.requests[0].json["messages"][-1]["content"]
    assert "20% off until Sunday" in prompt
    draft = job.drafts.get()
    assert not [f for f in draft.findings if "20" in f["text"]]

    llm_settings.add(Reply.text('{"headline": "Save 30%", "body": "Now 30% off."}'))
    job = run_job(
        "marketing",
        catalog[1:2],
        django_capture_on_commit_callbacks,
        {"promotion": "20% off until Sunday"},
    )
    assert [f for f in job.drafts.get().findings if "30" in f["text"]]


def test_edit_reruns_the_fact_check(catalog, model, admin_user, django_capture_on_commit_callbacks):
    draft = run_job("description", catalog[:1], django_capture_on_commit_callbacks).drafts.get()
    assert draft.has_findings
    edit_draft(draft, "The Trail Bottle 1 holds 750 ml.", admin_user)
    draft.refresh_from_db()
    assert not draft.has_findings and draft.edited_by == admin_user
    publish_draft(draft, admin_user)  # clean now: no confirmation needed
    catalog[0].refresh_from_db()
    assert catalog[0].description == "The Trail Bottle 1 holds 750 ml."


def test_regenerate_with_a_note(catalog, model, admin_user, django_capture_on_commit_callbacks):
    draft = run_job("description", catalog[:1], django_capture_on_commit_callbacks).drafts.get()
    with django_capture_on_commit_callbacks(execute=True):
        regenerate_draft(draft, "Mention the colour first.", admin_user)
    draft.refresh_from_db()
    assert draft.status == "ready"
    assert "Mention the colour first." in model.requests[-1].json["messages"][-1]["content"]
    reject_draft(draft, admin_user)
    draft.refresh_from_db()
    assert draft.status == "rejected"


def test_review_summary_map_reduce(reviews, model, admin_user, django_capture_on_commit_callbacks):
    job = run_job("review_summary", [reviews], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    assert draft.status == "ready"
    assert draft.parts["pros"] == ["keeps cold"] and draft.parts["review_count"] == 60
    assert len(model.requests) == 4  # 3 batches of at most 25 reviews, then one merge
    publish_draft(draft, admin_user)
    draft.refresh_from_db()
    assert draft.status == "published"


def test_failed_endpoint_fails_items_not_the_worker(
    catalog, llm_settings, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.error(400, body={"error": {"message": "bad model"}}))
    job = run_job("seo", catalog[:1], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    assert draft.status == "failed" and "BadRequestError" in draft.error
    assert job.status == "failed"


def test_stale_job_is_resumed(catalog, model, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    job = GenerationJob.objects.create(
        kind="seo",
        product_ids=[str(p.pk) for p in catalog],
        options={"languages": ["en"]},
        total=3,
        status="running",
    )
    GenerationJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(hours=1),
        started_at=timezone.now() - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_stale_jobs() == [job.pk]  # tasks run inline in tests
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("done", 3, 1)


def test_bad_options_are_refused(catalog, model):
    with pytest.raises(ValueError, match="channel"):
        start_job("marketing", [catalog[0].pk], {"channel": "billboard"})
    with pytest.raises(ValueError, match="LANGUAGES"):
        start_job("description", [catalog[0].pk], {"languages": ["xx"]})
    with pytest.raises(ValueError, match="at least one"):
        start_job("description", [])


def test_stale_job_is_given_up_after_several_attempts(catalog, model):
    from datetime import timedelta

    from django.utils import timezone

    old = timezone.now() - timedelta(hours=1)
    job = GenerationJob.objects.create(
        kind="seo",
        product_ids=[str(catalog[0].pk)],
        options={"languages": ["en"]},
        total=1,
        status="running",
        attempts=2,
    )
    GenerationJob.objects.filter(pk=job.pk).update(created_at=old, started_at=old)
    assert resume_stale_jobs() == []
    job.refresh_from_db()
    assert job.status == "failed" and "given up" in job.error


def test_budget_exhausted_fails_items_with_a_clear_error(
    catalog, model, settings, django_capture_on_commit_callbacks
):
    settings.LLMSHOP = {**settings.LLMSHOP, "DAILY_BUDGETS": {"content": 0}}
    job = run_job("seo", catalog[:2], django_capture_on_commit_callbacks)
    assert job.status == "failed" and job.failed == 2
    assert all("BudgetExceededError" in d.error for d in job.drafts.all())
    assert model.requests == []


def test_the_periodic_task_resumes_stale_jobs_through_the_sweeper(monkeypatch):
    from django_llmshop import sweeper
    from django_llmshop.content import tasks

    seen = []
    monkeypatch.setitem(sweeper._sweepers, "content_jobs", lambda: seen.append(1) or [7])
    monkeypatch.setitem(sweeper._sweepers, "other", lambda: seen.append(2) or [])
    tasks.resume_stale_jobs()
    assert seen == [1]

"""A generation job survives a database that is locked for a while: no reply is lost, no draft
fails for it, and the job never stays running once its drafts are finished."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from django_llmshop import taskretry
from django_llmshop.content import generation
from django_llmshop.content.models import Draft, GenerationJob
from django_llmshop.content.tasks import generate_chunk
from django_llmshop.models import LLMCall

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(taskretry.time, "sleep", lambda seconds: None)


def locked_for(monkeypatch: pytest.MonkeyPatch, name: str, times: int) -> list[int]:
    """Make ``generation.<name>`` fail with "database is locked" its first ``times`` calls."""
    real = getattr(generation, name)
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(generation, name, flaky)
    return calls


def new_job(catalog: list[Any]) -> tuple[GenerationJob, list[list[object]]]:
    job = GenerationJob.objects.create(
        kind="description",
        product_ids=[str(p.pk) for p in catalog],
        options={"languages": ["en"]},
        total=len(catalog),
    )
    return job, [[str(p.pk), "en", 1] for p in catalog]


def assert_finished(job: GenerationJob, catalog: list[Any]) -> None:
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.DONE
    assert job.finished_at is not None
    assert job.done + job.failed == len(catalog)
    assert not Draft.objects.filter(job=job, status=Draft.Status.PENDING).exists()
    assert not Draft.objects.filter(job=job, error__icontains="locked").exists()


def test_a_reply_stored_while_the_database_is_locked_is_kept(
    catalog: list[Any], model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = locked_for(monkeypatch, "finish_draft", times=2)
    job, items = new_job(catalog)
    generate_chunk.apply(args=(job.pk, items)).get()
    assert_finished(job, catalog)
    assert len(stores) == len(catalog) + 2  # the same replies, stored on a later try
    assert LLMCall.objects.filter(purpose="content").count() == len(catalog)


def test_a_lock_longer_than_the_retries_in_process_retries_the_task(
    catalog: list[Any], model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = locked_for(monkeypatch, "finish_draft", times=4)  # every try of the first reply
    job, items = new_job(catalog)
    generate_chunk.apply(args=(job.pk, items)).get()
    assert_finished(job, catalog)
    # The draft left pending was generated again by the retried task; the others were kept.
    assert LLMCall.objects.filter(purpose="content").count() == len(catalog) + 1
    assert len(stores) == 4 + len(catalog)


def test_the_job_finishes_when_its_last_recounts_meet_a_lock(
    catalog: list[Any], model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, items = new_job(catalog)
    real = generation.refresh_job_counts
    failed: list[int] = []

    def recount(job_id: int) -> GenerationJob:
        finished = Draft.objects.filter(job_id=job_id).exclude(status="pending").count()
        # Once every draft is finished, the recounts fail five times: more than one try in
        # process allows, so the task ends with the error and is retried.
        if finished == len(catalog) and len(failed) < 5:
            failed.append(1)
            raise OperationalError("database is locked")
        return real(job_id)

    monkeypatch.setattr(generation, "refresh_job_counts", recount)
    generate_chunk.apply(args=(job.pk, items)).get()
    assert len(failed) == 5
    assert_finished(job, catalog)
    assert LLMCall.objects.filter(purpose="content").count() == len(catalog)


def test_a_lasting_database_error_is_not_retried(
    catalog: list[Any], model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("no such column: llmshop_content_draft.parts")

    monkeypatch.setattr(generation, "finish_draft", broken)
    job, items = new_job(catalog)
    generate_chunk.apply(args=(job.pk, items)).get()
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.FAILED  # every draft failed with the reason
    assert Draft.objects.filter(job=job, error__contains="no such column").count() == len(catalog)
    assert LLMCall.objects.filter(purpose="content").count() == len(catalog)

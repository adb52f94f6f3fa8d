"""Generating drafts: one item at a time, or many at once inside one task through the async client.

An item is (job, product, kind, language, variant). Its ``Draft`` row is claimed before the model
is called, so a task that is delivered twice (a worker killed mid-task) finds the row and never
makes a second draft; a draft that is still ``pending`` from a dead run is simply generated again.
Each draft is committed the moment it is ready, and the job's counters are recounted from the
drafts (not incremented), so they stay exact however many chunks run at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from django_llmshop.adapters import get_adapter
from django_llmshop.batch import run_batch
from django_llmshop.content.drafting import build_prompt, quality_gate, recheck_findings
from django_llmshop.content.factcheck.quality import failure_reason
from django_llmshop.content.models import Draft, GenerationJob, Kind
from django_llmshop.content.prompts import Prompt, text_of
from django_llmshop.content.summaries import MAX_REVIEWS, summarize_reviews
from django_llmshop.gateway import AsyncPurposeLLM
from django_llmshop.llm import BudgetExceededError, LLMError, LLMResponseError
from django_llmshop.taskretry import is_transient, with_db_retries
from django_llmshop.text import clean_json, clean_text

logger = logging.getLogger("django_llmshop.content")

#: Seconds between recounts of a job's progress while a chunk runs (and always at its end).
COUNT_INTERVAL = 0.5


@dataclass(frozen=True)
class Item:
    product_id: str
    language: str
    variant: int


def job_items(job: GenerationJob) -> list[Item]:
    """Every item a job must produce, in a stable order."""
    languages = job.options.get("languages") or [job.options.get("language") or "en"]
    variants = int(job.options.get("variants", 1)) if job.kind == Kind.MARKETING else 1
    return [
        Item(str(pid), str(lang), v)
        for pid in job.product_ids
        for lang in languages
        for v in range(1, variants + 1)
    ]


def claim_draft(
    job: GenerationJob | None, product_type: ContentType, kind: str, item: Item, note: str = ""
) -> tuple[Draft, bool]:
    """The item's draft row, and whether it still needs generating."""
    key = {
        "job": job,
        "product_type": product_type,
        "product_id": item.product_id,
        "kind": kind,
        "language": item.language,
        "variant": item.variant,
    }
    try:
        with transaction.atomic():
            draft, created = Draft.objects.get_or_create(**key, defaults={"note": note})
    except IntegrityError:  # another delivery of the same task claimed it a moment ago
        draft, created = Draft.objects.get(**key), False
    return draft, created or draft.status == Draft.Status.PENDING


def finish_draft(
    draft: Draft, product: models.Model, parsed: dict[str, Any], options: dict[str, Any]
) -> Draft:
    """Store a successful reply on the draft: text, parts, fact check, host fingerprint."""
    adapter = get_adapter()
    draft.parts = parsed
    draft.text = text_of(draft.kind, parsed, options)
    recheck_findings(draft, options, product)
    roles, language = draft.target_roles, draft.language
    # The host text in the draft's own language: a draft of another language does not conflict.
    draft.source_texts = {role: adapter.get_text_in(product, role, language) for role in roles}
    draft.source_fingerprint = adapter.texts_fingerprint_in(product, roles, language)
    # A reply still failing the quality gate after its second try is kept to be seen, failed.
    draft.error = failure_reason(draft.findings)
    draft.status = Draft.Status.FAILED if draft.error else Draft.Status.READY
    draft.save()
    return draft


def fail_draft(draft: Draft, error: BaseException) -> None:
    draft.status = Draft.Status.FAILED
    draft.error = clean_text(f"{type(error).__name__}: {error}")[:2000]
    draft.save(update_fields=["status", "error", "updated_at"])


def refresh_job_counts(job_id: int) -> GenerationJob:
    """Recount a job's progress from its drafts, and finish it when every item is finished."""
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().get(pk=job_id)
        counts = job.drafts.aggregate(
            done=Count(
                "id",
                filter=Q(
                    status__in=[Draft.Status.READY, Draft.Status.PUBLISHED, Draft.Status.REJECTED]
                ),
            ),
            failed=Count("id", filter=Q(status=Draft.Status.FAILED)),
        )
        job.done, job.failed = counts["done"], counts["failed"]
        job.heartbeat_at = timezone.now()
        if job.done + job.failed >= job.total and not job.finished:
            job.status = (
                GenerationJob.Status.DONE
                if job.done or not job.total
                else GenerationJob.Status.FAILED
            )
            job.finished_at = timezone.now()
        job.save(update_fields=["done", "failed", "heartbeat_at", "status", "finished_at"])
    return job


# --- batches --------------------------------------------------------------------------------


def _claim(job: GenerationJob, item: Item) -> tuple[Draft, bool]:
    adapter = get_adapter()
    product_type = ContentType.objects.get_for_model(adapter.product_model())
    return claim_draft(job, product_type, job.kind, item)


Task = Callable[[AsyncPurposeLLM], Awaitable[dict[str, Any]]]


def prepare(draft: Draft, options: dict[str, Any]) -> tuple[models.Model, Task] | None:
    """Read what the model call needs (here, in a database thread); None if the product is gone."""
    product = draft.product
    if product is None:
        fail_draft(draft, LookupError(f"product {draft.product_id} no longer exists"))
        return None
    if draft.kind == Kind.REVIEW_SUMMARY:
        adapter = get_adapter()
        facts = adapter.product_facts(product)
        reviews = adapter.product_reviews(product, limit=MAX_REVIEWS)

        async def summary(llm: AsyncPurposeLLM) -> dict[str, Any]:
            return await summarize_reviews(
                llm, facts, reviews, language=draft.language, note=draft.note, obj=product
            )

        return product, summary
    prompt = build_prompt(draft, product, options)
    gate = quality_gate(draft, product, options)

    async def ask(llm: AsyncPurposeLLM, prompt: Prompt) -> dict[str, Any]:
        result = await llm.chat(
            prompt.messages,
            obj=product,
            response_format=prompt.response_format(llm.endpoint),
            temperature=options.get("temperature"),
        )
        if not isinstance(result.parsed, dict):
            raise LLMResponseError("the reply is not a JSON object")
        return result.parsed

    async def copy(llm: AsyncPurposeLLM) -> dict[str, Any]:
        parsed = await ask(llm, prompt)
        note = gate(parsed)
        if note:  # failed the quality gate: once more, told what was wrong
            try:
                parsed = await ask(llm, prompt.with_note(note))
            except LLMError as exc:  # the first reply stays, to fail with the gate's reason
                logger.warning("Draft %s: the second try failed: %s", draft.pk, exc)
        return parsed

    return product, copy


def generate_drafts(
    drafts: Iterable[Draft], options: dict[str, Any], job_id: int | None = None
) -> None:
    """Generate drafts concurrently; each is saved the moment its reply arrives.

    ``drafts`` is consumed lazily, one draft at a time, so that the first calls are in flight
    while later drafts are still being claimed and prepared.
    """
    prepared: dict[int, tuple[Draft, models.Model]] = {}
    seen: list[Draft] = []
    # A write the database refused for a moment (locked, lost connection) leaves its draft
    # pending, not failed: the task raises it at the end and is retried (taskretry).
    transient: list[DatabaseError] = []

    def tasks() -> Iterator[tuple[int, Task]]:
        for draft in drafts:
            seen.append(draft)
            try:
                ready = prepare(draft, options)
            except Exception as exc:  # noqa: BLE001 - the draft ends as failed with the reason
                logger.exception("Draft %s could not be prepared", draft.pk)
                fail_draft(draft, exc)
                continue
            if ready is not None:
                prepared[draft.pk] = (draft, ready[0])
                yield draft.pk, ready[1]

    last_count = 0.0

    def store(draft_pk: int, value: Any) -> None:
        nonlocal last_count
        draft, product = prepared[draft_pk]
        tries = 1 if transient else 4  # the database stayed busy: fail fast, the task retries
        try:
            with_db_retries(lambda: _store(draft, product, value, options), attempts=tries)
            # Recounting locks the job row: often enough for a live progress bar, no more.
            if job_id is not None and time.monotonic() - last_count >= COUNT_INTERVAL:
                with_db_retries(lambda: refresh_job_counts(job_id), attempts=tries)
                last_count = time.monotonic()
        except DatabaseError as exc:
            if not is_transient(exc):
                raise
            logger.warning("Draft %s left pending: %s", draft.pk, exc)
            draft.status = Draft.Status.PENDING
            transient.append(exc)

    try:
        run_batch("content", tasks(), store)
    except BudgetExceededError as exc:  # used up before the batch started
        _fail_unfinished([*seen, *drafts], exc)
    except Exception as exc:  # noqa: BLE001 - every draft still pending ends as failed, logged
        if isinstance(exc, DatabaseError) and is_transient(exc):
            raise  # the drafts stay pending for the task's retry
        logger.exception("A content batch stopped")
        _fail_unfinished([*seen, *drafts], exc)
    if job_id is not None:
        with_db_retries(lambda: refresh_job_counts(job_id))
    if transient:
        raise transient[0]


def _store(draft: Draft, product: models.Model, value: Any, options: dict[str, Any]) -> None:
    """Save one reply (or the error instead of it) on its draft."""
    if isinstance(value, BaseException):
        # A provider failure is expected now and then; anything else is a bug to look at.
        logger.warning("Draft %s failed: %r", draft.pk, value, exc_info=_unexpected(value))
        fail_draft(draft, value)
        return
    try:
        with transaction.atomic():  # a failed save leaves the connection usable
            finish_draft(draft, product, clean_json(value), options)
    except Exception as exc:  # noqa: BLE001 - the draft ends as failed with the reason
        if isinstance(exc, DatabaseError) and is_transient(exc):
            raise  # tried again by the caller
        logger.exception("Draft %s could not be stored", draft.pk)
        fail_draft(draft, exc)


def _unexpected(error: BaseException) -> bool:
    return not isinstance(error, LLMError)


def _fail_unfinished(drafts: list[Draft], error: BaseException) -> None:
    for draft in drafts:
        if draft.status == Draft.Status.PENDING:
            fail_draft(draft, error)


def run_items(job_id: int, items: list[Item]) -> GenerationJob:
    """Run a chunk of a job to the end (the body of the chunk task)."""
    job = GenerationJob.objects.get(pk=job_id)
    if job.status == GenerationJob.Status.CANCELLED:
        return job
    if job.status == GenerationJob.Status.PENDING:
        GenerationJob.objects.filter(pk=job_id, status=GenerationJob.Status.PENDING).update(
            status=GenerationJob.Status.RUNNING, started_at=timezone.now()
        )
        job.refresh_from_db()
    claimed = (_claim(job, item) for item in items)
    generate_drafts((draft for draft, needed in claimed if needed), job.options, job.pk)
    return with_db_retries(lambda: refresh_job_counts(job_id))


def regenerate_one(draft_id: int) -> None:
    """Generate one existing draft again (after a reviewer's note)."""
    draft = Draft.objects.select_related("job").get(pk=draft_id)
    if draft.status != Draft.Status.PENDING:
        return  # already done by an earlier delivery
    generate_drafts([draft], draft.job.options if draft.job else {}, draft.job_id)

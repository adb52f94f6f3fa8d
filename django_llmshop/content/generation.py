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
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Length
from django.utils import timezone

from django_llmshop.adapters import ProductFacts, get_adapter
from django_llmshop.batch import run_batch
from django_llmshop.content.factcheck import Facts, check_text
from django_llmshop.content.models import Draft, GenerationJob, Kind
from django_llmshop.content.prompts import Prompt, product_prompt, text_of
from django_llmshop.content.summaries import MAX_REVIEWS, summarize_reviews
from django_llmshop.gateway import AsyncPurposeLLM
from django_llmshop.llm import BudgetExceededError, LLMError, LLMResponseError

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


def few_shot_examples(product: models.Model, limit: int = 2) -> list[str]:
    """The shop's longest existing descriptions of other products, as examples of its style."""
    adapter = get_adapter()
    field = adapter.field_name("description")
    if not field:
        return []
    queryset = (
        adapter.product_model()
        ._default_manager.exclude(pk=product.pk)
        .annotate(_length=Length(field))
        .filter(_length__gte=200)
        .order_by("-_length")
        .values_list(field, flat=True)[:limit]
    )
    return [str(text)[:1200] for text in queryset]


def _facts_for_check(facts: ProductFacts, extra_texts: list[str]) -> Facts:
    return Facts.from_product(
        name=facts.name,
        category=facts.category,
        price=facts.price,
        currency=facts.currency,
        attributes=facts.attributes,
        texts=[t for t in [facts.description, *extra_texts] if t],
    )


def build_prompt(draft: Draft, product: models.Model, options: dict[str, Any]) -> Prompt:
    adapter = get_adapter()
    facts = adapter.product_facts(product)
    examples = few_shot_examples(product) if options.get("few_shot") else []
    current = adapter.get_text(product, "description") if draft.kind == Kind.DESCRIPTION else ""
    return product_prompt(
        draft.kind,
        facts,
        language=draft.language,
        options=options,
        variant=draft.variant,
        note=draft.note,
        current=current,
        examples=examples,
    )


def finish_draft(
    draft: Draft, product: models.Model, parsed: dict[str, Any], options: dict[str, Any]
) -> Draft:
    """Store a successful reply on the draft: text, parts, fact check, host fingerprint."""
    adapter = get_adapter()
    draft.parts = parsed
    draft.text = text_of(draft.kind, parsed, options)
    recheck_findings(draft, options, product)
    roles = draft.target_roles
    draft.source_texts = {role: adapter.get_text(product, role) for role in roles}
    draft.source_fingerprint = adapter.texts_fingerprint(product, roles)
    draft.status = Draft.Status.READY
    draft.error = ""
    draft.save()
    return draft


def recheck_findings(
    draft: Draft, options: dict[str, Any] | None = None, product: models.Model | None = None
) -> None:
    """Run the fact check on the draft's current text (again, after a reviewer's edit)."""
    if draft.kind == Kind.REVIEW_SUMMARY:
        return
    product = product if product is not None else draft.product
    if product is None:
        return
    options = options if options is not None else (draft.job.options if draft.job else {})
    promotion = str(options.get("promotion", "")).strip()
    facts = _facts_for_check(get_adapter().product_facts(product), [promotion] if promotion else [])
    draft.findings = [f.to_dict() for f in check_text(draft.text, facts, language=draft.language)]


def fail_draft(draft: Draft, error: BaseException) -> None:
    draft.status = Draft.Status.FAILED
    draft.error = f"{type(error).__name__}: {error}"[:2000]
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

    async def copy(llm: AsyncPurposeLLM) -> dict[str, Any]:
        result = await llm.achat(
            prompt.messages,
            obj=product,
            response_format=prompt.response_format(llm.endpoint),
            temperature=options.get("temperature"),
        )
        if not isinstance(result.parsed, dict):
            raise LLMResponseError("the reply is not a JSON object")
        return result.parsed

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

    def tasks() -> Iterator[tuple[int, Task]]:
        for draft in drafts:
            seen.append(draft)
            ready = prepare(draft, options)
            if ready is not None:
                prepared[draft.pk] = (draft, ready[0])
                yield draft.pk, ready[1]

    last_count = 0.0

    def store(draft_pk: int, value: Any) -> None:
        nonlocal last_count
        draft, product = prepared[draft_pk]
        if isinstance(value, LLMError):
            logger.warning("Draft %s failed: %s", draft.pk, value)
            fail_draft(draft, value)
        else:
            finish_draft(draft, product, value, options)
        # Recounting locks the job row: often enough for a live progress bar, no more.
        if job_id is not None and time.monotonic() - last_count >= COUNT_INTERVAL:
            refresh_job_counts(job_id)
            last_count = time.monotonic()

    try:
        run_batch("content", tasks(), store)
    except BudgetExceededError as exc:  # used up before the batch started
        for draft in [*seen, *drafts]:
            if draft.status == Draft.Status.PENDING:
                fail_draft(draft, exc)
    if job_id is not None:
        refresh_job_counts(job_id)


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
    return refresh_job_counts(job_id)


def regenerate_one(draft_id: int) -> None:
    """Generate one existing draft again (after a reviewer's note)."""
    draft = Draft.objects.select_related("job").get(pk=draft_id)
    if draft.status != Draft.Status.PENDING:
        return  # already done by an earlier delivery
    generate_drafts([draft], draft.job.options if draft.job else {}, draft.job_id)

"""The content sub-app's operations: start jobs, regenerate, resume stale jobs; review actions.

Views, admin, API and tasks call these; they never call the model themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_llmshop.adapters import UnmappedLanguage, get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.content.generation import Item, job_items, refresh_job_counts
from django_llmshop.content.models import TARGET_ROLES, Draft, GenerationJob, Kind
from django_llmshop.content.prompts import CHANNELS
from django_llmshop.content.publishing import (
    ContentConflict,
    ContentError,
    FindingsNotConfirmed,
    edit_draft,
    publish_draft,
    reject_draft,
    revert_version,
)
from django_llmshop.content.tasks import enqueue_chunk, enqueue_regeneration

__all__ = [
    "ContentConflict", "ContentError", "FindingsNotConfirmed", "edit_draft", "publish_draft",
    "reject_draft", "revert_version", "start_job", "regenerate_draft", "resume_stale_jobs",
    "estimate_job", "clean_options",
]  # fmt: skip

#: Items per chunk task, at least: small enough to spread over worker processes, big enough to
#: batch. Chunks hold several rounds of the endpoint's MAX_CONCURRENCY, so that a chunk's last
#: round (which cannot fill every slot) is a small part of it.
CHUNK_SIZE = 25
ROUNDS_PER_CHUNK = 8
#: A running job whose drafts have not moved for this long is resumed (or failed).
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3
#: Rough prompt and reply sizes in tokens, for the cost estimate before a job starts.
ESTIMATED_TOKENS: dict[str, tuple[int, int]] = {
    Kind.DESCRIPTION: (450, 300),
    Kind.SEO: (350, 80),
    Kind.MARKETING: (450, 200),
    Kind.REVIEW_SUMMARY: (1500, 200),
}


def clean_options(kind: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """Validate a job's options; raises ValueError with a message a person can act on."""
    options = dict(options or {})
    languages = options.get("languages") or [options.get("language") or "en"]
    if isinstance(languages, str):
        languages = [languages]
    allowed = list(llmshop_settings.LANGUAGES)
    unknown = [lang for lang in languages if lang not in allowed]
    if unknown:
        raise ValueError(f"Languages {unknown} are not in LLMSHOP['LANGUAGES'] ({allowed}).")
    options["languages"] = list(languages)
    options.pop("language", None)
    _check_language_fields(kind, options["languages"])
    source = options.get("translate_from")
    if source is not None:
        _check_translation(kind, str(source), options["languages"], allowed)
    if kind == Kind.MARKETING:
        channel = options.setdefault("channel", "product_page")
        if channel not in CHANNELS:
            raise ValueError(f"Unknown channel {channel!r}; choose one of {', '.join(CHANNELS)}.")
        variants = int(options.get("variants", 1))
        if not 1 <= variants <= 5:
            raise ValueError(_("Between 1 and 5 variants per product."))
        options["variants"] = variants
    if options.get("length", "medium") not in ("short", "medium", "long"):
        raise ValueError(_("Length is short, medium or long."))
    return options


def _check_language_fields(kind: str, languages: list[str]) -> None:
    """Refuse a language the shop keeps the kind's texts per language in, but has no field for."""
    adapter = get_adapter()
    model = adapter.product_model()
    for role in TARGET_ROLES.get(kind, []):
        for language in languages:
            try:
                adapter.field_for(model, role, language)
            except UnmappedLanguage as exc:
                raise ValueError(str(exc)) from exc


def _check_translation(kind: str, source: str, languages: list[str], allowed: list[str]) -> None:
    if kind not in (Kind.DESCRIPTION, Kind.SEO):
        raise ValueError(_("Only descriptions and SEO texts can be translated."))
    if source not in allowed:
        raise ValueError(f"Language {source!r} is not in LLMSHOP['LANGUAGES'] ({allowed}).")
    if source in languages:
        raise ValueError(_("Translate into languages other than the one translated from."))
    _check_language_fields(kind, [source])


def estimate_job(kind: str, product_count: int, options: dict[str, Any]) -> dict[str, Any]:
    """Calls, tokens and cost a job will roughly take, at the content endpoint's prices."""
    calls = product_count * len(options.get("languages", ["en"])) * int(options.get("variants", 1))
    tokens_in, tokens_out = ESTIMATED_TOKENS.get(kind, (400, 200))
    endpoint = llmshop_settings.endpoint_for("content")
    return {
        "calls": calls,
        "tokens_in": calls * tokens_in,
        "tokens_out": calls * tokens_out,
        "cost": endpoint.cost(calls * tokens_in, calls * tokens_out),
        "endpoint": endpoint.alias,
        "model": endpoint.model,
    }


def start_job(
    kind: str,
    product_ids: Iterable[Any],
    options: dict[str, Any] | None = None,
    user: Any = None,
    *,
    chunk_size: int | None = None,
) -> GenerationJob:
    """Create a job and queue its chunks once the surrounding transaction commits."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind {kind!r}; choose one of {', '.join(Kind.values)}.")
    ids = list(dict.fromkeys(str(pid) for pid in product_ids))
    if not ids:
        raise ValueError(_("Select at least one product."))
    options = clean_options(kind, options)
    job = GenerationJob.objects.create(
        kind=kind, options=options, product_ids=ids, created_by=user if user and user.pk else None
    )
    job.total = len(job_items(job))
    job.save(update_fields=["total"])
    if chunk_size is None:
        concurrency = llmshop_settings.endpoint_for("content").max_concurrency
        chunk_size = max(CHUNK_SIZE, ROUNDS_PER_CHUNK * concurrency)
    _queue_chunks(job, job_items(job), chunk_size)
    return job


def _queue_chunks(job: GenerationJob, items: list[Item], chunk_size: int = CHUNK_SIZE) -> None:
    for start in range(0, len(items), chunk_size):
        chunk = [[i.product_id, i.language, i.variant] for i in items[start : start + chunk_size]]
        enqueue_chunk(job.pk, chunk)


def regenerate_draft(draft: Draft, note: str, user: Any) -> Draft:
    """Generate a draft again with a note to the model; the same row is reused."""
    if draft.status == Draft.Status.PUBLISHED:
        raise ContentError(_("A published draft cannot be regenerated; revert it first."))
    draft.note = note
    draft.status = Draft.Status.PENDING
    draft.error = ""
    draft.save(update_fields=["note", "status", "error", "updated_at"])
    enqueue_regeneration(draft.pk)
    return draft


def unfinished_items(job: GenerationJob) -> list[Item]:
    finished = set(
        job.drafts.exclude(status=Draft.Status.PENDING).values_list(
            "product_id", "language", "variant"
        )
    )
    return [i for i in job_items(job) if (i.product_id, i.language, i.variant) not in finished]


def resume_stale_jobs(now: Any = None) -> list[int]:
    """Re-queue jobs whose progress stopped (a worker died); fail those tried too often."""
    now = now or timezone.now()
    resumed = []
    stale = GenerationJob.objects.filter(
        status__in=[GenerationJob.Status.PENDING, GenerationJob.Status.RUNNING],
        created_at__lt=now - STALE_AFTER,
    )
    for job in stale:
        last = job.heartbeat_at or job.started_at or job.created_at
        if last > now - STALE_AFTER:
            continue
        job = refresh_job_counts(job.pk)
        if job.finished:
            continue
        if job.attempts + 1 >= MAX_ATTEMPTS:
            job.drafts.filter(status=Draft.Status.PENDING).update(
                status=Draft.Status.FAILED, error="Generation stopped and was not resumed."
            )
            refresh_job_counts(job.pk)
            GenerationJob.objects.filter(pk=job.pk).update(
                status=GenerationJob.Status.FAILED,
                finished_at=now,
                error="The job stopped making progress and was given up.",
            )
            continue
        GenerationJob.objects.filter(pk=job.pk).update(attempts=job.attempts + 1, heartbeat_at=now)
        with transaction.atomic():
            _queue_chunks(job, unfinished_items(job))
        resumed.append(job.pk)
    return resumed

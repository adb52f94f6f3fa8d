"""Replies drafted by the model for staff, from the conversation and the sources it cited.

Staff ask for one in the inbox; a task writes it (purpose "support", through the gateway) and
the inbox puts it in the editable reply field. Nothing reaches the shopper until staff send
it. A draft that fails (endpoint down, budget used up, empty answer) ends as failed with the
reason, and the inbox says so.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import llm_for
from django_llmshop.llm import LLMError
from django_llmshop.support import prompts, retrieval
from django_llmshop.support.models import (
    Conversation,
    KnowledgeChunk,
    Message,
    ReplySuggestion,
)
from django_llmshop.support.sources import SourceList
from django_llmshop.text import clean_text

logger = logging.getLogger("django_llmshop.support")

SYSTEM_TEMPLATE = "django_llmshop/support/prompts/staff_suggestion.txt"
KNOWLEDGE_KINDS = ("policy", "faq", "page")
MAX_SOURCE_CHARS = 1500
ROLE_NAMES: dict[str, str] = {
    Message.Role.USER: "Shopper",
    Message.Role.ASSISTANT: "Assistant",
    Message.Role.STAFF: "Support team",
}


def _cited_text(citation: dict[str, Any]) -> str:
    """The passage a knowledge citation points at (the citation keeps only title and URL)."""
    title, url = str(citation.get("title") or ""), str(citation.get("url") or "")
    chunks = KnowledgeChunk.objects.filter(document__published=True).filter(
        Q(heading=title) | Q(document__title=title)
    )
    if url:
        chunks = chunks.filter(document__url=url)
    chunk = chunks.order_by("document_id", "ordinal").first()
    return chunk.text if chunk is not None else ""


def gather_sources(conversation: Conversation, question: str) -> SourceList:
    """The sources the assistant cited in this conversation, then passages for ``question``."""
    sources = SourceList()
    replies = conversation.messages.filter(role=Message.Role.ASSISTANT, status=Message.Status.DONE)
    for citations in replies.order_by("pk").values_list("citations", flat=True):
        for citation in citations or []:
            if not isinstance(citation, dict):
                continue
            kind = str(citation.get("kind") or "")
            text = _cited_text(citation) if kind in KNOWLEDGE_KINDS else ""
            title, url = str(citation.get("title") or ""), str(citation.get("url") or "")
            sources.add(kind, title, url, text[:MAX_SOURCE_CHARS])
    if question:
        for hit in retrieval.search(question):
            sources.add(hit.kind, hit.heading or hit.title, hit.url, hit.text[:MAX_SOURCE_CHARS])
    return sources


def transcript(conversation: Conversation) -> tuple[str, str]:
    """The conversation as plain text (newest kept within ``CHAT_HISTORY_CHARS``) and the
    shopper's last message."""
    budget = int(llmshop_settings.CHAT_HISTORY_CHARS)
    lines: list[str] = []
    question = ""
    messages = conversation.messages.filter(role__in=list(ROLE_NAMES)).order_by("-pk")[:60]
    for message in messages:
        if message.role == Message.Role.ASSISTANT and message.status != Message.Status.DONE:
            continue
        if message.role == Message.Role.USER and not question:
            question = message.content
        line = f"{ROLE_NAMES[message.role]}: {message.content.strip()}"
        budget -= len(line)
        if budget < 0:
            break
        lines.append(line)
    lines.reverse()
    return "\n\n".join(lines), question


def suggestion_messages(conversation: Conversation) -> list[dict[str, Any]]:
    text, question = transcript(conversation)
    sources = gather_sources(conversation, question)
    system = render_to_string(
        SYSTEM_TEMPLATE,
        {
            "shop_name": get_adapter().shop_name(),
            "brand_voice": llmshop_settings.BRAND_VOICE,
            "language_name": prompts.language_name(conversation.language),
            "sources": [
                {"title": s.title, "url": s.url, "text": s.text.replace("</", "<\\/")}
                for s in sources.sources
            ],
        },
    ).strip()
    quoted = text.replace("</", "<\\/")  # the shopper's text cannot close the block
    user = (
        f"<conversation>\n{quoted}\n</conversation>\n\n"
        "Write the support team's next reply to the shopper."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _end(suggestion_id: int, **fields: Any) -> None:
    ReplySuggestion.objects.filter(pk=suggestion_id, status=ReplySuggestion.Status.PENDING).update(
        finished_at=timezone.now(), **fields
    )


def draft_suggestion(suggestion_id: int) -> bool:
    """Write pending draft ``suggestion_id``; False when there was nothing to do."""
    suggestion = (
        ReplySuggestion.objects.select_related("conversation")
        .filter(pk=suggestion_id, status=ReplySuggestion.Status.PENDING)
        .first()
    )
    if suggestion is None:
        return False
    conversation = suggestion.conversation
    failed = ReplySuggestion.Status.FAILED
    try:
        with override(conversation.language or None):
            messages = suggestion_messages(conversation)
        result = llm_for("support", obj=conversation).chat(
            messages, max_tokens=int(llmshop_settings.CHAT_MAX_REPLY_TOKENS)
        )
    except LLMError as exc:
        logger.warning("reply suggestion %s failed: %r", suggestion_id, exc)
        _end(suggestion_id, status=failed, error=f"{type(exc).__name__}: {exc}"[:2000])
        return True
    except Exception as exc:  # noqa: BLE001 - the draft ends as failed; the log has the traceback
        logger.exception("reply suggestion %s failed", suggestion_id)
        _end(suggestion_id, status=failed, error=f"{type(exc).__name__}: {exc}"[:2000])
        return True
    text = clean_text(result.text or "").strip()
    if not text:
        _end(suggestion_id, status=failed, error="The model wrote an empty draft.")
    else:
        _end(suggestion_id, status=ReplySuggestion.Status.DONE, text=text)
    return True


def expire_if_stale(suggestion: ReplySuggestion) -> ReplySuggestion:
    """A draft pending for longer than ``CHAT_REPLY_TIMEOUT`` (its worker died) is failed."""
    age = (timezone.now() - suggestion.created_at).total_seconds()
    if suggestion.status == ReplySuggestion.Status.PENDING and age > float(
        llmshop_settings.CHAT_REPLY_TIMEOUT
    ):
        _end(suggestion.pk, status=ReplySuggestion.Status.FAILED, error="No worker wrote it.")
        suggestion.refresh_from_db()
    return suggestion

"""Telling staff about a handoff: what they are told, and the email to those who receive it.

Only the handed-off conversation is described: its id, the admin link, the reason, when the
request was made and an excerpt of the shopper's last message, never any other shopper's data
(nor the shopper's name or email address).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import override

from django_llmshop.conf import llmshop_settings
from django_llmshop.support.models import Handoff, Message
from django_llmshop.text import clean_text

logger = logging.getLogger("django_llmshop.support.handoffs")

#: Staff holding this permission (and superusers) are emailed about each handoff.
PERMISSION = "llmshop_support.receive_handoff_notifications"
EXCERPT_CHARS = 300
EMAIL_RETRIES = 3
EMAIL_RETRY_SECONDS = 60


@dataclass(frozen=True)
class HandoffSummary:
    handoff_id: int
    conversation_id: int
    reason: str
    waiting_since: datetime
    admin_url: str
    last_shopper_message: str
    language: str
    topic: str


def admin_url(conversation_id: int) -> str:
    """The conversation in the staff inbox, absolute when ``CHAT_ADMIN_BASE_URL`` is set."""
    try:
        path = reverse("admin:llmshop_support_conversation_change", args=[conversation_id])
    except NoReverseMatch:  # the host has no admin under the usual namespace
        return ""
    base = llmshop_settings.CHAT_ADMIN_BASE_URL
    return f"{str(base).rstrip('/')}{path}" if base else path


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summarise(handoff: Handoff) -> HandoffSummary:
    conversation = handoff.conversation
    last: str = (
        Message.objects.filter(conversation=conversation, role=Message.Role.USER)
        .order_by("-pk")
        .values_list("content", flat=True)
        .first()
        or ""
    )
    return HandoffSummary(
        handoff_id=handoff.pk,
        conversation_id=conversation.pk,
        reason=excerpt(handoff.reason, 1000),
        waiting_since=handoff.created_at,
        admin_url=admin_url(conversation.pk),
        last_shopper_message=excerpt(last),
        language=conversation.language,
        topic=conversation.topic,
    )


def recipients() -> list[Any]:
    """Active staff users with an email address who hold :data:`PERMISSION` (or are
    superusers), in a stable order."""
    users: Any = get_user_model()._default_manager
    found: list[Any]
    try:
        found = list(users.with_perm(PERMISSION, is_active=True, include_superusers=True))
    except (ValueError, TypeError):  # several backends, or one that cannot list users
        found = [u for u in users.filter(is_active=True, is_staff=True) if u.has_perm(PERMISSION)]
    email_field = get_user_model().get_email_field_name()
    chosen = [u for u in found if u.is_staff and getattr(u, email_field, None)]
    return sorted(chosen, key=lambda user: user.pk)


def build_emails(summary: HandoffSummary, users: list[Any]) -> list[EmailMessage]:
    """One email per recipient, so staff addresses are not shown to each other."""
    email_field = get_user_model().get_email_field_name()
    with override(settings.LANGUAGE_CODE):
        context = {"summary": summary}
        subject = " ".join(
            render_to_string("django_llmshop/support/email/handoff_subject.txt", context).split()
        )
        body = render_to_string("django_llmshop/support/email/handoff_body.txt", context)
    return [EmailMessage(subject, body, to=[getattr(user, email_field)]) for user in users]


def email_staff(handoff_id: int) -> int:
    """Email the handoff to its recipients once; returns how many emails were sent.

    The handoff is marked notified before sending, so a redelivered task sends nothing; when
    sending fails the mark is removed again and the error raised for a retry.
    """
    now = timezone.now()
    if not Handoff.objects.filter(pk=handoff_id, notified_at__isnull=True).update(notified_at=now):
        return 0
    handoff = Handoff.objects.select_related("conversation").get(pk=handoff_id)
    emails = build_emails(summarise(handoff), recipients())
    if not emails:
        logger.warning("Handoff %s: no staff user can receive handoff emails", handoff_id)
        return 0
    try:
        sent = int(get_connection().send_messages(emails) or 0)
    except (smtplib.SMTPException, OSError):
        Handoff.objects.filter(pk=handoff_id).update(notified_at=None)
        raise
    return sent


def run_email(task: Any, handoff_id: int) -> int:
    """The email task's body: a mail server error is retried, then logged."""
    if not llmshop_settings.CHAT_HANDOFF_EMAIL:
        return 0
    try:
        return email_staff(handoff_id)
    except (smtplib.SMTPException, OSError) as exc:
        attempt = int(task.request.retries or 0)
        if attempt < EMAIL_RETRIES:
            raise task.retry(countdown=EMAIL_RETRY_SECONDS * 2**attempt, exc=exc) from exc
        logger.error(
            "Handoff %s: emailing staff failed %d times, giving up: %r",
            handoff_id,
            attempt + 1,
            exc,
        )
        return 0

"""The handoff webhook: a JSON POST signed with HMAC-SHA256, retried with backoff.

Each delivery carries::

    X-Llmshop-Event: handoff.requested
    X-Llmshop-Delivery: handoff-<id>          the same for every retry of one handoff
    X-Llmshop-Timestamp: <unix seconds>       also the body's "timestamp", which is signed
    X-Llmshop-Signature: sha256=<hex>         HMAC-SHA256 of the raw body with the secret

A receiver checks the header with :func:`verify_signature` (or the same few lines of its own)
on the raw body, before it parses it. Network errors, 429 and 5xx answers are retried up to
``CHAT_HANDOFF_WEBHOOK_RETRIES`` times with growing, jittered delays; other answers, and the
last failure, are logged and given up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx

from django_llmshop.conf import llmshop_settings
from django_llmshop.support.models import Handoff
from django_llmshop.support.notify import HandoffSummary, summarise

logger = logging.getLogger("django_llmshop.support.handoffs")

EVENT = "handoff.requested"
SIGNATURE_HEADER = "X-Llmshop-Signature"
TIMESTAMP_HEADER = "X-Llmshop-Timestamp"
DELIVERY_HEADER = "X-Llmshop-Delivery"
EVENT_HEADER = "X-Llmshop-Event"
RETRY_BASE_SECONDS = 10.0
RETRY_CAP_SECONDS = 900.0


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    body: bytes,
    header: str | None,
    secret: str,
    *,
    max_age: float | None = None,
    now: float | None = None,
) -> bool:
    """Whether ``header`` (``X-Llmshop-Signature``) signs the raw ``body`` with ``secret``.

    With ``max_age`` (seconds), a delivery whose signed ``timestamp`` is older (or further in
    the future) than that is refused too, so a captured request cannot be replayed later.
    """
    if not header or not secret:
        return False
    expected = sign(body, secret).encode("ascii")
    if not hmac.compare_digest(expected, header.strip().encode("utf-8", "replace")):
        return False
    if max_age is None:
        return True
    try:
        sent = float(json.loads(body)["timestamp"])
    except (ValueError, KeyError, TypeError):
        return False
    return abs((time.time() if now is None else now) - sent) <= max_age


def payload(summary: HandoffSummary, timestamp: int) -> dict[str, Any]:
    return {
        "event": EVENT,
        "timestamp": timestamp,
        "handoff": {
            "id": summary.handoff_id,
            "reason": summary.reason,
            "waiting_since": summary.waiting_since.isoformat(),
        },
        "conversation": {
            "id": summary.conversation_id,
            "admin_url": summary.admin_url,
            "language": summary.language,
            "topic": summary.topic,
            "last_shopper_message": summary.last_shopper_message,
        },
    }


def build_request(summary: HandoffSummary, secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery attempt."""
    timestamp = int(time.time())
    body = json.dumps(payload(summary, timestamp), ensure_ascii=False, separators=(",", ":"))
    raw = body.encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "django-llmshop",
        EVENT_HEADER: EVENT,
        DELIVERY_HEADER: f"handoff-{summary.handoff_id}",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(raw, secret),
    }
    return raw, headers


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry: bool  # a failure worth another attempt
    detail: str


def deliver(handoff_id: int) -> Outcome:
    """One attempt to POST the handoff's notice to the webhook."""
    url = llmshop_settings.CHAT_HANDOFF_WEBHOOK_URL
    if not url:
        return Outcome(False, False, "no webhook URL is set")
    handoff = Handoff.objects.select_related("conversation").filter(pk=handoff_id).first()
    if handoff is None:
        return Outcome(False, False, "the handoff no longer exists")
    secret = str(llmshop_settings.CHAT_HANDOFF_WEBHOOK_SECRET or "")
    body, headers = build_request(summarise(handoff), secret)
    timeout = float(llmshop_settings.CHAT_HANDOFF_WEBHOOK_TIMEOUT)
    try:
        response = httpx.post(
            str(url), content=body, headers=headers, timeout=timeout, follow_redirects=False
        )
    except httpx.HTTPError as exc:
        return Outcome(False, True, f"{type(exc).__name__}: {exc}")
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(True, False, f"HTTP {status}")
    return Outcome(False, status >= 500 or status == 429, f"HTTP {status}")


def retry_delay(attempt: int) -> float:
    """Seconds before retry ``attempt`` + 1: 10 s, 20 s, 40 s ... up to 15 min, jittered."""
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**attempt)
    return float(ceiling * random.uniform(0.5, 1.0))


def run_delivery(task: Any, handoff_id: int) -> bool:
    """The webhook task's body: deliver, retry a retryable failure, log the last one."""
    if not llmshop_settings.CHAT_HANDOFF_WEBHOOK_URL:
        return False  # switched off since the task was queued
    outcome = deliver(handoff_id)
    if outcome.delivered:
        return True
    attempt = int(task.request.retries or 0)
    retries = int(llmshop_settings.CHAT_HANDOFF_WEBHOOK_RETRIES)
    if outcome.retry and attempt < retries:
        logger.warning(
            "Handoff %s: webhook attempt %d failed (%s); retrying",
            handoff_id,
            attempt + 1,
            outcome.detail,
        )
        raise task.retry(countdown=retry_delay(attempt), max_retries=retries)
    logger.error(
        "Handoff %s: webhook delivery failed after %d attempt(s), giving up: %s",
        handoff_id,
        attempt + 1,
        outcome.detail,
    )
    return False

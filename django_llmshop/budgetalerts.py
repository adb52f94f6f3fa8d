"""Budget alerts: sent once per budget, period and share, by e-mail to staff and as a signal.

A call whose cost takes a counter across a share in ``BUDGET_ALERT_SHARES`` creates a
``BudgetAlert`` row, unique per scope, period and share: of several processes crossing it at
once, one creates the row and the others get an ``IntegrityError``, so the alert goes out once.
It goes out when the row is committed, to active staff users holding the permission
``llmshop.receive_budget_alerts`` (superusers hold every permission), and as the signal
:data:`django_llmshop.signals.budget_threshold_reached`.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from django_llmshop.budgetlimits import Limit
from django_llmshop.budgetstore import Counter
from django_llmshop.conf import llmshop_settings
from django_llmshop.models import Budget, BudgetAlert
from django_llmshop.signals import budget_threshold_reached

logger = logging.getLogger("django_llmshop.budgets")

MICROS = 1_000_000
PERMISSION = "receive_budget_alerts"


def alert_crossings(
    limits: Sequence[Limit], counters: Sequence[Counter], totals: Sequence[int | None], cost: int
) -> None:
    """Alert for every share a call of ``cost`` took a counter across (``totals``: after it)."""
    shares = [Decimal(str(share)) for share in llmshop_settings.BUDGET_ALERT_SHARES]
    for limit, counter, total in zip(limits, counters, totals, strict=True):
        if total is None or counter.limit <= 0:
            continue
        before = total - cost
        for share in shares:
            mark = share * counter.limit
            if before < mark <= total:
                _record(limit, counter, share, Decimal(total) / MICROS)


def _record(limit: Limit, counter: Counter, share: Decimal, spent: Decimal) -> None:
    try:
        with transaction.atomic():
            BudgetAlert.objects.create(
                scope=counter.scope,
                period=counter.period,
                starts=counter.starts,
                share=share,
                spent=spent,
                limit=limit.amount,
            )
    except IntegrityError:  # another process crossed it at the same moment and sent it
        return
    transaction.on_commit(
        lambda: send_alert(limit.budget, share, spent, limit.amount, limit.period)
    )


def recipients() -> list[str]:
    """E-mail addresses of active staff users allowed to receive budget alerts."""
    permission = Permission.objects.filter(
        codename=PERMISSION, content_type__app_label=Budget._meta.app_label
    ).first()
    allowed = Q(is_superuser=True)
    if permission is not None:
        allowed |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    users = get_user_model()._default_manager.filter(allowed, is_active=True, is_staff=True)
    return sorted({email for email in users.values_list("email", flat=True) if email})


def send_alert(budget: Budget, share: Decimal, spent: Decimal, limit: Decimal, period: str) -> None:
    """Send the signal and the e-mail of one alert; a failure is logged, never raised."""
    arguments: dict[str, Any] = {
        "budget": budget,
        "share": share,
        "spent": spent,
        "limit": limit,
        "period": period,
    }
    for receiver, outcome in budget_threshold_reached.send_robust(sender=Budget, **arguments):
        if isinstance(outcome, Exception):
            logger.error("budget_threshold_reached receiver %r failed: %s", receiver, outcome)
    addresses = recipients()
    if not addresses:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(budget, share, spent, limit, period)
    try:
        send_mail(subject, body, None, addresses)
    except (OSError, smtplib.SMTPException) as exc:
        logger.error("the budget alert e-mail could not be sent: %s", exc)


def _message(
    budget: Budget, share: Decimal, spent: Decimal, limit: Decimal, period: str
) -> tuple[str, str]:
    values = {
        "purpose": budget.get_purpose_display(),
        "endpoint": budget.endpoint or _("every endpoint"),
        "percent": f"{share * 100:.0f}",
        "spent": f"{spent:.4f}",
        "limit": f"{limit:.4f}",
    }
    if period == "day":
        subject = _("LLM budget: %(percent)s%% of today's %(purpose)s budget spent") % values
        body = _(
            "Calls for %(purpose)s (%(endpoint)s) have spent %(spent)s of today's limit of "
            "%(limit)s."
        )
    else:
        subject = _("LLM budget: %(percent)s%% of this month's %(purpose)s budget spent") % values
        body = _(
            "Calls for %(purpose)s (%(endpoint)s) have spent %(spent)s of this month's limit of "
            "%(limit)s."
        )
    ending = _("Once the limit is reached, further calls are refused until the period ends.")
    return subject, f"{body % values}\n\n{ending}\n"

"""Core models: the LLM call log, budgets, their shared counters and the alerts sent."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PURPOSE_CHOICES = [
    ("support", _("Support chat")),
    ("content", _("Content")),
    ("recommend", _("Recommendations")),
    ("embedding", _("Embeddings")),
    ("other", _("Other")),
]


class LLMCall(models.Model):
    """One call to an LLM endpoint: what it cost, how long it took, how it ended.

    Never stores an API key. Prompt and reply excerpts are truncated and redacted according to
    ``LLMSHOP["LOG_PROMPTS"]``, ``LOG_EXCERPT_CHARS`` and ``LOG_REDACT_PATTERNS``.
    """

    class Status(models.TextChoices):
        OK = "ok", _("OK")
        ERROR = "error", _("Error")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=PURPOSE_CHOICES, db_index=True)
    endpoint = models.CharField(_("endpoint"), max_length=100)
    model = models.CharField(_("model"), max_length=200)
    operation = models.CharField(_("operation"), max_length=20)  # chat / stream / embed
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    error_class = models.CharField(_("error"), max_length=100, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    retries = models.PositiveSmallIntegerField(_("retries"), default=0)
    prompt_tokens = models.PositiveIntegerField(_("tokens in"), default=0)
    completion_tokens = models.PositiveIntegerField(_("tokens out"), default=0)
    # True when the endpoint reported no usage and the counts were estimated from the text.
    tokens_estimated = models.BooleanField(_("tokens estimated"), default=False)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=6, default=Decimal(0))
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    ttft_ms = models.PositiveIntegerField(_("time to first token (ms)"), null=True, blank=True)
    prompt_excerpt = models.TextField(_("prompt excerpt"), blank=True)
    response_excerpt = models.TextField(_("reply excerpt"), blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    served_object = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("LLM call")
        verbose_name_plural = _("LLM calls")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["purpose", "created_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.model} {self.status} ({self.latency_ms} ms)"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Budget(models.Model):
    """A daily and/or monthly spending cap for one purpose, on every endpoint or on one.

    Set in the admin; a limit given here wins over ``DAILY_BUDGETS`` / ``MONTHLY_BUDGETS`` for
    the purpose, and a blank limit leaves the setting's (see ``django_llmshop.budgets``).
    """

    purpose = models.CharField(_("purpose"), max_length=20, choices=PURPOSE_CHOICES[:-1])
    endpoint = models.CharField(
        _("endpoint"),
        max_length=100,
        blank=True,
        help_text=_("An endpoint alias from LLMSHOP['ENDPOINTS']; blank: every endpoint."),
    )
    daily_limit = models.DecimalField(
        _("daily limit"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("In the endpoints' price unit; blank: no daily limit of its own."),
    )
    monthly_limit = models.DecimalField(
        _("monthly limit"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("In the endpoints' price unit; blank: no monthly limit of its own."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["purpose", "endpoint"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "endpoint"], name="llmshop_budget_purpose_endpoint"
            )
        ]
        permissions = [("receive_budget_alerts", _("Can receive budget alerts"))]

    def __str__(self) -> str:
        where = f" @ {self.endpoint}" if self.endpoint else ""
        return f"{self.get_purpose_display()}{where}"

    def clean(self) -> None:
        from django_llmshop.conf import llmshop_settings

        if self.endpoint and self.endpoint not in llmshop_settings.ENDPOINTS:
            known = ", ".join(sorted(llmshop_settings.ENDPOINTS))
            raise ValidationError(
                {
                    "endpoint": _("No endpoint is named %(alias)s; the endpoints are: %(known)s.")
                    % {"alias": self.endpoint, "known": known}
                }
            )


class BudgetCounter(models.Model):
    """What one budget scope has spent and holds for calls in flight in one period.

    The shared counter of the database backend (Redis keeps its own when configured). Amounts
    are millionths of the price unit, so every database adds them exactly.
    """

    scope = models.CharField(max_length=130)  # "support:*" or "support:<endpoint>"
    period = models.CharField(max_length=5)  # "day" or "month"
    starts = models.DateField()
    spent_micros = models.BigIntegerField(default=0)
    held_micros = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "period", "starts"], name="llmshop_budgetcounter_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.period} {self.starts}"


class BudgetHold(models.Model):
    """A call's estimated cost held in a counter while the call is in flight (database backend).

    Settling the call deletes its hold; a hold whose worker died expires and the sweeper gives
    its amount back to the counter, so a killed worker does not shrink the budget for good.
    """

    counter = models.ForeignKey(BudgetCounter, on_delete=models.CASCADE, related_name="holds")
    token = models.CharField(max_length=32)
    micros = models.BigIntegerField()
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.counter} {self.token}"


class BudgetAlert(models.Model):
    """A budget alert that was sent: at most one per scope, period and share of the limit."""

    scope = models.CharField(_("scope"), max_length=130)
    period = models.CharField(_("period"), max_length=5)
    starts = models.DateField(_("period start"))
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=3)
    spent = models.DecimalField(_("spent"), max_digits=14, decimal_places=6)
    limit = models.DecimalField(_("limit"), max_digits=12, decimal_places=4)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("budget alert")
        verbose_name_plural = _("budget alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "period", "starts", "share"], name="llmshop_budgetalert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.period} {self.starts} {self.share:%}"


def spent_today(purpose: str) -> Decimal:
    """What calls for ``purpose`` have cost since local midnight."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    total = LLMCall.objects.filter(purpose=purpose, created_at__gte=midnight).aggregate(
        total=Sum("cost")
    )["total"]
    return total or Decimal(0)

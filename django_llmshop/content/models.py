"""Generation jobs, drafts of generated content, and versions that make publishing revertible."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DESCRIPTION = "description", _("Product description")
    SEO = "seo", _("SEO title and meta description")
    MARKETING = "marketing", _("Marketing copy")
    REVIEW_SUMMARY = "review_summary", _("Review summary")


#: Host text roles each kind writes when published (marketing and summaries stay in the Draft).
TARGET_ROLES: dict[str, list[str]] = {
    Kind.DESCRIPTION: ["description"],
    Kind.SEO: ["seo_title", "seo_description"],
    Kind.MARKETING: [],
    Kind.REVIEW_SUMMARY: [],
}


class GenerationJob(models.Model):
    """One click on *Generate*: a kind of content for a set of products, with options."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    options = models.JSONField(_("options"), default=dict, blank=True)
    product_ids = models.JSONField(_("products"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("generation job")
        verbose_name_plural = _("generation jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.total} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def progress(self) -> int:
        """Percent of items finished, done or failed."""
        return 100 if not self.total else round(100 * (self.done + self.failed) / self.total)

    def eta_seconds(self) -> float | None:
        """Estimated seconds left, from the pace so far."""
        finished = self.done + self.failed
        if self.finished or not finished or not self.started_at:
            return None
        elapsed = (timezone.now() - self.started_at).total_seconds()
        return elapsed / finished * (self.total - finished)


class Draft(models.Model):
    """Generated text for one product, waiting for a person: never written to the shop unseen."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Generating")
        READY = "ready", _("Ready for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    job = models.ForeignKey(
        GenerationJob,
        verbose_name=_("job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
    )
    product_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    product_id = models.CharField(_("product id"), max_length=64, db_index=True)
    product = GenericForeignKey("product_type", "product_id")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=12, default="en")
    variant = models.PositiveSmallIntegerField(_("variant"), default=1)
    text = models.TextField(_("text"), blank=True)
    parts = models.JSONField(_("structured parts"), default=dict, blank=True)
    source_texts = models.JSONField(_("host texts at generation"), default=dict, blank=True)
    source_fingerprint = models.CharField(max_length=64, blank=True)
    findings = models.JSONField(_("fact-check findings"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    error = models.TextField(_("error"), blank=True)
    note = models.TextField(_("note to the model"), blank=True)
    llm_call = models.ForeignKey(
        "llmshop.LLMCall", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A redelivered task finds the row it already made instead of adding a second one.
            models.UniqueConstraint(
                fields=["job", "product_type", "product_id", "kind", "language", "variant"],
                name="llmshop_draft_one_per_job_item",
            ),
        ]
        indexes = [models.Index(fields=["product_type", "product_id", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for product {self.product_id} ({self.language})"

    @property
    def target_roles(self) -> list[str]:
        return TARGET_ROLES.get(self.kind, [])

    @property
    def has_findings(self) -> bool:
        return any(f.get("severity") == "error" for f in self.findings)

    def proposed_texts(self) -> dict[str, str]:
        """Host texts this draft would write, by role."""
        if self.kind == Kind.DESCRIPTION:
            return {"description": self.text}
        if self.kind == Kind.SEO:
            return {
                "seo_title": str(self.parts.get("seo_title", "")),
                "seo_description": str(self.parts.get("seo_description", "")),
            }
        return {}


class ContentVersion(models.Model):
    """What publishing a draft replaced, so that revert restores it byte for byte."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="versions"
    )
    product_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    product_id = models.CharField(_("product id"), max_length=64, db_index=True)
    previous = models.JSONField(_("previous texts"))
    published = models.JSONField(_("published texts"))
    # Publishing added the language's translation row (django-parler): revert takes it away
    # again, so the storefront falls back to the other language as it did before.
    added_translation = models.BooleanField(_("added a translation"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reverted_at = models.DateTimeField(_("reverted"), null=True, blank=True)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Version of product {self.product_id} from {self.created_at:%Y-%m-%d %H:%M}"

    def as_dict(self) -> dict[str, Any]:
        return {"previous": self.previous, "published": self.published}


class DescriptionExperiment(models.Model):
    """A ready description draft shown to a share of shoppers instead of the product's text.

    Shoppers are split by a hash of :attr:`name` and their key (sticky, nothing stored); the
    draft stays unpublished until the experiment ends, with it published or the text kept.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    class Outcome(models.TextChoices):
        NONE = "", _("None yet")
        PUBLISHED = "published", _("Generated description published")
        KEPT = "kept", _("Current text kept")

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="experiments"
    )
    product_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    product_id = models.CharField(_("product id"), max_length=64, db_index=True)
    language = models.CharField(_("language"), max_length=12, default="en")
    #: The share of shoppers who see the draft; the others see the product's current text.
    share = models.FloatField(_("share shown the draft"), default=0.5)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("description experiment")
        verbose_name_plural = _("description experiments")
        ordering = ["-started_at", "-id"]
        constraints = [
            # One text against another: a second running experiment would split the same views.
            models.UniqueConstraint(
                fields=["product_type", "product_id", "language"],
                condition=models.Q(status="running"),
                name="llmshop_one_running_description_experiment",
            ),
        ]

    def __str__(self) -> str:
        return f"Description experiment for product {self.product_id} ({self.language})"

    @property
    def name(self) -> str:
        """What shoppers are hashed with: a new experiment draws its arms anew."""
        return f"description-{self.pk}"

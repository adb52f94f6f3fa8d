"""Shopper events, and the trained model's tables that serving reads (neighbours, popularity)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShopperEvent(models.Model):
    """One thing a shopper did with a product: viewed, carted, bought or wished for it.

    Anonymous shoppers are known by ``session_key`` (a random token kept in their session);
    their events move to the account they log in to.
    """

    class Type(models.TextChoices):
        VIEW = "view", _("viewed")
        CART = "cart", _("added to cart")
        PURCHASE = "purchase", _("purchased")
        WISHLIST = "wishlist", _("added to wishlist")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    session_key = models.CharField(_("session key"), max_length=64, blank=True)
    product_id = models.CharField(_("product id"), max_length=64, db_index=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # Where an imported event comes from ("order:<order id>:<product id>", "view:<key>"):
    # unique, so importing the same history again adds nothing. Blank for live events.
    source = models.CharField(_("source"), max_length=160, blank=True, default="")

    class Meta:
        verbose_name = _("shopper event")
        verbose_name_plural = _("shopper events")
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=~models.Q(source=""),
                name="llmshop_rec_event_source_once",
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created"], name="llmshop_rec_event_user"),
            models.Index(fields=["session_key", "-created"], name="llmshop_rec_event_session"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.product_id}"


class TrainedModel(models.Model):
    """One training run. Serving reads the rows of the newest ``active`` run only, so a run
    being written (or a failed one) is never seen."""

    class Status(models.TextChoices):
        BUILDING = "building", _("building")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.BUILDING
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    activated = models.DateTimeField(_("activated"), null=True, blank=True)
    events = models.PositiveIntegerField(_("events"), default=0)
    shoppers = models.PositiveIntegerField(_("shoppers"), default=0)
    items = models.PositiveIntegerField(_("items"), default=0)
    neighbours = models.PositiveIntegerField(_("neighbour rows"), default=0)
    seconds = models.FloatField(_("training seconds"), default=0.0)
    # The serving formula's parameters as trained: recency, max_history, prior.
    params = models.JSONField(_("parameters"), default=dict)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("trained model")
        verbose_name_plural = _("trained models")
        indexes = [models.Index(fields=["status", "-activated"], name="llmshop_rec_model_active")]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"


class ItemNeighbour(models.Model):
    """One neighbour of an item in a trained model, strongest first by ``rank``.

    ``popularity`` is the neighbour's popularity (1 at the most popular item), stored with it
    so that scoring needs one read — from the index alone, which holds every column serving
    reads.
    """

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(_("item"), max_length=64)
    rank = models.PositiveIntegerField(_("rank"))
    neighbour = models.CharField(_("neighbour"), max_length=64)
    weight = models.FloatField(_("weight"))
    popularity = models.FloatField(_("popularity"), default=0.0)

    class Meta:
        verbose_name = _("item neighbour")
        verbose_name_plural = _("item neighbours")
        indexes = [
            models.Index(
                fields=["model", "item", "neighbour", "weight", "popularity"],
                name="llmshop_rec_neighbour_read",
            )
        ]


class ItemPopularity(models.Model):
    """An item's rank among the most popular, over the whole shop (``category`` "") or in one
    category."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("category"), max_length=200, blank=True)
    rank = models.PositiveIntegerField(_("rank"))
    item = models.CharField(_("item"), max_length=64)
    score = models.FloatField(_("score"))

    class Meta:
        verbose_name = _("item popularity")
        verbose_name_plural = _("item popularity")
        indexes = [
            models.Index(fields=["model", "category", "rank"], name="llmshop_rec_popularity")
        ]


class TrackingEvent(models.Model):
    """One recommended product shown (an impression) or followed (a click) in one block view.

    A block view writes one impression row per product it shows, in one insert; a click copies
    its impression's placement, model version and experiment arm, so neither can be forged.
    """

    class Kind(models.TextChoices):
        IMPRESSION = "impression", _("impression")
        CLICK = "click", _("click")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # A random token per rendered block: what ties a click to the impression it follows.
    view = models.CharField(_("block view"), max_length=32)
    placement = models.CharField(_("placement"), max_length=40)
    model_version = models.CharField(_("model version"), max_length=40)
    arm = models.CharField(_("experiment arm"), max_length=12, blank=True)
    product_id = models.CharField(_("product id"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    session_key = models.CharField(_("session key"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("recommendation tracking event")
        verbose_name_plural = _("recommendation tracking events")
        constraints = [
            # A block view counts each product once as shown and once as clicked.
            models.UniqueConstraint(
                fields=["view", "product_id", "kind"], name="llmshop_rec_tracking_once"
            )
        ]
        indexes = [models.Index(fields=["created", "placement"], name="llmshop_rec_tracking_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.product_id} ({self.placement})"

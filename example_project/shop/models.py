"""The example shop's data: catalog, orders, reviews and help pages."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The shop sells in one currency only.
CURRENCY = "USD"


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('shop:catalog')}?category={self.slug}"


class ProductQuerySet(models.QuerySet["Product"]):
    def active(self) -> ProductQuerySet:
        return self.filter(is_active=True)


class Product(models.Model):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY, editable=False)
    attributes = models.JSONField(
        _("attributes"),
        default=dict,
        blank=True,
        help_text=_('Facts about the product, e.g. {"capacity": "750 ml", "material": "steel"}.'),
    )
    description = models.TextField(_("description"), blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:product_detail", args=[self.slug])

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")
        RETURNED = "returned", _("Returned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="orders",
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    shipping_address = models.TextField(_("shipping address"))

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("shop:order_detail", args=[self.number])

    @property
    def total(self) -> Decimal:
        return sum((item.line_total for item in self.items.all()), Decimal("0.00"))


class OrderItem(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="order_items"
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    # The price paid, which stays fixed when the catalog price changes later.
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class Review(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("review"))
    author_name = models.CharField(_("author"), max_length=80)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    verified_purchase = models.BooleanField(_("verified purchase"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="shop_review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"


class Page(models.Model):
    """A help page written in Markdown: a policy, the FAQ or any other page."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        FAQ = "faq", _("FAQ")
        PAGE = "page", _("Page")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAGE)
    body = models.TextField(_("body"), help_text=_("Markdown. Raw HTML is not rendered."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("shop:page_detail", args=[self.slug])

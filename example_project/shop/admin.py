"""Admin of the example shop: catalog, orders, reviews and help pages."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_llmshop.content.admin import LLMShopProductAdminMixin
from shop.models import Category, Order, OrderItem, Page, Product, Review


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Product)
class ProductAdmin(LLMShopProductAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sku", "category", "price", "stock", "is_active", "updated"]
    list_filter = ["is_active", "category"]
    search_fields = ["name", "sku", "description"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["category"]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "sku", "category", "is_active"]}),
        (_("Price and stock"), {"fields": ["price", "stock"]}),
        (_("Details"), {"fields": ["attributes", "description"]}),
        (_("Search engines"), {"fields": ["seo_title", "seo_description"]}),
        (_("History"), {"fields": ["created", "updated"]}),
    ]


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "status", "placed_at", "carrier", "order_total"]
    list_filter = ["status", "carrier"]
    search_fields = ["number", "user__username", "user__email", "tracking_number"]
    date_hierarchy = "placed_at"
    list_select_related = ["user"]
    inlines = [OrderItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).prefetch_related("items")

    @admin.display(description=_("total"))
    def order_total(self, order: Order) -> Decimal:
        return order.total


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "rating", "author_name", "verified_purchase", "created_at"]
    list_filter = ["rating", "verified_purchase"]
    search_fields = ["title", "body", "author_name", "product__name"]
    autocomplete_fields = ["product"]
    list_select_related = ["product"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "slug", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

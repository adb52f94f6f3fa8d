"""The multilingual shop's product admins, with django-llmshop's Generate and Translate actions."""

from django.contrib import admin

from django_llmshop.content.admin import LLMShopProductAdminMixin
from tests.multilingual.models import ParlerProduct, Product


@admin.register(Product)
class ProductAdmin(LLMShopProductAdminMixin, admin.ModelAdmin):
    list_display = ["name", "price"]


@admin.register(ParlerProduct)
class ParlerProductAdmin(LLMShopProductAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "price"]

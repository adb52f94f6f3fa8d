"""Admin for the recommendations: shopper events (read-only) and training runs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_llmshop.recommend.models import ShopperEvent, TrainedModel


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ShopperEvent)
class ShopperEventAdmin(ReadOnlyAdmin):
    list_display = ("created", "type", "product_id", "user", "session_key")
    list_filter = ("type",)
    search_fields = ("product_id",)
    date_hierarchy = "created"
    list_select_related = ("user",)


@admin.register(TrainedModel)
class TrainedModelAdmin(ReadOnlyAdmin):
    list_display = ("pk", "status", "created", "events", "items", "neighbours", "seconds")
    list_filter = ("status",)
    actions = ["train_now"]

    @admin.action(description=_("Train a new model now"), permissions=["view"])
    def train_now(self, request: HttpRequest, queryset: Any) -> None:
        from django_llmshop.recommend.tasks import enqueue_training

        enqueue_training()
        self.message_user(request, _("Training was queued; the new model is served when done."))

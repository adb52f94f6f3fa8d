"""The mixin a shop adds to its own product admin: the Generate and Translate actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from django_llmshop.content import views
from django_llmshop.content.models import Kind

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class LLMShopProductAdminMixin(_ModelAdmin):
    """Add to the shop's own product admin: ``class ProductAdmin(LLMShopProductAdminMixin,
    admin.ModelAdmin)``. Adds the Generate actions for staff who may change products."""

    llmshop_actions = (
        "llmshop_generate_description",
        "llmshop_generate_seo",
        "llmshop_generate_marketing_copy",
        "llmshop_summarize_reviews",
        "llmshop_translate_description",
        "llmshop_translate_seo",
    )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        ours = [self.get_action(name) for name in self.llmshop_actions if name not in actions]
        allowed = self._filter_actions_by_permissions(  # type: ignore[attr-defined]
            request, [action for action in ours if action]
        )
        for func, name, description in allowed:
            actions[name] = (func, name, description)
        return actions

    @admin.action(description=_("Generate descriptions"), permissions=["change"])
    def llmshop_generate_description(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse:
        return views.confirm_generation(
            self, request, queryset, Kind.DESCRIPTION, "llmshop_generate_description"
        )

    @admin.action(description=_("Generate SEO titles and descriptions"), permissions=["change"])
    def llmshop_generate_seo(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return views.confirm_generation(self, request, queryset, Kind.SEO, "llmshop_generate_seo")

    @admin.action(description=_("Generate marketing copy"), permissions=["change"])
    def llmshop_generate_marketing_copy(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse:
        return views.confirm_generation(
            self, request, queryset, Kind.MARKETING, "llmshop_generate_marketing_copy"
        )

    @admin.action(description=_("Summarize reviews"), permissions=["change"])
    def llmshop_summarize_reviews(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse:
        return views.confirm_generation(
            self, request, queryset, Kind.REVIEW_SUMMARY, "llmshop_summarize_reviews"
        )

    @admin.action(description=_("Translate descriptions"), permissions=["change"])
    def llmshop_translate_description(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse:
        """Drafts in other languages made from the product's current description."""
        return views.confirm_generation(
            self, request, queryset, Kind.DESCRIPTION, "llmshop_translate_description", True
        )

    @admin.action(description=_("Translate SEO titles and descriptions"), permissions=["change"])
    def llmshop_translate_seo(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        """Drafts in other languages made from the product's current SEO texts."""
        return views.confirm_generation(
            self, request, queryset, Kind.SEO, "llmshop_translate_seo", True
        )

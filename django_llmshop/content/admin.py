"""Admin of generated content: jobs with a live progress bar, drafts to review and publish, and
versions to revert. The product-admin mixin with its Generate actions is in :mod:`.product_admin`
(and importable from here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_llmshop.content import experiment_admin as experiment_admin
from django_llmshop.content import services, version_views, views
from django_llmshop.content.admin_access import ContentAdmin
from django_llmshop.content.forms import BulkApproveForm
from django_llmshop.content.models import ContentVersion, Draft, GenerationJob
from django_llmshop.content.product_admin import (
    LLMShopProductAdminMixin as LLMShopProductAdminMixin,
)


@admin.register(GenerationJob)
class GenerationJobAdmin(ContentAdmin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "status",
        "total",
        "done",
        "failed",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    date_hierarchy = "created_at"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return views.job_page(self, request, object_id)


class HasFindingsFilter(admin.SimpleListFilter):
    """Drafts whose fact check found claims the product record contradicts."""

    title = _("fact-check findings")
    parameter_name = "has_findings"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("With findings")), ("no", _("Without findings"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in ("yes", "no"):
            return queryset
        ids = with_findings(queryset).values_list("pk", flat=True)
        if self.value() == "yes":
            return queryset.filter(pk__in=list(ids))
        return queryset.exclude(pk__in=list(ids))


def with_findings(queryset: QuerySet[Draft]) -> QuerySet[Draft]:
    """The drafts of ``queryset`` that have error findings (``Draft.has_findings``)."""
    if connections[queryset.db].features.supports_json_field_contains:
        return queryset.filter(findings__contains=[{"severity": "error"}])
    # SQLite cannot look inside JSON lists; the drafts under review are few enough to scan.
    ids = [
        pk
        for pk, findings in queryset.values_list("pk", "findings")
        if any(isinstance(f, dict) and f.get("severity") == "error" for f in findings or [])
    ]
    return queryset.filter(pk__in=ids)


@admin.register(Draft)
class DraftAdmin(ContentAdmin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "product_link",
        "kind",
        "language",
        "variant",
        "status",
        "findings_column",
        "job",
        "created_at",
    ]
    list_filter = [
        "status",
        "kind",
        HasFindingsFilter,
        "language",
        ("job", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["product_id", "text"]
    list_select_related = ["job"]
    actions = ["approve_selected"]

    class Media:
        css = {"all": ["django_llmshop/content/review.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Draft]:
        return super().get_queryset(request).prefetch_related("product")

    @admin.display(description=_("product"))
    def product_link(self, draft: Draft) -> str:
        product = draft.product
        if product is None:
            return str(_("(deleted)"))
        url = views.admin_url(product)
        return format_html('<a href="{}">{}</a>', url, product) if url else str(product)

    @admin.display(description=_("findings"))
    def findings_column(self, draft: Draft) -> str:
        errors = sum(1 for f in draft.findings if f.get("severity") == "error")
        if not draft.findings:
            return "–"
        return format_html(
            '<span class="{}">{}</span>',
            "llmshop-has-findings" if errors else "",
            ngettext("%(count)d finding", "%(count)d findings", len(draft.findings))
            % {"count": len(draft.findings)},
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return views.draft_review(self, request, object_id)

    @admin.action(description=_("Approve and publish selected drafts"), permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Draft]) -> Any:
        return bulk_approve(self, request, queryset)


def bulk_approve(model_admin: DraftAdmin, request: HttpRequest, queryset: QuerySet[Draft]) -> Any:
    """Publish the selected ready drafts; those with findings only when explicitly confirmed."""
    ready = list(queryset.filter(status=Draft.Status.READY).select_related("job"))
    flagged = [d for d in ready if d.has_findings]
    if "post" not in request.POST:
        context = {
            "title": _("Approve and publish drafts"),
            "queryset": queryset,
            "ready": ready,
            "flagged": flagged,
            "clean_count": len(ready) - len(flagged),
            "not_ready_count": queryset.count() - len(ready),
            "form": BulkApproveForm(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return views.admin_page(model_admin, request, "bulk_approve.html", context)
    form = BulkApproveForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm_findings"]
    published = skipped = conflicts = 0
    for draft in ready:
        if draft.has_findings and not confirm:
            skipped += 1
            continue
        try:
            services.publish_draft(draft, request.user, confirm_findings=confirm)
        except services.ContentConflict:
            conflicts += 1
        except services.ContentError:
            skipped += 1
        else:
            published += 1
    model_admin.message_user(
        request,
        ngettext("%(count)d draft was published.", "%(count)d drafts were published.", published)
        % {"count": published},
        messages.SUCCESS if published else messages.WARNING,
    )
    if skipped:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d draft with fact-check findings was skipped.",
                "%(count)d drafts with fact-check findings were skipped.",
                skipped,
            )
            % {"count": skipped},
            messages.WARNING,
        )
    if conflicts:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d draft was not published: its product changed since generation.",
                "%(count)d drafts were not published: their products changed since generation.",
                conflicts,
            )
            % {"count": conflicts},
            messages.ERROR,
        )
    return None


@admin.register(ContentVersion)
class ContentVersionAdmin(ContentAdmin, admin.ModelAdmin):
    list_display = ["__str__", "product_id", "draft", "created_by", "created_at", "reverted_at"]
    list_filter = ["created_at", "reverted_at"]
    search_fields = ["product_id"]
    list_select_related = ["draft", "created_by"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the only way back to the merchant's text

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return version_views.version_page(self, request, object_id)

"""The dashboard in the admin: ``/admin/llmshop_dashboard/dashboard/``, listed on the admin
index for staff who may view it (the ``llmshop_dashboard.view_dashboard`` permission)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from django_llmshop.dashboard import report
from django_llmshop.dashboard.forms import DateRangeForm, default_range
from django_llmshop.dashboard.models import Dashboard


@admin.register(Dashboard)
class DashboardAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = DateRangeForm(request.GET or None)
        status = 200
        if form.is_bound and not form.is_valid():
            # A bad range gets the form with its error and no figures; nothing is guessed.
            first, last, sections, status = None, None, None, 400
        else:
            first, last = (
                (form.cleaned_data["start"], form.cleaned_data["end"])
                if form.is_bound
                else default_range()
            )
            sections = report.build(first, last)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dashboard"),
            "opts": self.model._meta,
            "form": form,
            "first": first,
            "last": last,
            "report": sections,
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "django_llmshop/dashboard/dashboard.html", context, status=status
        )

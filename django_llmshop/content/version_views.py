"""The staff page of one published version: what it replaced and wrote, and its revert button."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from django_llmshop.content import services
from django_llmshop.content.diff import word_diff
from django_llmshop.content.models import ContentVersion
from django_llmshop.content.permissions import can_review
from django_llmshop.content.publishing import texts_in
from django_llmshop.content.views import admin_page, admin_url, object_or_404


def version_page(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str
) -> HttpResponse:
    """What a publication replaced and wrote, with a button that puts the old text back."""
    version = object_or_404(ContentVersion.objects.select_related("draft"), object_id)
    if not model_admin.has_view_permission(request, version):
        raise PermissionDenied
    status, conflict = 200, None
    if request.method == "POST" and "_revert" in request.POST:
        if not can_review(request.user):
            raise PermissionDenied
        try:
            services.revert_version(version, request.user)
        except services.ContentConflict as exc:
            model_admin.message_user(
                request,
                _(
                    "The product's text was changed after this version was published; "
                    "reverting would overwrite that change, so nothing was reverted."
                ),
                messages.ERROR,
            )
            status, conflict = 409, exc
        except services.ContentError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)
        else:
            model_admin.message_user(
                request, _("The previous text was restored."), messages.SUCCESS
            )
            return HttpResponseRedirect(request.path)
    product = version.draft.product
    rows = []
    currents = texts_in(product, list(version.published), version.draft.language)
    for role, published in version.published.items():
        previous = str(version.previous.get(role, ""))
        current = currents.get(role, "")
        rows.append(
            {
                "role": role,
                "previous": previous,
                "published": published,
                "diff": word_diff(previous, published),
                "current_diff": word_diff(published, current) if current != published else "",
            }
        )
    context = {
        "title": str(version),
        "original": version,
        "version": version,
        "rows": rows,
        "conflict": conflict,
        "product": product,
        "product_admin_url": admin_url(product) if product is not None else "",
        "draft_url": admin_url(version.draft),
        "can_review": can_review(request.user),
    }
    return admin_page(model_admin, request, "version.html", context, status=status)

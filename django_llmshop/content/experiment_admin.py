"""Admin of description experiments: start one from a draft ("Publish as an experiment"),
see them listed, and end one by publishing the draft (the winner) or keeping the current text.

Starting and ending are POSTs to ``start/<draft id>/`` and ``<id>/end/`` of this admin; both
need the same right as publishing (:func:`can_review`). What the review page and the
dashboard show of a refused request is a message, never an error page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from django_llmshop.content import experiments
from django_llmshop.content.admin_access import ContentAdmin
from django_llmshop.content.models import DescriptionExperiment, Draft
from django_llmshop.content.permissions import can_review
from django_llmshop.content.publishing import ContentConflict, ContentError
from django_llmshop.content.views import admin_url, object_or_404

# ModelAdmin is generic in the stubs but not subscriptable at run time.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[DescriptionExperiment]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(DescriptionExperiment)
class DescriptionExperimentAdmin(ContentAdmin, _ModelAdmin):
    """Started from a draft's review page, never added by hand; never deleted."""

    list_display = [
        "__str__",
        "draft",
        "language",
        "share",
        "status",
        "outcome",
        "started_at",
        "ended_at",
    ]
    list_filter = ["status", "outcome", "language"]
    search_fields = ["product_id"]
    list_select_related = ["draft"]
    readonly_fields = [
        "draft", "product_id", "language", "share", "status", "outcome",
        "started_by", "started_at", "ended_by", "ended_at",
    ]  # fmt: skip
    fields = tuple(readonly_fields)
    actions = ["end_keeping_text"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of what was decided, and on what figures

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "start/<str:draft_id>/",
                self.admin_site.admin_view(require_POST(self.start_view)),
                name="llmshop_content_descriptionexperiment_start",
            ),
            path(
                "<str:object_id>/end/",
                self.admin_site.admin_view(require_POST(self.end_view)),
                name="llmshop_content_descriptionexperiment_end",
            ),
        ]
        return own + super().get_urls()

    @admin.action(
        description=gettext_lazy("End the selected experiments, keeping the current text"),
        permissions=["change"],
    )
    def end_keeping_text(self, request: HttpRequest, queryset: Any) -> None:
        ended = 0
        for experiment in queryset.filter(status=DescriptionExperiment.Status.RUNNING):
            try:
                experiments.end_experiment(experiment, request.user, publish=False)
            except ContentError:
                continue  # ended by someone else meanwhile
            ended += 1
        self.message_user(
            request,
            ngettext("%(count)d experiment ended.", "%(count)d experiments ended.", ended)
            % {"count": ended},
            messages.SUCCESS,
        )

    def start_view(self, request: HttpRequest, draft_id: str) -> HttpResponse:
        """Start an experiment with the draft instead of publishing it."""
        if not can_review(request.user):
            raise PermissionDenied
        draft = object_or_404(Draft, draft_id)
        back = HttpResponseRedirect(admin_url(draft))
        try:
            experiments.start_experiment(
                draft, request.user, confirm_findings=bool(request.POST.get("confirm_findings"))
            )
        except ContentError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(
            request,
            _(
                "Half of the shoppers now see this draft instead of the current text. "
                "The dashboard compares how often each half adds the product to the cart."
            ),
            messages.SUCCESS,
        )
        return back

    def end_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """End the experiment: ``publish=1`` publishes the draft, ``publish=0`` keeps the text."""
        if not can_review(request.user):
            raise PermissionDenied
        experiment = object_or_404(DescriptionExperiment.objects.select_related("draft"), object_id)
        choice = request.POST.get("publish")
        target = str(request.POST.get("next") or "")
        if not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:llmshop_content_descriptionexperiment_changelist")
        if choice not in ("0", "1"):
            self.message_user(
                request, _("Choose to publish the draft or keep the text."), messages.ERROR
            )
            return HttpResponseRedirect(target)
        try:
            experiments.end_experiment(experiment, request.user, publish=choice == "1")
        except ContentConflict:
            self.message_user(
                request,
                _(
                    "The product's text was changed during the experiment, so nothing was "
                    "published and the experiment goes on. Compare the draft with the new text."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(admin_url(experiment.draft))
        except ContentError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(target)
        self.message_user(
            request,
            _("The generated description was published.")
            if choice == "1"
            else _("The experiment ended; the current text stays."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(target)

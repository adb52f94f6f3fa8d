"""The staff inbox's handoff parts: who has a chat, how long it waited, take and release.

Mixed into :class:`django_llmshop.support.admin.ConversationAdmin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_llmshop.support import handoffs
from django_llmshop.support.models import Conversation, Handoff

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

OPEN = Handoff.Status.OPEN


class HandoffFilter(admin.SimpleListFilter):
    title = _("handoff")
    parameter_name = "handoff"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("waiting", _("Waiting for a first staff reply")),
            ("unassigned", _("Not taken by anyone")),
            ("mine", _("Taken by me")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        open_handoffs = Handoff.objects.filter(status=OPEN)
        if self.value() == "waiting":
            open_handoffs = open_handoffs.filter(first_reply_at__isnull=True)
        elif self.value() == "unassigned":
            open_handoffs = open_handoffs.filter(assigned_to__isnull=True)
        elif self.value() == "mine":
            open_handoffs = open_handoffs.filter(assigned_to=request.user.pk)
        else:
            return queryset
        return queryset.filter(pk__in=open_handoffs.values("conversation_id"))


def _latest(obj: Conversation) -> Handoff | None:
    """The conversation's latest handoff, from the list's prefetch."""
    found = getattr(obj, "latest_handoffs", None)
    if found is None:
        found = list(obj.handoffs.select_related("assigned_to").order_by("-created_at")[:1])
    return found[0] if found else None


def waiting_text(handoff: Handoff | None) -> str:
    if handoff is None:
        return ""
    now = timezone.now()
    seconds, waiting = handoffs.waiting_time(handoff, now)
    start = handoff.created_at
    end = handoff.first_reply_at or handoff.resolved_at or now
    span = timesince(start, end) if seconds >= 60 else str(_("under a minute"))
    if waiting:
        return str(_("waiting %(time)s")) % {"time": span}
    if handoff.first_reply_at is not None:
        return str(_("first reply after %(time)s")) % {"time": span}
    return str(_("no staff reply"))


class HandoffAdminMixin(_ModelAdmin):
    """List columns, a filter, actions and change-view buttons for handoffs."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        latest = Handoff.objects.select_related("assigned_to").order_by("-created_at")
        queryset: QuerySet[Any] = super().get_queryset(request)
        # Every handoff of the page's conversations, newest first; the columns use the first.
        return queryset.prefetch_related(Prefetch("handoffs", latest, to_attr="latest_handoffs"))

    @admin.display(description=_("handoff"))
    def handoff_state(self, obj: Conversation) -> str:
        handoff = _latest(obj)
        if handoff is None:
            return ""
        if handoff.status != OPEN:
            return str(handoff.get_status_display())
        if handoff.assigned_to_id is None:
            return format_html("<strong>{}</strong>", _("not taken"))
        return str(_("taken by %(name)s")) % {"name": handoff.assigned_to}

    @admin.display(description=_("waiting time"))
    def waiting(self, obj: Conversation) -> str:
        return waiting_text(_latest(obj))

    @admin.action(description=_("Take the selected handoffs"))
    def take_handoffs(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = sum(handoffs.assign_handoff(c, request.user) for c in queryset)
        self.message_user(
            request,
            ngettext("You took %d handoff.", "You took %d handoffs.", count) % count,
        )

    @admin.action(description=_("Release to the assistant"))
    def release_to_assistant(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = handoffs.release_to_assistant(queryset)
        self.message_user(
            request,
            ngettext(
                "%d conversation released to the assistant.",
                "%d conversations released to the assistant.",
                count,
            )
            % count,
        )

    def handoff_buttons(self, request: HttpRequest, obj: Conversation) -> None:
        """The change view's Take and Release buttons (submit buttons of the change form)."""
        if "_take_handoff" in request.POST and handoffs.assign_handoff(obj, request.user):
            self.message_user(request, _("You took this conversation."))
        if "_release" in request.POST and handoffs.release_to_assistant(obj):
            obj.status = Conversation.Status.OPEN
            self.message_user(request, _("Released: the assistant answers again."))

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if "_take_handoff" in request.POST or "_release" in request.POST:
            return HttpResponseRedirect(request.path)  # stay on the conversation
        response: HttpResponse = super().response_change(request, obj)
        return response

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # An assignment made in the handoff rows gets its time, as one made by Take does.
        for row in getattr(formset, "forms", []):
            if isinstance(row.instance, Handoff) and "assigned_to" in row.changed_data:
                row.instance.assigned_at = timezone.now() if row.instance.assigned_to_id else None
        super().save_formset(request, form, formset, change)

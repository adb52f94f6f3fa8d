"""The staff inbox: conversations with their transcript, ratings, topics, and staff replies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_llmshop.adminquery import RefuseUnstorableQuery
from django_llmshop.support import handoffs, services
from django_llmshop.support.inbox_handoffs import HandoffAdminMixin, HandoffFilter
from django_llmshop.support.inbox_suggestions import SuggestionAdminMixin
from django_llmshop.support.models import (
    Conversation,
    Handoff,
    KnowledgeDocument,
    Message,
)
from django_llmshop.support.payloads import message_html

RATING_ICONS = {1: "👍", -1: "👎", 0: ""}


class InboxFilter(admin.SimpleListFilter):
    title = _("inbox")
    parameter_name = "inbox"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("waiting", _("Open and handed off")), ("all", _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in (None, "waiting"):
            return queryset.exclude(status=Conversation.Status.CLOSED)
        return queryset

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            selected = self.value() == lookup or (self.value() is None and lookup == "waiting")
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ConversationForm(forms.ModelForm):
    staff_reply = forms.CharField(
        label=_("Reply to the shopper"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Appears in the shopper's chat window."),
    )

    class Meta:
        model = Conversation
        fields = ["status", "topic"]


class HandoffInline(admin.TabularInline):
    model = Handoff
    extra = 0
    fields = ["reason", "status", "assigned_to", "created_at", "assigned_at", "first_reply_at",
              "resolved_at"]  # fmt: skip
    readonly_fields = ["reason", "created_at", "assigned_at", "first_reply_at", "resolved_at"]


@admin.register(Conversation)
class ConversationAdmin(
    HandoffAdminMixin, SuggestionAdminMixin, RefuseUnstorableQuery, admin.ModelAdmin
):
    form = ConversationForm
    list_display = ["__str__", "shopper", "status", "handoff_state", "waiting", "topic",
                    "message_count", "ratings", "updated_at"]  # fmt: skip
    list_filter = [InboxFilter, HandoffFilter, "status", "topic", "language"]
    search_fields = ["messages__content", "user__username", "user__email"]
    readonly_fields = ["shopper", "language", "created_at", "updated_at", "transcript"]
    fields = ["shopper", "status", "topic", "language", "created_at", "updated_at", "transcript",
              "staff_reply"]  # fmt: skip
    inlines = [HandoffInline]
    actions = ["take_handoffs", "release_to_assistant", "close_conversations"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(
                n_messages=Count("messages", distinct=True),
                n_up=Count("messages", filter=Q(messages__rating=1), distinct=True),
                n_down=Count("messages", filter=Q(messages__rating=-1), distinct=True),
            )
        )
        return queryset

    @admin.display(description=_("shopper"))
    def shopper(self, obj: Conversation) -> str:
        return str(obj.user) if obj.user_id else str(_("anonymous"))

    @admin.display(description=_("messages"), ordering="n_messages")
    def message_count(self, obj: Any) -> int:
        return int(getattr(obj, "n_messages", 0))

    @admin.display(description=_("ratings"))
    def ratings(self, obj: Any) -> str:
        return f"👍 {getattr(obj, 'n_up', 0)} · 👎 {getattr(obj, 'n_down', 0)}"

    @admin.display(description=_("transcript"))
    def transcript(self, obj: Conversation) -> str:
        rows = []
        for message in obj.messages.order_by("pk"):
            flag = " ⚠" if message.flagged else ""
            meta = f"{message.get_role_display()} · {message.get_status_display()}{flag}"
            meta += f" {RATING_ICONS[message.rating]}" if message.rating else ""
            rows.append(
                (meta, message.created_at.strftime("%Y-%m-%d %H:%M"), message_html(message))
            )
        # Polled by htmx, so a new shopper message or reply shows up while staff read.
        url = reverse("admin:llmshop_support_conversation_transcript", args=[obj.pk])
        return format_html(
            '<div class="llmshop-transcript" hx-get="{}" hx-trigger="every 5s" '
            'hx-swap="outerHTML">{}</div>',
            url,
            format_html_join(
                "",
                '<div style="margin-bottom:1em"><strong>{}</strong> <small>{}</small>'
                "<div>{}</div></div>",
                rows,
            ),
        )

    def get_urls(self) -> list[Any]:
        transcript = path(
            "<int:pk>/transcript/",
            self.admin_site.admin_view(self.transcript_view),
            name="llmshop_support_conversation_transcript",
        )
        return [transcript, *super().get_urls()]

    def transcript_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, conversation):
            raise PermissionDenied
        return HttpResponse(self.transcript(conversation))

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(js=["django_htmx/htmx-2.min.js"])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the handoff rows are saved, so that what follows is not written over by them.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if "status" in form.changed_data and obj.status != Conversation.Status.HANDED_OFF:
            handoffs.resolve_handoffs([obj.pk])  # closed or reopened by hand: nobody waits
        text = (form.cleaned_data.get("staff_reply") or "").strip()
        if text:
            services.staff_reply(obj, request.user, text)
        self.handoff_buttons(request, obj)

    @admin.action(description=_("Close the selected conversations"))
    def close_conversations(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = Conversation.objects.filter(pk__in=ids).update(status=Conversation.Status.CLOSED)
        handoffs.resolve_handoffs(ids)
        self.message_user(
            request,
            ngettext("%d conversation closed.", "%d conversations closed.", count) % count,
        )


@admin.register(Message)
class MessageAdmin(RefuseUnstorableQuery, admin.ModelAdmin):
    list_display = ["pk", "conversation", "role", "status", "rating", "is_flagged", "created_at"]
    list_filter = ["role", "status", "rating"]
    search_fields = ["content"]
    readonly_fields = [f.name for f in Message._meta.fields]

    @admin.display(boolean=True, description=_("flagged"))
    def is_flagged(self, obj: Message) -> bool:
        return obj.flagged

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(KnowledgeDocument)
class KnowledgeDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "language", "published", "updated_at", "indexed_at"]
    list_filter = ["kind", "published", "language"]
    search_fields = ["title", "body"]
    readonly_fields = ["source_key", "indexed_at"]

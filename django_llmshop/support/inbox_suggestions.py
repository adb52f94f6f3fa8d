"""The staff inbox's "Suggest a reply": ask for a draft, then poll until it fills the reply field.

The button posts with htmx; the answer polls the draft every second and, once it is written,
swaps the reply field for one holding the draft (escaped like any form value), unless staff
have typed a reply meanwhile: then the draft is shown with a button to use it. Staff edit it
and send it with the form; nothing reaches the shopper before that. A failed draft is said so
in the inbox; no error page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from django_llmshop.support import suggestions, tasks
from django_llmshop.support.models import Conversation, ReplySuggestion

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

FRAGMENT = "django_llmshop/support/admin/_suggestion.html"
#: A draft asked for within this many seconds is reused, so a double click costs one call.
REUSE_SECONDS = 30


def reply_field(text: str) -> str:
    """The staff reply field holding ``text``, swapped for the page's one by its id."""
    widget = forms.Textarea(attrs={"rows": 6, "cols": 40, "class": "vLargeTextField"})
    attrs = {"id": "id_staff_reply", "hx-swap-oob": "true"}
    return str(widget.render("staff_reply", text, attrs=attrs))


class SuggestionAdminMixin(_ModelAdmin):
    """Adds the suggestion URLs to the conversation admin."""

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/suggest/",
                view(require_POST(self.suggest_view)),
                name="llmshop_support_conversation_suggest",
            ),
            path(
                "<int:pk>/suggestions/<int:suggestion_id>/",
                view(require_GET(self.suggestion_view)),
                name="llmshop_support_conversation_suggestion",
            ),
            *super().get_urls(),
        ]

    def _conversation(self, request: HttpRequest, pk: int) -> Conversation:
        conversation: Conversation = get_object_or_404(Conversation, pk=pk)
        if not self.has_change_permission(request, conversation):
            raise PermissionDenied
        return conversation

    def suggest_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = self._conversation(request, pk)
        recent = (
            conversation.suggestions.filter(status=ReplySuggestion.Status.PENDING)
            .order_by("-created_at")
            .first()
        )
        pending = ReplySuggestion.Status.PENDING
        if recent is not None and suggestions.expire_if_stale(recent).status == pending:
            age = (timezone.now() - recent.created_at).total_seconds()
            if age < REUSE_SECONDS:
                return self._fragment(request, conversation, recent)
        suggestion = tasks.request_suggestion(conversation, request.user)
        suggestion.refresh_from_db()  # a task run at once (eager) has finished it already
        return self._fragment(request, conversation, suggestion)

    def suggestion_view(self, request: HttpRequest, pk: int, suggestion_id: int) -> HttpResponse:
        conversation = self._conversation(request, pk)
        suggestion = get_object_or_404(conversation.suggestions, pk=suggestion_id)
        return self._fragment(request, conversation, suggestions.expire_if_stale(suggestion))

    def _fragment(
        self, request: HttpRequest, conversation: Conversation, suggestion: ReplySuggestion
    ) -> HttpResponse:
        poll_url = reverse(
            f"{self.admin_site.name}:llmshop_support_conversation_suggestion",
            args=[conversation.pk, suggestion.pk],
        )
        done = suggestion.status == ReplySuggestion.Status.DONE
        # What staff have typed already (sent along by the button and the poll) is not
        # written over: the draft is shown beside it, with a button to use it instead.
        typed = str(request.POST.get("staff_reply") or request.GET.get("staff_reply") or "")
        keep = done and bool(typed.strip()) and request.GET.get("use") != "1"
        context = {
            "suggestion": suggestion,
            "poll_url": poll_url,
            "keep_typed": keep,
            "reply_field": reply_field(suggestion.text) if done and not keep else "",
        }
        return HttpResponse(render_to_string(FRAGMENT, context, request=request))

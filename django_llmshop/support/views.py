"""HTMX views of the chat widget: the transcript, and sending a message from the form.

A refused message (empty, too long, too many, unstorable characters) gets a notice in the widget
with status 200, because htmx swaps no 4xx answer into the page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from django_llmshop.conf import llmshop_settings
from django_llmshop.support import limits, services
from django_llmshop.support.forms import MessageForm
from django_llmshop.support.handoffs import person_state
from django_llmshop.support.limits import ChatLimitError
from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.payloads import message_html

TRANSCRIPT = "django_llmshop/support/_transcript.html"
MESSAGE = "django_llmshop/support/_message.html"
PERSON_WAITING = "django_llmshop/support/_person_waiting.html"


def message_context(message: Message) -> dict[str, Any]:
    streaming = message.role == Message.Role.ASSISTANT and not message.is_final
    return {
        "message": message,
        "html": "" if streaming else message_html(message),
        "stream_url": reverse("llmshop:chat-message-stream", args=[message.pk])
        if streaming
        else "",
        "retry_url": reverse("llmshop:chat-message-retry", args=[message.pk]),
        "rating_url": reverse("llmshop:chat-message-rating", args=[message.pk]),
    }


def widget_context(request: HttpRequest) -> dict[str, Any]:
    conversation = services.current_conversation(request)
    messages = []
    if conversation is not None:
        messages = [
            message_context(m)
            for m in conversation.messages.exclude(role=Message.Role.SYSTEM).order_by("pk")
        ]
    person = person_state(conversation)
    return {
        "conversation": conversation,
        "handed_off": conversation is not None
        and conversation.status == Conversation.Status.HANDED_OFF,
        "person_waiting": person.waiting,
        "person_joined": person.joined,
        "person_joined_before": person.joined_before,
        "messages": messages,
        "max_chars": int(llmshop_settings.CHAT_MAX_MESSAGE_CHARS),
        "transcript_url": reverse("llmshop:chat-widget-transcript"),
        "send_url": reverse("llmshop:chat-widget-send"),
        "handoff_url": reverse("llmshop:chat-conversation-handoff", args=[conversation.pk])
        if conversation is not None
        else "",
    }


@require_GET
def transcript(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string(TRANSCRIPT, widget_context(request), request=request))


def notice(request: HttpRequest, text: str) -> HttpResponse:
    html = render_to_string("django_llmshop/support/_notice.html", {"text": text}, request=request)
    return HttpResponse(html, status=200)


@require_POST
def send(request: HttpRequest) -> HttpResponse:
    """Post the form's message; answers with the new messages, or a notice when refused."""
    form = MessageForm(request.POST)
    if not form.is_valid():
        return notice(request, form.first_error())
    try:
        conversation = services.current_conversation(request)
        if conversation is None:
            limits.check_new_conversation(request)
            conversation = services.start_conversation(request)
        reply = services.post_message(request, conversation, form.cleaned_data["content"])
    except ChatLimitError as error:
        return notice(request, str(error))
    if reply.role == Message.Role.USER:  # handed off: a person replies, not the bot
        html: str = render_to_string(MESSAGE, message_context(reply), request=request)
        html += render_to_string(PERSON_WAITING, request=request)
    else:
        messages = conversation.messages.filter(pk__lte=reply.pk).order_by("-pk")[:2]
        html = "".join(
            render_to_string(MESSAGE, message_context(m), request=request)
            for m in reversed(messages)
        )
        conversation.refresh_from_db(fields=["status"])
        if conversation.status == Conversation.Status.HANDED_OFF:  # the reply handed off
            html += render_to_string(PERSON_WAITING, request=request)
    response = HttpResponse(html)
    response["HX-Trigger"] = "llmshop-chat-sent"
    return response


urlpatterns = [
    path("chat/widget/transcript/", transcript, name="chat-widget-transcript"),
    path("chat/widget/send/", send, name="chat-widget-send"),
]

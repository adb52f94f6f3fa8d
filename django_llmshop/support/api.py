"""The chat's JSON API (DRF), mounted under ``llmshop/api/`` by ``django_llmshop.api.urls``.

Every object endpoint answers 404 to anyone but the conversation's owner, staff included
(staff read conversations in the admin inbox). Every POST needs the CSRF token, logged in or
not, and counts against the per-shopper and per-IP limits of :mod:`django_llmshop.api.throttling`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from django_llmshop.api.schema import describe_page
from django_llmshop.api.throttling import CONVERSATION_THROTTLES, MESSAGE_THROTTLES
from django_llmshop.api.views import ShopAPIView
from django_llmshop.dbconnections import release_connections
from django_llmshop.support import services, views
from django_llmshop.support.handoffs import person_state
from django_llmshop.support.limits import ChatLimitError, RateLimited, check_size
from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.payloads import message_payload
from django_llmshop.support.stream import stream_message


class ChatView(ShopAPIView):
    throttle_detail = gettext_lazy("Too many messages; please wait a moment.")

    def conversation(self, request: Request, pk: int) -> Conversation:
        conversation = get_object_or_404(Conversation, pk=pk)
        if not services.owns(request._request, conversation):
            raise Http404
        return conversation

    def message(self, request: Request, pk: int) -> Message:
        message = get_object_or_404(Message.objects.select_related("conversation"), pk=pk)
        if not services.owns(request._request, message.conversation):
            raise Http404
        return message


class ContentSerializer(serializers.Serializer[Any]):
    # The size cap is checked by the service (413), not here (400).
    content = serializers.CharField(allow_blank=False, trim_whitespace=True)


class RatingSerializer(serializers.Serializer[Any]):
    value = serializers.ChoiceField(choices=[-1, 0, 1])


class HandoffSerializer(serializers.Serializer[Any]):
    # Longer reasons are cut, not refused: the shopper's request for a person must go through.
    reason = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)


def conversation_payload(conversation: Conversation) -> dict[str, Any]:
    person = person_state(conversation)
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "language": conversation.language,
        # Handed off: waiting for a person, or one has joined (taken it or replied).
        "person": {"waiting": person.waiting, "joined": person.joined},
        "messages": [
            message_payload(m) for m in conversation.messages.exclude(role=Message.Role.SYSTEM)
        ],
    }


def limit_response(error: ChatLimitError) -> Response:
    response = Response({"error": error.code, "detail": str(error)}, status=error.status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


class ConversationListView(ChatView):
    success_status = {"POST": 201}
    throttle_classes = CONVERSATION_THROTTLES
    throttle_detail = gettext_lazy("Too many new conversations; please wait a moment.")

    def post(self, request: Request) -> Response:
        conversation = services.start_conversation(request._request)
        return Response({"id": conversation.pk}, status=status.HTTP_201_CREATED)


class ConversationDetailView(ChatView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(conversation_payload(self.conversation(request, pk)))


class ConversationMessagesView(ChatView):
    success_status = {"POST": 202}
    error_statuses = {"POST": (413,)}
    request_serializer = ContentSerializer
    throttle_classes = MESSAGE_THROTTLES

    def post(self, request: Request, pk: int) -> Response:
        conversation = self.conversation(request, pk)
        raw = request.data.get("content") if hasattr(request.data, "get") else None
        if isinstance(raw, str):
            try:  # the size cap comes before validation, so a huge message is a 413
                check_size(raw.strip())
            except ChatLimitError as error:
                return limit_response(error)
        serializer = ContentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            reply = services.post_message(
                request._request, conversation, serializer.validated_data["content"]
            )
        except ChatLimitError as error:
            return limit_response(error)
        # The database work is done: the pool gets the connection back now rather than after
        # the response is rendered and sent, so a burst of messages waits less for one.
        release_connections()
        # Handed off to a person: the id is the shopper's own message and no reply follows.
        handed_off = reply.role == Message.Role.USER
        return Response(
            {"id": reply.pk, "status": reply.status, "handed_off": handed_off},
            status=status.HTTP_202_ACCEPTED,
        )


class ConversationHandoffView(ChatView):
    success_status = {"POST": 201}
    request_serializer = HandoffSerializer
    throttle_classes = MESSAGE_THROTTLES

    def post(self, request: Request, pk: int) -> Response:
        conversation = self.conversation(request, pk)
        serializer = HandoffSerializer(data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data.get("reason", "")[:1000]
        handoff = services.ask_for_person(conversation, reason)
        return Response({"id": handoff.pk, "status": conversation.status}, status=201)


class MessageDetailView(ChatView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(message_payload(self.message(request, pk)))


class MessageRetryView(ChatView):
    success_status = {"POST": 202}
    error_statuses = {"POST": (409,)}
    throttle_classes = MESSAGE_THROTTLES

    def post(self, request: Request, pk: int) -> Response:
        message = self.message(request, pk)
        if not services.retry_reply(message):
            return Response(
                {"error": "not_failed", "detail": _("Only a failed reply can be retried.")},
                status=status.HTTP_409_CONFLICT,
            )
        return Response({"id": message.pk, "status": Message.Status.PENDING}, status=202)


class MessageRatingView(ChatView):
    request_serializer = RatingSerializer
    throttle_classes = MESSAGE_THROTTLES

    def post(self, request: Request, pk: int) -> Response:
        message = self.message(request, pk)
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if message.role != Message.Role.ASSISTANT:
            raise Http404
        services.rate_reply(message, int(serializer.validated_data["value"]))
        return Response({"id": message.pk, "rating": serializer.validated_data["value"]})


urlpatterns = [
    path("chat/conversations/", ConversationListView.as_view(), name="chat-conversations"),
    path(
        "chat/conversations/<int:pk>/",
        ConversationDetailView.as_view(),
        name="chat-conversation",
    ),
    path(
        "chat/conversations/<int:pk>/messages/",
        ConversationMessagesView.as_view(),
        name="chat-conversation-messages",
    ),
    path(
        "chat/conversations/<int:pk>/handoff/",
        ConversationHandoffView.as_view(),
        name="chat-conversation-handoff",
    ),
    path("chat/messages/<int:pk>/", MessageDetailView.as_view(), name="chat-message"),
    path("chat/messages/<int:pk>/stream/", stream_message, name="chat-message-stream"),
    path("chat/messages/<int:pk>/retry/", MessageRetryView.as_view(), name="chat-message-retry"),
    path("chat/messages/<int:pk>/rating/", MessageRatingView.as_view(), name="chat-message-rating"),
    *views.urlpatterns,
]

# The endpoints above that are not DRF views, as the OpenAPI schema shows them.
describe_page(
    "chat-message-stream",
    "get",
    "text/event-stream",
    "The reply as it is generated: token events, then done or error (its owner only).",
    "chat",
)
describe_page(
    "chat-widget-transcript", "get", "text/html", "The widget's transcript (HTML).", "chat"
)
describe_page(
    "chat-widget-send", "post", "text/html", "Send the widget's form; the new messages.", "chat"
)

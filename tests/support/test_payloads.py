"""The web side's view of a chat message: HTML through the Markdown renderer, JSON payload."""

import pytest

from django_llmshop.support import payloads, replies
from django_llmshop.support.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_payload_renders_model_text_escaped_with_its_citations():
    conversation = Conversation.objects.create()
    message = Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        status=Message.Status.DONE,
        content="**Yes** <script>alert(1)</script>",
    )
    payload = payloads.message_payload(message)
    assert payload["id"] == message.pk and payload["status"] == "done"
    assert "<strong>Yes</strong>" in payload["html"]
    assert "<script>" not in payload["html"]
    assert payload["citations"] == [] and payload["flagged"] is False


def test_the_old_import_path_still_works():
    assert replies.message_html is payloads.message_html
    assert replies.message_payload is payloads.message_payload

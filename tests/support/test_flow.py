"""The chat end to end with the task inline: ask, tools, stream, saved reply, citations."""

from __future__ import annotations

import json

from django_llmshop.support.models import Conversation, Message
from django_llmshop.testing import Reply
from tests.support.conftest import API, parse_sse, send, start_chat


def test_order_question_runs_get_my_order_and_cites_the_order(
    shop, llm_settings, client, django_capture_on_commit_callbacks
):
    llm_settings.add(
        Reply.tool_calls(("get_my_order", {"order_number": "LS-100241"})),
        Reply.text("Your order LS-100241 has shipped with UPS: tracking 1Z4F83E20399451208."),
    )
    client.force_login(shop.alice)
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation_id, "Where is my order LS-100241?")
    assert response.status_code == 202
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.status == Message.Status.DONE
    assert [call["name"] for call in reply.tool_calls] == ["get_my_order"]
    assert "1Z4F83E20399451208" in reply.tool_calls[0]["result"]
    assert {"kind": "order", "title": "Order LS-100241"}.items() <= reply.citations[0].items()
    assert reply.llm_call is not None and reply.llm_call.purpose == "support"
    # The second request carried the tool result, wrapped as data.
    requests = llm_settings.requests
    assert len(requests) == 2
    assert requests[0].json["tools"]
    tool_message = requests[1].json["messages"][-1]
    assert tool_message["role"] == "tool"
    assert tool_message["content"].startswith('<data tool="get_my_order">')

    stream = client.get(f"{API}/messages/{reply.pk}/stream/")
    assert stream["Content-Type"] == "text/event-stream"
    events = parse_sse(b"".join(stream.streaming_content).decode())
    tokens = [e.json() for e in events if e.event == "token"]
    assert "".join(tokens) == reply.content
    assert events[-1].event == "done"
    done = events[-1].json()
    assert done["id"] == reply.pk
    assert "LS-100241" in done["html"]
    assert done["citations"] == reply.citations

    detail = client.get(f"{API}/messages/{reply.pk}/").json()
    assert detail["content"] == reply.content
    assert set(detail) >= {"id", "role", "status", "content", "html", "citations"}
    conversation = client.get(f"{API}/conversations/{conversation_id}/").json()
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"]
    assert Conversation.objects.get(pk=conversation_id).topic == "order"


def test_policy_question_gets_passages_and_cites_them(
    shop, llm_settings, client, django_capture_on_commit_callbacks
):
    def answer(request):
        system = request.json["messages"][0]["content"]
        assert "Opened skincare and candles" in system  # the returns policy was retrieved
        marker = system.split('<data source="', 1)[1].split('"', 1)[0]
        return Reply.text(f"Opened skincare and lit candles cannot be returned [{marker}].")

    llm_settings.responder = answer
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation_id, "Can I return opened items?")
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.status == Message.Status.DONE, reply.error
    assert reply.citations and reply.citations[0]["kind"] == "policy"
    assert reply.citations[0]["url"] == "/pages/returns-policy/"
    html = client.get(f"{API}/messages/{reply.pk}/").json()["html"]
    assert 'href="/pages/returns-policy/"' in html


def test_model_without_tools_gets_orders_and_passages_in_the_prompt(
    shop, llm_settings, settings, client, django_capture_on_commit_callbacks
):
    llmshop = json.loads(json.dumps(settings.LLMSHOP))
    llmshop["ENDPOINTS"]["default"]["SUPPORTS_TOOLS"] = False
    settings.LLMSHOP = llmshop
    llm_settings.add(Reply.text("Your order LS-100241 is on its way."))
    client.force_login(shop.alice)
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation_id, "where is my order?")
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.status == Message.Status.DONE
    body = llm_settings.requests[0].json
    assert "tools" not in body
    system = body["messages"][0]["content"]
    assert "LS-100241" in system and "1Z4F83E20399451208" in system
    assert "LS-100233" not in system  # Bob's order
    assert any(c["kind"] == "order" for c in reply.citations)

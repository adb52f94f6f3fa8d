"""A shopper's chat answers from their Oscar order; Oscar's views and signals become events."""

from __future__ import annotations

import json

from django.db import DatabaseError
from django.utils import timezone
from django.utils.formats import date_format

from django_llmshop.adapters import get_adapter
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.support.models import Message
from django_llmshop.testing import Reply
from tests.oscar_shop.conftest import CANARY_LINE

CHAT = "/llmshop/api/chat"


def data_of(wrapped: str) -> dict:
    """The JSON inside a tool result's ``<data tool="...">`` block."""
    first, rest = wrapped.split("\n", 1)
    assert first.startswith("<data tool=")
    return json.loads(rest.rsplit("\n</data>", 1)[0])


def ask(client, question, capture):
    conversation = client.post(f"{CHAT}/conversations/").json()["id"]
    with capture(execute=True):
        response = client.post(
            f"{CHAT}/conversations/{conversation}/messages/",
            {"content": question},
            content_type="application/json",
        )
    assert response.status_code == 202
    return Message.objects.get(pk=response.json()["id"])


def test_the_chat_answers_an_oscar_orders_status_with_its_real_total(
    client, oscar_shop, llm_settings, django_capture_on_commit_callbacks
):
    status = oscar_shop.alice_order.status
    assert status == "Pending"  # the shop's initial status

    def model(request):
        messages = request.json["messages"]
        if messages[-1]["role"] != "tool":
            return Reply.tool_calls(("get_my_order", {"order_number": "100041"}))
        order = data_of(messages[-1]["content"])["order"]
        return Reply.text(
            f"Order {order['number']} is {order['status']}: "
            f"{order['items'][0]['quantity']} × {order['items'][0]['product']}, "
            f"total {order['total']} {order['currency']}."
        )

    llm_settings.responder = model
    client.force_login(oscar_shop.alice)
    reply = ask(
        client, "What is the status of my order 100041?", django_capture_on_commit_callbacks
    )
    assert reply.status == Message.Status.DONE, reply.error
    assert [call["name"] for call in reply.tool_calls] == ["get_my_order"]
    result = data_of(reply.tool_calls[0]["result"])
    assert (result["order"]["total"], result["order"]["currency"]) == ("48.00", "GBP")
    assert reply.content == f"Order 100041 is {status}: 2 × Trail Bottle, total 48.00 GBP."
    assert reply.flags == []  # the total is the order's own: nothing to correct
    assert reply.citations[0]["title"] == "Order 100041"
    assert CANARY_LINE not in json.dumps(reply.tool_calls)


def test_with_the_bundled_small_model_the_answer_is_composed_from_the_order(
    client, oscar_shop, llm_settings, settings, django_capture_on_commit_callbacks
):
    conf = dict(settings.LLMSHOP)
    endpoint = {**conf["ENDPOINTS"]["default"], "CAPABILITY": "small", "SUPPORTS_TOOLS": False}
    settings.LLMSHOP = {**conf, "ENDPOINTS": {"default": endpoint}}
    llm_settings.responder = lambda request: Reply.text("Your order is on its way.")
    oscar_shop.alice_order.set_status("Being processed")
    client.force_login(oscar_shop.alice)
    reply = ask(
        client, "What is the status of my order 100041?", django_capture_on_commit_callbacks
    )
    assert reply.status == Message.Status.DONE, reply.error
    assert "100041" in reply.content and "Being processed" in reply.content
    assert "2 × Trail Bottle" in reply.content and "£48.00" in reply.content
    placed = date_format(timezone.localtime(oscar_shop.alice_order.date_placed), "DATE_FORMAT")
    assert f"Placed on {placed}." in reply.content  # Oscar's date_placed, through the adapter


def test_another_shoppers_order_is_not_found(
    client, oscar_shop, llm_settings, django_capture_on_commit_callbacks
):
    llm_settings.add(
        Reply.tool_calls(("get_my_order", {"order_number": "100042"})),
        Reply.text("I could not find that order."),
    )
    client.force_login(oscar_shop.alice)
    reply = ask(client, "Where is order 100042?", django_capture_on_commit_callbacks)
    assert "error" in data_of(reply.tool_calls[0]["result"])
    assert CANARY_LINE not in reply.tool_calls[0]["result"] + reply.content


def test_oscars_basket_add_view_records_a_cart_event(client, oscar_shop):
    response = client.post(
        f"/basket/add/{oscar_shop.bottle.pk}/", {"quantity": 1}, HTTP_REFERER="/catalogue/"
    )
    assert response.status_code == 302
    event = ShopperEvent.objects.get(type="cart")
    assert event.product_id == str(oscar_shop.bottle.pk)
    assert event.user is None and event.session_key  # an anonymous shopper's session
    # After login the anonymous shopper's events are theirs.
    assert client.login(username="alice", password="x")
    event.refresh_from_db()
    assert event.user == oscar_shop.alice


def test_oscars_product_page_records_a_view_for_the_shopper(client, oscar_shop):
    client.force_login(oscar_shop.bob)
    assert client.get(oscar_shop.bottle.get_absolute_url()).status_code == 200
    assert list(ShopperEvent.objects.filter(type="view").values_list("user", "product_id")) == [
        (oscar_shop.bob.pk, str(oscar_shop.bottle.pk))
    ]


def test_a_placed_order_records_purchases_that_the_history_import_does_not_repeat(oscar_shop):
    from io import StringIO

    from django.core.management import call_command

    purchases = ShopperEvent.objects.filter(type="purchase", user=oscar_shop.alice)
    assert list(purchases.values_list("product_id", flat=True)) == [str(oscar_shop.bottle.pk)]
    before = ShopperEvent.objects.count()
    call_command("llmshop_import_history", stdout=StringIO(), stderr=StringIO())
    assert ShopperEvent.objects.count() == before  # both orders were recorded when placed


def test_the_history_import_reads_oscars_past_orders(oscar_shop):
    from io import StringIO

    from django.core.management import call_command

    ShopperEvent.objects.all().delete()  # as in a shop that installs the package today
    batches = list(get_adapter().order_history())
    orders = {order.order_id: order for batch in batches for order in batch}
    alice = orders[str(oscar_shop.alice_order.pk)]
    assert alice.user_id == oscar_shop.alice.pk
    assert alice.product_ids == (str(oscar_shop.bottle.pk),)
    assert alice.placed_at == oscar_shop.alice_order.date_placed
    call_command("llmshop_import_history", stdout=StringIO(), stderr=StringIO())
    assert set(ShopperEvent.objects.values_list("user", "type")) == {
        (oscar_shop.alice.pk, "purchase"),
        (oscar_shop.bob.pk, "purchase"),
    }


def test_a_failed_event_write_does_not_break_oscars_basket(client, oscar_shop, monkeypatch):
    from django_llmshop.recommend import services

    calls = []

    def broken(*args, **kwargs):
        calls.append(args)
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "record_event", broken)
    response = client.post(f"/basket/add/{oscar_shop.bottle.pk}/", {"quantity": 1})
    assert response.status_code == 302 and len(calls) == 1
    assert not ShopperEvent.objects.filter(type="cart").exists()
    from oscar.apps.basket.models import Line

    # The shopper's open basket got the line all the same (the orders' baskets are submitted).
    assert Line.objects.filter(product=oscar_shop.bottle, basket__status="Open").count() == 1

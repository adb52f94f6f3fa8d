"""The check after generation: invented prices and promises are caught and corrected."""

from __future__ import annotations

from decimal import Decimal

import pytest

from django_llmshop.support.models import Conversation
from django_llmshop.support.replies import generate_reply
from django_llmshop.support.safety import check_reply, correct_reply, known_amounts
from django_llmshop.testing import Reply
from tests.support.conftest import new_reply

PRICES = {Decimal("34.00"), Decimal("24.95")}


@pytest.mark.parametrize(
    "text",
    [
        "I'll refund you the full amount today.",
        "I can give you a 20% discount on your next order.",
        "Delivery by Friday is guaranteed.",
        "I will issue a refund for the bottle right away.",
        "I promise it will arrive tomorrow.",
        "我会给您全额退款。",
        "我可以给你打折。",
        "我们保证明天送到。",
    ],
)
def test_promises_are_caught(text):
    assert [f.kind for f in check_reply(text, PRICES)] == ["commitment"]


@pytest.mark.parametrize(
    "text",
    [
        "Refunds are issued within 5 working days of your return reaching us.",
        "Our returns policy allows returns within 30 days of delivery.",
        "The Summit bottle costs $34.00 and international shipping is $24.95.",
        "我们收到退货后5个工作日内退款。",
        "I can check your order status for you.",
    ],
)
def test_policy_quotes_and_real_prices_pass(text):
    assert check_reply(text, PRICES) == []


def test_invented_prices_are_caught_in_any_notation():
    findings = check_reply("It is $12.50 today, or 99 USD, or ¥30, or 1,299.00 dollars.", PRICES)
    assert [f.text for f in findings] == ["$12.50", "¥30", "99 USD", "1,299.00 dollars"]


def test_only_amounts_not_bare_numbers_are_known():
    known = known_amounts(['{"price": "34.00", "capacity": "1 L"}', "Standard: $5.95"])
    assert known == {Decimal("34.00"), Decimal("5.95")}


def test_the_correction_drops_the_sentences_at_fault():
    text = "The bottle is $1.00 for you. It keeps drinks cold for 24 hours.\nI'll refund you."
    findings = check_reply(text, PRICES)
    corrected = correct_reply(text, findings, "en")
    assert "$1.00" not in corrected and "refund you" not in corrected
    assert corrected.startswith("It keeps drinks cold for 24 hours.")
    assert "can't set prices" in corrected
    assert "退款" in correct_reply(
        "我保证退款。", check_reply("我保证退款。", PRICES), "zh-hans"
    ) or (
        "refunds" in correct_reply("我保证退款。", check_reply("我保证退款。", PRICES), "zh-hans")
    )


def test_a_flagged_reply_is_saved_corrected_and_marked(shop, llm_settings):
    llm_settings.add(Reply.text("Good news: the Summit bottle is $5.00 today. I'll refund you."))
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Any deals?")
    generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.flagged
    assert {f["kind"] for f in reply.flags} == {"price", "commitment"}
    assert "$5.00" not in reply.content and "refund you" not in reply.content
    assert "Good news" not in reply.content or "can't set prices" in reply.content

"""The answer plan: intents by rules, and answers the app composes from the shop's own facts."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from django_llmshop.support import catalog
from django_llmshop.support.answering import compose, plan
from django_llmshop.support.intents import Intent, asks_for_person, classify, order_number_in
from django_llmshop.support.models import Conversation
from django_llmshop.support.passages import condense
from django_llmshop.support.tools import ChatContext
from django_llmshop.support.wording import search_text
from shop.models import Product

from .conftest import CANARY_TRACKING


@pytest.mark.parametrize(
    "text",
    [
        "I want to talk to a person",
        "Can I speak with a human please?",
        "agent",
        "Get me a real person",
        "connect me to customer service",
        "I need a customer service representative",
        "转人工",
        "我要人工客服",
        "可以找真人吗",
    ],
)
def test_requests_for_a_person(text):
    assert asks_for_person(text)
    assert classify(text).intent == Intent.HANDOFF


@pytest.mark.parametrize(
    "text",
    ["What is your return policy?", "Is the bottle made of steel?", "人们喜欢这个吗", "hello"],
)
def test_other_messages_are_no_request_for_a_person(text):
    assert not asks_for_person(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Where is order LS-100231?", "LS-100231"),
        ("status of ls-100241 please", "LS-100241"),
        ("订单 LS-100245 怎么样了", "LS-100245"),
        ("my order #1002317", "1002317"),
        ("What is 30-day return?", None),
    ],
)
def test_order_numbers(text, number):
    assert order_number_in(text) == number


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Where is my order?", Intent.ORDER),
        ("Has my package shipped yet?", Intent.ORDER),
        ("我的订单到哪了？", Intent.ORDER),
        ("What is your return policy?", Intent.POLICY),
        ("Do you ship to Canada?", Intent.POLICY),
        ("退货政策是什么？", Intent.POLICY),
        ("Tell me a joke", Intent.OTHER),
    ],
)
def test_classify_without_catalog(text, intent):
    assert classify(text).intent == intent


@pytest.fixture
def ctx(shop):
    catalog.clear()
    conversation = Conversation.objects.create(user=shop.alice, language="en")
    return ChatContext(conversation=conversation, user=shop.alice)


def answer(ctx, question):
    planned = plan(question)
    with override("en"):
        return planned, compose(ctx, planned)


def test_return_policy_answer_quotes_the_page_with_a_citation(ctx):
    planned, text = answer(ctx, "How many days do I have to return an item?")
    assert planned.intent == Intent.POLICY
    assert "30 days" in text
    cited = ctx.sources.cited_by(text)
    assert cited and all(f"[{c['id']}]" in text for c in cited)
    assert cited[0]["url"] == "/pages/returns-policy/"


@pytest.mark.parametrize(
    "question", ["Can I return something after 3 weeks?", "Can I return a mug after two weeks?"]
)
def test_a_question_about_a_time_limit_quotes_the_passage_that_states_it(ctx, question):
    # "something" must not pull in "If something arrives broken", nor "3" a list item "3."
    planned, text = answer(ctx, question)
    assert planned.intent == Intent.POLICY
    assert "30 days" in text
    assert "/pages/returns-policy/" in {c["url"] for c in ctx.sources.cited_by(text)}


def test_the_search_text_leaves_out_small_talk_and_bare_numbers():
    assert search_text("Can I return something after 3 weeks?").split() == [
        "return", "after", "weeks?"
    ]  # fmt: skip
    assert "return" in search_text("退货政策")


def test_gift_wrapping_answer_comes_from_the_faq(ctx):
    planned, text = answer(ctx, "Do you offer gift wrapping?")
    assert planned.intent == Intent.POLICY
    assert "gift" in text.lower()
    assert "not" in text.lower()


def test_chinese_policy_question_finds_the_english_page(ctx):
    planned, text = answer(ctx, "退货政策是什么？")
    assert planned.intent == Intent.POLICY
    assert "30 days" in text


def test_own_order_by_number(ctx):
    planned, text = answer(ctx, "Where is my order LS-100241?")
    assert planned.intent == Intent.ORDER
    assert "LS-100241" in text
    assert "shipped" in text and "UPS" in text
    assert "1Z4F83E20399451208" in text


@pytest.mark.parametrize("number", ["LS-100233", "LS-999999"])
def test_another_shoppers_order_reads_like_a_missing_one(ctx, number):
    _, text = answer(ctx, f"What is the status of order {number}?")
    assert CANARY_TRACKING not in text
    assert text == (
        f"I can't find an order {number} in your account. Please check the number; all your "
        "orders are listed under My orders."
    )


def test_recent_orders_without_a_number(ctx):
    planned, text = answer(ctx, "Where is my order?")
    assert planned.intent == Intent.ORDER
    for number in ("LS-100245", "LS-100241", "LS-100236"):
        assert number in text
    assert CANARY_TRACKING not in text


def test_anonymous_order_question_asks_to_log_in(shop):
    conversation = Conversation.objects.create(language="en")
    ctx = ChatContext(conversation=conversation, user=None)
    _, text = answer(ctx, "Where is my order?")
    assert "log in" in text


def test_product_price_from_the_record(ctx):
    product = Product.objects.get(sku="FH-OD-001")
    planned, text = answer(ctx, "How much is the Ridge Daypack?")
    assert planned.intent == Intent.PRODUCT
    assert planned.products[0] == product
    assert f"${product.price}" in text
    assert product.get_absolute_url() in text


def test_product_attribute_from_the_record(ctx):
    planned, text = answer(ctx, "How heavy is the Ridge Daypack?")
    assert planned.intent == Intent.PRODUCT
    assert "Weight: 780 g" in text
    assert "$" not in text  # the price was not asked for


def test_handoff_marks_the_conversation(ctx):
    planned, text = answer(ctx, "I want to talk to a person")
    assert planned.intent == Intent.HANDOFF
    assert ctx.handed_off
    ctx.conversation.refresh_from_db()
    assert ctx.conversation.status == Conversation.Status.HANDED_OFF
    assert "person" in text


def test_other_questions_are_left_to_the_model(ctx):
    planned, text = answer(ctx, "Tell me a joke")
    assert planned.intent == Intent.OTHER
    assert text is None


def test_condense_keeps_the_sentences_about_the_question():
    from django_llmshop.support.retrieval import Hit

    text = "\n".join(
        [
            "We love our customers and write",
            "long pages.",
            "- Returns are accepted within 30 days of delivery.",
            "Our office dog is called Max.",
        ]
        * 8
    )
    hit = Hit(1, 1, "Returns", "Returns › Rules", text, "/pages/returns/", "policy", 1.0)
    quoted = condense("How many days for returns?", [hit])
    assert quoted[0] == (0, "- Returns are accepted within 30 days of delivery.")
    assert "We love our customers and write long pages." not in [q for _i, q in quoted]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_widgets_person_button_message_asks_for_a_person(language):
    from django.utils.translation import gettext

    with override(language):
        text = gettext("I would like to talk to a person, please.")
    assert (text != "I would like to talk to a person, please.") == (language != "en")
    assert asks_for_person(text)

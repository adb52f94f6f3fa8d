"""In a real browser, on the bundled local model (llama.cpp with SmolLM2-135M), as a new shop
meets the chat: a policy question gets the policy's figure with a citation link that works, and
the widget's "Talk to a person" control hands the conversation to the team."""

from __future__ import annotations

import pytest

from django_llmshop.support.models import Conversation, Message
from shop.models import Product
from tests import worker_settings
from tests.conftest import missing_service

# The bundled model's server, started once for this module (the fixture of the client tests).
from tests.integration.test_local_model import local_server  # noqa: F401
from tests.support.test_browser import watch_reply

pytestmark = [pytest.mark.local_model, pytest.mark.slow]


@pytest.fixture
def small_model_worker(transactional_db, tmp_path, local_server, settings):  # noqa: F811
    from tests.worker import database_url, worker_process

    if database_url() is None:
        missing_service("a worker needs a file or server database (LLMSHOP_TEST_SQLITE)")
    endpoint = {
        "BASE_URL": local_server.base_url,
        "MODEL": local_server.model,
        "MAX_RETRIES": 0,
        "CAPABILITY": "small",
        "SUPPORTS_TOOLS": False,
    }
    settings.LLMSHOP = {**worker_settings.LLMSHOP, "ENDPOINTS": {"default": endpoint}}
    env = {
        "LLMSHOP_TEST_FAKE_URL": local_server.base_url,
        "LLMSHOP_TEST_MODEL": local_server.model,
        "LLMSHOP_TEST_CAPABILITY": "small",
        "LLMSHOP_TEST_TIMEOUT": "120",
    }
    with worker_process(
        tmp_path,
        pool="threads",
        concurrency=2,
        queues="llmshop_chat",
        env=env,
        settings_module="tests.worker_settings",
    ) as process:
        yield process


def open_chat(page, live_server):
    product = Product.objects.filter(is_active=True).order_by("pk").first()
    page.goto(live_server.url + product.get_absolute_url())
    page.locator(".llmshop-chat__toggle").click()
    page.get_by_role("dialog", name="Support").wait_for()


def test_a_policy_question_is_answered_with_its_figure_and_a_working_citation(
    transactional_db, shop, small_model_worker, live_server, page
):
    open_chat(page, live_server)
    page.get_by_label("Your message").fill("How many days do I have to return an item?")
    page.keyboard.press("Enter")
    final = watch_reply(page, timeout=60)[-1]
    assert "30 days" in final
    body = page.locator(".llmshop-chat__msg--assistant .llmshop-chat__body").last
    link = body.locator("a[href='/pages/returns-policy/']").first
    link.wait_for()
    link.click()
    page.wait_for_url("**/pages/returns-policy/")
    assert "30 days" in page.locator("main").inner_text()


def test_the_talk_to_a_person_control_hands_off_and_the_bot_stays_silent(
    transactional_db, shop, small_model_worker, live_server, page
):
    open_chat(page, live_server)
    page.get_by_role("button", name="Talk to a person").click()
    final = watch_reply(page, timeout=60)[-1]
    assert "person from our team" in final
    conversation = Conversation.objects.get()
    assert conversation.status == Conversation.Status.HANDED_OFF
    assert conversation.handoffs.count() == 1

    page.get_by_label("Your message").fill("Hello? Is anyone there?")
    page.keyboard.press("Enter")
    page.locator(".llmshop-chat__msg--user", has_text="anyone there").wait_for()
    page.locator(".llmshop-chat__notice", has_text="will reply here").last.wait_for()
    assert conversation.messages.filter(role=Message.Role.ASSISTANT).count() == 1
    assert page.locator(".llmshop-chat__msg--assistant").count() == 1

"""In a real browser, under the example shop's Content-Security-Policy: the chat widget on a
product page (with its recommendations block) and the content review pages of the admin.

Every violation the page reports (the ``securitypolicyviolation`` event and the console) is
recorded; a script the test adds inline at the end shows that the recorder sees violations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from django_llmshop.testing import Reply
from shop.models import Product

#: Runs before the page's own scripts on every page: each violation the page reports is passed
#: to the test through an exposed function, which outlives navigations.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.reportCspViolation(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " at " +
    (event.sourceFile || "?") + ":" + event.lineNumber
  );
});
"""
ANSWER = "Yes: this bottle keeps drinks **cold for a whole day**. Anything else?"


@pytest.fixture
def csp_live_server(csp_settings: Any, transactional_db: None, llm_server: Any) -> Iterator[Any]:
    """A live server started after the settings above (a server builds its middleware once);
    tasks run inline, against the fake model."""
    from pytest_django.live_server_helper import LiveServer

    csp_settings.CELERY_TASK_ALWAYS_EAGER = True
    csp_settings.LLMSHOP = {
        **csp_settings.LLMSHOP,
        "ENDPOINTS": {
            "default": {"BASE_URL": llm_server.base_url, "MODEL": "fake-model", "MAX_RETRIES": 0}
        },
    }
    server = LiveServer("localhost:0")
    yield server
    server.stop()


def watch(page: Any) -> list[str]:
    """The page's CSP violations, and the console's reports of them, as they come."""
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    page.expose_function("reportCspViolation", report)
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    page.on("console", on_console)
    return violations


def log_in(page: Any, server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.url}])


def refused_inline_script(page: Any, violations: list[str]) -> bool:
    """The recorder works: an inline script added to the page is refused, and reported."""
    before = len(violations)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = 1'; document.body.append(s); }"
    )
    for _ in range(50):  # the event and the console message arrive in either order
        new = violations[before:]
        if any(v.startswith("script-src") for v in new) and any(
            v.startswith("console:") for v in new
        ):
            break
        page.wait_for_timeout(100)
    return len(violations) - before == 2 and page.evaluate("window.inlineRan") is None


@pytest.mark.slow
def test_the_chat_widget_works_under_the_policy(
    demo_shop: Any, csp_live_server: Any, llm_server: Any, page: Any
) -> None:
    llm_server.add(Reply.text(ANSWER))
    violations = watch(page)
    product = Product.objects.order_by("pk").first()
    response = page.goto(csp_live_server.url + product.get_absolute_url())
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")  # htmx has processed the page, the blocks loaded
    # Both blocks loaded: the recommendations and "frequently bought together".
    assert page.locator(".llmshop-recommendations").count() == 2

    page.locator(".llmshop-chat__toggle").click()
    page.get_by_role("dialog", name="Support").wait_for()
    page.get_by_label("Your message").fill("Does this bottle keep drinks cold?")
    page.keyboard.press("Enter")
    page.locator(".llmshop-chat__msg--user", has_text="keep drinks cold").wait_for()
    reply = page.locator(".llmshop-chat__msg--assistant").last
    reply.locator("[data-action=rate]").first.wait_for()  # streamed in, done
    assert reply.locator("strong", has_text="cold for a whole day").count() == 1

    seen = list(violations)
    assert refused_inline_script(page, violations)
    assert seen == []


def description_writer(request: Any) -> Reply | None:
    """A model that writes a product description for any content prompt."""
    if request.path != "/v1/chat/completions":
        return None
    body = {"description": "A steel bottle for cold drinks.", "bullets": ["Stainless steel"]}
    return Reply.text(json.dumps(body))


@pytest.mark.slow
def test_the_content_admin_pages_work_under_the_policy(
    demo_shop: Any, csp_live_server: Any, llm_server: Any, page: Any
) -> None:
    from django.contrib.auth import get_user_model

    from django_llmshop.content.models import Draft

    llm_server.responder = description_writer
    violations = watch(page)
    log_in(page, csp_live_server, get_user_model().objects.get(username="admin"))
    product = Product.objects.order_by("pk").first()
    page.goto(f"{csp_live_server.url}/admin/shop/product/?q={product.sku}")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "llmshop_generate_description")
    page.click("button[name=index]")
    page.click("input[name=post]")  # the confirmation page
    page.locator("#llmshop-job-progress .llmshop-percent", has_text="100 %").wait_for()

    draft = Draft.objects.get()
    page.goto(f"{csp_live_server.url}/admin/llmshop_content/draft/{draft.pk}/change/")
    page.locator(".llmshop-review").wait_for()
    assert page.locator(".llmshop-review").get_attribute("data-draft-id") == str(draft.pk)
    assert violations == []
    assert refused_inline_script(page, violations)

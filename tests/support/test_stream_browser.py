"""In a real browser, with Django under uvicorn (ASGI) in its own process: a reply streams
into the widget from a real worker; a reply that fails shows its retry, which then streams.

The widget's page, the message POST and the stream are all served by uvicorn, so the stream
view runs its async iterator under a real ASGI server, as in production.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from django_llmshop.support.models import Message
from django_llmshop.testing import Reply
from shop.models import Product
from tests.support.test_browser import ANSWER, VISIBLE_START, chat_worker, watch_reply

__all__ = ["chat_worker"]  # the fixture, used by name below

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def asgi_server(chat_worker, llm_server, tmp_path) -> Iterator[str]:
    """uvicorn serving the test database, broker and fake model that the worker uses."""
    pytest.importorskip("uvicorn", reason="uvicorn is in the test dependency group")
    from tests.celery_app import app
    from tests.worker import database_url

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": str(database_url()),
        "CELERY_BROKER_URL": str(app.conf.broker_url),
        "LLMSHOP_TEST_BROKER_OPTIONS": repr(dict(app.conf.broker_transport_options or {})),
        "LLMSHOP_CELERY_EAGER": "0",
        "LLMSHOP_TEST_FAKE_URL": llm_server.base_url,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "uvicorn", "tests.asgi:application", "--port", str(port)]
    log = open(tmp_path / "uvicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, (tmp_path / "uvicorn.log").read_text()
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def ask(page, base_url: str, question: str):
    product = Product.objects.order_by("pk").first()
    # The page's first requests run at once, and each may start a session for a new visitor;
    # the browser keeps the cookie that came last. Ask once they are all answered.
    response = page.goto(base_url + product.get_absolute_url(), wait_until="networkidle")
    assert response.headers.get("server") == "uvicorn"
    page.locator(".llmshop-chat__toggle").click()
    page.get_by_label("Your message").fill(question)
    page.keyboard.press("Enter")
    page.locator(".llmshop-chat__msg--user", has_text=question).wait_for()


@pytest.mark.slow
def test_a_reply_streams_into_the_widget_under_uvicorn(
    transactional_db, shop, asgi_server, llm_server, page
):
    llm_server.add(Reply.text(ANSWER, ttft=0.3, token_delay=0.05))
    streams = []
    page.on("response", lambda r: streams.append(r) if "/stream/" in r.url else None)
    ask(page, asgi_server, "Does this bottle keep drinks cold?")
    samples = watch_reply(page)
    final = samples[-1]
    assert final.startswith(VISIBLE_START) and final.endswith("anything else I can help you with?")
    partial = [s for s in samples if s.startswith("Thanks") and len(s) < len(final)]
    assert partial, f"no partial text was seen before the final one: {samples}"
    assert streams and streams[0].headers["content-type"].startswith("text/event-stream")
    assert streams[0].headers.get("server") == "uvicorn"
    body = page.locator(".llmshop-chat__msg--assistant .llmshop-chat__body").last
    assert body.locator("script, img").count() == 0
    assert page.evaluate("window.llmshopOwned") is None
    assert Message.objects.get(role=Message.Role.ASSISTANT).status == Message.Status.DONE


@pytest.mark.slow
def test_a_failed_reply_shows_its_retry_under_uvicorn(
    transactional_db, shop, asgi_server, llm_server, page
):
    llm_server.add(Reply.error(500))
    ask(page, asgi_server, "Where is my parcel?")
    failed = page.locator(".llmshop-chat__msg--assistant[data-status=failed]")
    failed.wait_for()  # set last, once the reply's text and buttons are in place
    retry = failed.locator("[data-action=retry]")
    assert retry.is_visible()
    assert Message.objects.get(role=Message.Role.ASSISTANT).status == Message.Status.FAILED
    llm_server.add(Reply.text(ANSWER, ttft=0.1, token_delay=0.01))
    retry.click()
    failed.wait_for(state="detached")
    final = watch_reply(page)[-1]
    assert final.startswith(VISIBLE_START)
    assert Message.objects.get(role=Message.Role.ASSISTANT).status == Message.Status.DONE

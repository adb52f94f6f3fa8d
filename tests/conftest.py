"""Shared fixtures, and the rule for tests that need a server that may be missing.

A test that needs PostgreSQL, Redis, a Celery worker or the local model skips with the reason
when it is not there; with ``LLMSHOP_REQUIRE_SERVICES=1`` (set by CI) such a skip fails instead.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import tests.celery_app  # noqa: F401  (the current Celery app, for .delay() in tests)

REQUIRE_SERVICES = os.environ.get("LLMSHOP_REQUIRE_SERVICES") == "1"

# The django-oscar shop's tests need its own settings, and the other tests need theirs:
# scripts/test runs each in a pytest run of its own. pytest-django has put the active settings
# module in the environment by the time this module is imported.
OSCAR_SETTINGS = "tests.oscar_shop.settings"
# The same for the multilingual shop (django-modeltranslation and django-parler installed).
MULTILINGUAL_SETTINGS = "tests.multilingual.settings"
OWN_SETTINGS = {OSCAR_SETTINGS: "oscar_shop", MULTILINGUAL_SETTINGS: "multilingual"}
_own_folder = OWN_SETTINGS.get(os.environ.get("DJANGO_SETTINGS_MODULE", ""))
if _own_folder:
    collect_ignore = [
        path.name
        for path in Path(__file__).parent.iterdir()
        if path.name != _own_folder and (path.is_dir() or path.name.startswith("test_"))
    ]
else:
    collect_ignore = list(OWN_SETTINGS.values())


def missing_service(reason: str) -> None:
    """Skip the current test for a missing service, or fail it where services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def missing_redis() -> None:
    """REDIS_URL is unset: skip in the SQLite pass of scripts/test (the PostgreSQL + Redis pass
    runs the Redis variants), or count as a missing service anywhere else."""
    if os.environ.get("LLMSHOP_TEST_PASS") == "sqlite":
        pytest.skip("the Redis variant runs in the PostgreSQL + Redis pass")
    missing_service("REDIS_URL is not set")


@pytest.fixture(autouse=True)
def _language_of_the_settings_after_each_test():
    """A request through LocaleMiddleware leaves its language active in the thread (as a server
    thread's next request activates its own): put the settings' language back after each test,
    so a Chinese request does not answer a later test in Chinese."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def require_service():
    return missing_service


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real ``celery worker`` process (prefork, 2 processes) on the test database."""
    from tests.worker import database_url, worker_process

    if database_url() is None:
        missing_service(
            "a worker needs a file or server database: set LLMSHOP_TEST_SQLITE "
            "or DATABASE_URL (scripts/test does)"
        )
    with worker_process(tmp_path) as process:
        yield process


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (its own browser download is not used)."""
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_service("playwright is not installed (it is in the test dependency group)")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        missing_service("Chromium is not installed: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls that tests make
    # meanwhile are ordinary sync calls, so Django's async-safety guard is lifted for them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    # The test's database before the page: the page is then closed before the database is
    # emptied, so a request it still makes (an htmx poll) cannot run into the emptying, which
    # PostgreSQL once ended as a deadlock of the two.
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    wait_for_live_server_requests()


def wait_for_live_server_requests(timeout=60):
    """Wait for the requests the page left behind in the live server to finish.

    A page's last load can start requests of its own (htmx ``hx-trigger="load"``: the
    recommendation tracker's POST, a lazy block that re-ranks in the request when tasks run
    eagerly). Closing the page does not stop them in the server, and one still writing when the
    test database is emptied makes PostgreSQL end the two in a deadlock. The live server runs
    each connection in a thread of ``socketserver.ThreadingMixIn``, named after its target."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.name.endswith(
            "(process_request_thread)"
        ):
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's server, started only once the test database exists. Started earlier, it
    takes a file SQLite test database (LLMSHOP_TEST_SQLITE) for an in-memory one and shares the
    test's connection with its thread, which closes it after each request under the test."""
    return live_server


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, where other tests call ``asyncio.run``."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))

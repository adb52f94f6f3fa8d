"""Budgets hold across worker processes: spend passes a limit by at most one call's cost, and
the 80 % alert goes out once, however many calls cross it at the same moment.

Two real processes, four threads each, call the fake endpoint until the budget refuses them,
sharing the test database (PostgreSQL, or a file SQLite) and, in the Redis variant, Redis.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
from decimal import Decimal
from pathlib import Path

import pytest

PROCESSES = 2
THREADS = 4
LIMIT = Decimal(1)
MESSAGES = [{"role": "user", "content": "Write one line about the steel bottle"}]


def budget_settings(base_url: str, redis_url: str | None) -> dict[str, object]:
    return {
        "ENDPOINTS": {
            "default": {
                "BASE_URL": base_url,
                "MODEL": "fake",
                "MAX_CONCURRENCY": THREADS,
                "PRICE_PER_MTOK_IN": 1000.0,
                "PRICE_PER_MTOK_OUT": 1000.0,
            }
        },
        "DAILY_BUDGETS": {"content": float(LIMIT)},
        "LIMITER_REDIS_URL": redis_url,
    }


def _spend_until_refused(
    db_url: str,
    base_url: str,
    redis_url: str | None,
    mail_dir: str,
    ready: multiprocessing.synchronize.Barrier,
    counts: multiprocessing.Queue,
) -> None:
    """A worker process: THREADS threads call the model until the budget refuses them."""
    import threading

    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = db_url
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from django_llmshop.conf import llmshop_settings
    from django_llmshop.gateway import llm_for
    from django_llmshop.llm import BudgetExceededError

    settings.LLMSHOP = budget_settings(base_url, redis_url)
    llmshop_settings.reload()  # read while Django started, and no setting_changed was sent
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mail_dir
    ready.wait(120)  # both processes started Django: their calls begin together
    start = threading.Barrier(THREADS)
    made: list[int] = []

    def work() -> None:
        start.wait()
        try:
            while True:
                llm_for("content").chat(MESSAGES, max_tokens=40)
                made.append(1)
        except BudgetExceededError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts.put(len(made))


@pytest.fixture
def shared_database(transactional_db):
    from tests.conftest import missing_service
    from tests.worker import database_url

    url = database_url()
    if url is None:
        missing_service(
            "processes need a shared database: PostgreSQL (DATABASE_URL) or a file SQLite "
            "(LLMSHOP_TEST_SQLITE), as scripts/test sets"
        )
    return url


@pytest.fixture(params=["database", "redis"])
def counters(request):
    """Where the shared counters live; the Redis ones are cleared first."""
    if request.param == "database":
        return None
    url = os.environ.get("REDIS_URL")
    if not url:
        from tests.conftest import missing_redis

        missing_redis()
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match="{llmshop:budget}:*"):
        client.delete(key)
    client.close()
    return url


def test_two_processes_stay_within_one_call_of_the_limit_and_alert_once(
    shared_database, counters, tmp_path: Path, settings
):
    from django.contrib.auth.models import Permission, User

    from django_llmshop.models import BudgetAlert, LLMCall
    from django_llmshop.testing import FakeLLMServer

    staff = User.objects.create_user("ops", "ops@example.com", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="receive_budget_alerts"))
    spawn = multiprocessing.get_context("spawn")
    counts = spawn.Queue()
    ready = spawn.Barrier(PROCESSES)
    with FakeLLMServer(latency=0.2) as server:
        workers = [
            spawn.Process(
                target=_spend_until_refused,
                args=(shared_database, server.base_url, counters, str(tmp_path), ready, counts),
            )
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        made = [counts.get(timeout=240) for _ in workers]
        for worker in workers:
            worker.join(60)
        peak = server.peak_in_flight
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert all(count > 0 for count in made), made  # both processes spent
    assert peak > THREADS  # the processes' calls were in flight together

    calls = LLMCall.objects.filter(purpose="content")
    assert calls.count() == sum(made) and not calls.exclude(status="ok").exists()
    costs = list(calls.values_list("cost", flat=True))
    total, dearest = sum(costs), max(costs)
    assert LIMIT - dearest * PROCESSES * THREADS <= total, "the limit was far from used"
    assert total <= LIMIT + dearest, f"spent {total} of {LIMIT}, calls cost up to {dearest}"

    alerts = BudgetAlert.objects.filter(share=Decimal("0.8"))
    assert alerts.count() == 1
    sent = [path.read_text() for path in tmp_path.iterdir()]
    assert sum("80%" in text for text in sent) == 1, sent

"""Transient database errors: which they are, retries in process, and tasks sent again."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from celery import shared_task
from django.db import IntegrityError, InterfaceError, OperationalError, transaction

from django_llmshop import taskretry
from django_llmshop.taskretry import (
    MAX_RETRIES,
    backoff,
    is_transient,
    retry_on_transient_db_errors,
    with_db_retries,
)


def locked_error(tmp_path: Path) -> OperationalError:
    """A real "database is locked" from SQLite, wrapped as Django wraps it."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin immediate")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("insert into t values (1)")
    except sqlite3.OperationalError as exc:
        error = OperationalError(*exc.args)
        error.__cause__ = exc
        return error
    finally:
        other.close()
        holder.close()
    raise AssertionError("the second writer was not locked out")


def with_cause(cause: BaseException) -> OperationalError:
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


def test_transient_errors_are_recognised(tmp_path: Path) -> None:
    assert is_transient(locked_error(tmp_path))
    assert is_transient(with_cause(psycopg.errors.SerializationFailure("conflict")))
    assert is_transient(with_cause(psycopg.errors.DeadlockDetected("deadlock")))
    assert is_transient(OperationalError("server closed the connection unexpectedly"))
    assert is_transient(InterfaceError("connection already closed"))


def test_lasting_errors_are_not_transient() -> None:
    assert not is_transient(OperationalError("no such table: llmshop_content_draft"))
    assert not is_transient(IntegrityError("UNIQUE constraint failed"))
    assert not is_transient(with_cause(psycopg.errors.UndefinedTable("no such relation")))
    assert not is_transient(ValueError("database is locked"))  # not a database error


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    for attempt in range(8):
        full = min(60.0, 2.0**attempt)
        assert 0.75 * full <= backoff(attempt) <= full
    assert backoff(30) <= 60.0


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(taskretry.time, "sleep", waited.append)
    return waited


def failing(times: int, error: Exception, calls: list[int]) -> Any:
    def work() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "stored"

    return work


@pytest.mark.django_db(transaction=True)
def test_a_write_is_tried_again_after_a_lock(tmp_path: Path, sleeps: list[float]) -> None:
    calls: list[int] = []
    assert with_db_retries(failing(2, locked_error(tmp_path), calls)) == "stored"
    assert len(calls) == 3
    assert len(sleeps) == 2 and sleeps[0] < sleeps[1]


@pytest.mark.django_db(transaction=True)
def test_a_lasting_error_is_raised_at_once(sleeps: list[float]) -> None:
    calls: list[int] = []
    with pytest.raises(OperationalError, match="no such table"):
        with_db_retries(failing(1, OperationalError("no such table: x"), calls))
    assert len(calls) == 1 and not sleeps


@pytest.mark.django_db(transaction=True)
def test_retries_in_process_end(tmp_path: Path, sleeps: list[float]) -> None:
    calls: list[int] = []
    with pytest.raises(OperationalError, match="locked"):
        with_db_retries(failing(99, locked_error(tmp_path), calls), attempts=3)
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_no_retry_inside_the_callers_transaction(tmp_path: Path, sleeps: list[float]) -> None:
    calls: list[int] = []
    with transaction.atomic(), pytest.raises(OperationalError):
        with_db_retries(failing(1, locked_error(tmp_path), calls))
    assert len(calls) == 1


#: How many times the test task below failed, and with what.
FLAKY: dict[str, Any] = {"fail": 0, "calls": 0, "error": None}


@shared_task(name="tests.taskretry.flaky", ignore_result=False)
@retry_on_transient_db_errors
def flaky_task(value: str) -> str:
    FLAKY["calls"] += 1
    if FLAKY["calls"] <= FLAKY["fail"]:
        raise FLAKY["error"]
    return value


@pytest.fixture
def flaky(tmp_path: Path) -> dict[str, Any]:
    FLAKY.update(fail=0, calls=0, error=locked_error(tmp_path))
    return FLAKY


@pytest.mark.django_db(transaction=True)
def test_a_task_is_sent_again_after_a_transient_error(flaky: dict[str, Any]) -> None:
    flaky["fail"] = 2
    result = flaky_task.apply(args=("done",))
    assert result.get() == "done"
    assert flaky["calls"] == 3


@pytest.mark.django_db(transaction=True)
def test_a_task_gives_up_after_the_last_retry(flaky: dict[str, Any]) -> None:
    flaky["fail"] = 99
    result = flaky_task.apply(args=("done",))
    with pytest.raises(OperationalError, match="locked"):
        result.get()
    assert flaky["calls"] == MAX_RETRIES + 1


@pytest.mark.django_db(transaction=True)
def test_a_task_is_not_retried_for_a_lasting_error(flaky: dict[str, Any]) -> None:
    flaky.update(fail=1, error=OperationalError("no such table: x"))
    with pytest.raises(OperationalError, match="no such table"):
        flaky_task.apply(args=("done",)).get()
    assert flaky["calls"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_called_as_a_function_raises_at_once(flaky: dict[str, Any]) -> None:
    flaky["fail"] = 1
    with pytest.raises(OperationalError, match="locked"):
        flaky_task("done")
    assert flaky["calls"] == 1

"""The content, chat and recommendation tasks are sent again after a transient database error."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import OperationalError

from django_llmshop import taskretry
from django_llmshop.content import tasks as content_tasks
from django_llmshop.recommend import tasks as recommend_tasks
from django_llmshop.support import tasks as support_tasks

pytestmark = pytest.mark.django_db(transaction=True)

#: (task, module holding the work it runs, the work's name, its arguments, what the work returns)
TASKS = [
    (content_tasks.generate_chunk, "django_llmshop.content.tasks", "run_items", (1, []), None),
    (content_tasks.regenerate, "django_llmshop.content.tasks", "regenerate_one", (1,), None),
    (
        support_tasks.generate_reply_task,
        "django_llmshop.support.replies",
        "generate_reply",
        (1,),
        True,
    ),
    (support_tasks.sync_pages_task, "django_llmshop.support.knowledge", "sync_pages", (), {}),
    (
        recommend_tasks.train_task,
        "django_llmshop.recommend.training",
        "train",
        (),
        SimpleNamespace(pk=7),
    ),
    (
        recommend_tasks.purge_events_task,
        "django_llmshop.recommend.retention",
        "purge_events",
        (),
        0,
    ),
    (
        recommend_tasks.rerank_task,
        "django_llmshop.recommend.rerank",
        "rerank",
        ("key", [], [], "en"),
        True,
    ),
]


@pytest.mark.parametrize(
    ("task", "module", "name", "args", "returns"), TASKS, ids=[t[0].name for t in TASKS]
)
def test_the_task_is_retried_after_a_lock(
    monkeypatch: pytest.MonkeyPatch, task: Any, module: str, name: str, args: Any, returns: Any
) -> None:
    monkeypatch.setattr(taskretry.time, "sleep", lambda seconds: None)
    calls: list[int] = []

    def work(*given: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return returns

    monkeypatch.setattr(f"{module}.{name}", work)
    task.apply(args=args).get()
    assert len(calls) == 2

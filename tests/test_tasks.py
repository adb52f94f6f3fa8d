"""Core tasks, inline and on a real worker process."""

from datetime import timedelta

from django.utils import timezone

from django_llmshop.models import LLMCall
from django_llmshop.tasks import purge_call_log, purge_call_log_task
from tests.worker import wait_for


def make_call(days_old: int) -> LLMCall:
    return LLMCall.objects.create(
        purpose="content",
        endpoint="default",
        model="m",
        operation="chat",
        status="ok",
        created_at=timezone.now() - timedelta(days=days_old),
    )


def test_purge_keeps_recent_calls(db, settings):
    settings.LLMSHOP = {"CALL_LOG_RETENTION_DAYS": 30}
    old, recent = make_call(31), make_call(29)
    assert purge_call_log() == 1
    assert list(LLMCall.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not LLMCall.objects.filter(pk=old.pk).exists()


def test_purge_disabled_with_none(db, settings):
    settings.LLMSHOP = {"CALL_LOG_RETENTION_DAYS": None}
    make_call(400)
    assert purge_call_log() == 0
    assert LLMCall.objects.count() == 1


def test_purge_runs_on_a_real_worker(celery_worker_process):
    make_call(200)
    keep = make_call(1)
    purge_call_log_task.delay()
    wait_for(lambda: LLMCall.objects.count() == 1, timeout=60)
    assert LLMCall.objects.get().pk == keep.pk

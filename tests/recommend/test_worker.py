"""Training on a real Celery worker (prefork, 2 processes) over the shared test database."""

from __future__ import annotations

from django_llmshop.recommend.models import ItemNeighbour, TrainedModel
from django_llmshop.recommend.services import recommend_for
from django_llmshop.recommend.tasks import train_task
from tests.worker import wait_for

from .conftest import add_events


def test_the_training_task_runs_on_a_worker(celery_worker_process, history):
    train_task.delay()
    model = wait_for(
        lambda: TrainedModel.objects.filter(status=TrainedModel.Status.ACTIVE).first(),
        timeout=90,
    )
    assert model.events == 180 and ItemNeighbour.objects.filter(model=model).exists()
    b = history.bottles
    add_events("me", [b[0]])
    assert recommend_for("me", k=1)[0].product_id == str(b[1].pk)

"""A job on a real Celery worker (prefork, 2 processes): drafts, approve, publish, revert."""

from __future__ import annotations

import pytest

from django_llmshop.content.models import ContentVersion, Draft, GenerationJob
from django_llmshop.content.services import revert_version
from tests.conftest import missing_service
from tests.worker import database_url, wait_for, worker_process

JOBS = "/llmshop/api/content/jobs/"


@pytest.fixture
def content_worker(transactional_db, tmp_path, model):
    """``celery_worker_process``, with the worker calling this test's fake model server."""
    if database_url() is None:
        missing_service(
            "a worker needs a file or server database: set LLMSHOP_TEST_SQLITE or DATABASE_URL"
        )
    env = {"LLMSHOP_TEST_FAKE_URL": model.base_url}
    settings_module = "tests.worker_settings"
    with worker_process(tmp_path, env=env, settings_module=settings_module) as process:
        yield process


def test_job_of_three_products_on_a_real_worker(content_worker, catalog, admin_client, admin_user):
    originals = {p.pk: p.description for p in catalog}
    response = admin_client.post(
        JOBS,
        {"kind": "description", "product_ids": [p.pk for p in catalog]},
        content_type="application/json",
    )
    assert response.status_code == 202
    job_id = response.json()["id"]

    def finished():
        job = GenerationJob.objects.get(pk=job_id)
        return job if job.finished else None

    job = wait_for(finished, timeout=90)
    assert (job.status, job.total, job.done, job.failed) == ("done", 3, 3, 0)
    assert admin_client.get(f"{JOBS}{job_id}/").json()["status"] == "done"
    drafts = list(Draft.objects.filter(job=job).order_by("product_id"))
    assert len(drafts) == 3 and all(d.has_findings and "1000 ml" in d.text for d in drafts)

    product = catalog[0]
    response = admin_client.post(
        f"/llmshop/api/content/drafts/{drafts[0].pk}/approve/",
        {"confirm_findings": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.description == drafts[0].text
    version = ContentVersion.objects.get(draft=drafts[0])
    assert version.previous == {"description": originals[product.pk]}

    revert_version(version, admin_user)
    product.refresh_from_db()
    assert product.description == originals[product.pk]  # byte for byte
    assert Draft.objects.get(pk=drafts[0].pk).status == "ready"  # may be published again
    for other, draft in zip(catalog[1:], drafts[1:], strict=True):
        other.refresh_from_db()
        assert other.description == originals[other.pk]
        assert Draft.objects.get(pk=draft.pk).status == "ready"

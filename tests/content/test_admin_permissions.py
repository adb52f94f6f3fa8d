"""Who may generate and review: staff with the product model's change permission, no one else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from django_llmshop.content.models import Draft, GenerationJob
from django_llmshop.content.services import start_job

CHANGELIST = "admin:shop_product_changelist"


def staff(username, *codenames):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def finished_job(catalog, model, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return start_job("description", [p.pk for p in catalog[:1]], {})


def test_staff_without_change_permission_cannot_generate(client, catalog, model):
    client.force_login(staff("viewer", "view_product"))
    changelist = client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200
    assert "llmshop_generate" not in changelist.content.decode()

    for data in (
        {"action": "llmshop_generate_description", "index": 0},
        {"action": "llmshop_generate_description", "post": "yes", "languages": ["en"]},
    ):
        data["_selected_action"] = [p.pk for p in catalog]
        response = client.post(reverse(CHANGELIST), data)
        assert response.status_code in (200, 302)  # the list again, no confirmation page
        assert "estimate" not in response.content.decode().lower()
    assert not GenerationJob.objects.exists()


def test_staff_with_change_permission_can_generate_and_review(
    client, catalog, model, finished_job, django_capture_on_commit_callbacks
):
    client.force_login(staff("editor", "view_product", "change_product"))
    data = {
        "action": "llmshop_generate_seo",
        "_selected_action": [catalog[0].pk],
        "post": "yes",
        "languages": ["en"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse(CHANGELIST), data).status_code == 302
    job = GenerationJob.objects.latest("pk")
    assert job.kind == "seo" and job.created_by.username == "editor"
    draft = job.drafts.get()
    url = reverse("admin:llmshop_content_draft_change", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"_approve": "1", "confirm_findings": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


def test_staff_without_change_permission_cannot_review(client, finished_job):
    client.force_login(staff("viewer", "view_product"))
    draft = Draft.objects.get()
    urls = [
        reverse("admin:llmshop_content_draft_change", args=[draft.pk]),
        reverse("admin:llmshop_content_generationjob_change", args=[finished_job.pk]),
        reverse("llmshop:content:job_progress", args=[finished_job.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    review = reverse("admin:llmshop_content_draft_change", args=[draft.pk])
    assert client.post(review, {"_approve": "1", "confirm_findings": "on"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "ready"


def test_staff_with_only_the_drafts_view_permission_can_look_but_not_publish(client, finished_job):
    client.force_login(staff("auditor", "view_draft"))
    draft = Draft.objects.get()
    url = reverse("admin:llmshop_content_draft_change", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_approve"' not in page.content.decode()
    assert client.post(url, {"_approve": "1", "confirm_findings": "on"}).status_code == 403


def test_shoppers_cannot_reach_the_pages(client, finished_job):
    draft = Draft.objects.get()
    review = reverse("admin:llmshop_content_draft_change", args=[draft.pk])
    progress = reverse("llmshop:content:job_progress", args=[finished_job.pk])
    assert client.get(review).status_code == 302  # to the admin login
    assert client.get(progress).status_code == 403
    client.force_login(User.objects.create_user("shopper", password="pw"))
    assert client.get(review).status_code == 302
    assert client.get(progress).status_code == 403
    assert client.post(review, {"_approve": "1", "confirm_findings": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "ready"

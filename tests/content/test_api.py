"""The content JSON API: staff only, CSRF-protected; 202 jobs, drafts with findings, 409."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from django_llmshop.content.models import ContentVersion, Draft
from shop.models import Product

JOBS = "/llmshop/api/content/jobs/"
DRAFTS = "/llmshop/api/content/drafts/"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def job_id(admin_client, catalog, model, django_capture_on_commit_callbacks):
    ids = [p.pk for p in catalog]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(admin_client, JOBS, {"kind": "description", "product_ids": ids})
    assert response.status_code == 202, response.content
    return response.json()["id"]


def test_urls_are_named():
    assert reverse("llmshop:content-jobs") == JOBS
    assert reverse("llmshop:content-approve", args=[7]) == f"{DRAFTS}7/approve/"


def test_job_runs_and_drafts_carry_findings(admin_client, catalog, job_id):
    job = admin_client.get(f"{JOBS}{job_id}/").json()
    assert {k: job[k] for k in ("status", "total", "done", "failed")} == {
        "status": "done",
        "total": 3,
        "done": 3,
        "failed": 0,
    }
    drafts = admin_client.get(DRAFTS, {"product_id": catalog[1].pk}).json()
    assert len(drafts) == 1
    draft = drafts[0]
    assert draft["job"] == job_id and draft["status"] == "ready" and draft["has_findings"]
    finding = next(f for f in draft["findings"] if "1000" in f["text"])
    assert draft["text"][finding["start"] : finding["end"]] == finding["text"]
    assert set(finding) >= {"kind", "start", "end", "text", "message", "expected", "severity"}
    assert len(admin_client.get(DRAFTS, {"job": job_id}).json()) == 3
    assert admin_client.get(DRAFTS, {"job": "x"}).status_code == 400


def test_approve_needs_confirmation_then_publishes(admin_client, catalog, job_id):
    draft = Draft.objects.get(product_id=str(catalog[0].pk))
    url = f"{DRAFTS}{draft.pk}/approve/"
    refused = post(admin_client, url, {})
    assert refused.status_code == 400 and refused.json()["findings"]
    response = post(admin_client, url, {"confirm_findings": True})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published"
    assert ContentVersion.objects.get(pk=body["version"]).draft_id == draft.pk
    catalog[0].refresh_from_db()
    assert catalog[0].description == draft.text
    assert post(admin_client, url, {"confirm_findings": True}).status_code == 400  # not ready


def test_approve_after_a_merchant_edit_is_409(admin_client, catalog, job_id):
    draft = Draft.objects.get(product_id=str(catalog[0].pk))
    Product.objects.filter(pk=catalog[0].pk).update(description="Merchant's text.")
    response = post(admin_client, f"{DRAFTS}{draft.pk}/approve/", {"confirm_findings": True})
    assert response.status_code == 409
    assert response.json()["current"] == {"description": "Merchant's text."}
    assert "changed" in response.json()["detail"]
    catalog[0].refresh_from_db()
    assert catalog[0].description == "Merchant's text."
    assert not ContentVersion.objects.exists()


def test_reject(admin_client, catalog, job_id):
    draft = Draft.objects.get(product_id=str(catalog[2].pk))
    response = post(admin_client, f"{DRAFTS}{draft.pk}/reject/", {})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert post(admin_client, f"{DRAFTS}{draft.pk}/reject/", {}).status_code == 400


def test_bad_requests_are_400(admin_client, catalog, model):
    ids = [catalog[0].pk]
    assert post(admin_client, JOBS, {"kind": "poem", "product_ids": ids}).status_code == 400
    assert post(admin_client, JOBS, {"kind": "seo", "product_ids": []}).status_code == 400
    bad_language = {"kind": "seo", "product_ids": ids, "options": {"languages": ["xx"]}}
    response = post(admin_client, JOBS, bad_language)
    assert response.status_code == 400 and "LANGUAGES" in response.json()["detail"]


def test_only_staff_who_may_change_products(client, catalog, job_id):
    draft = Draft.objects.first()
    requests = [
        ("get", f"{JOBS}{job_id}/"),
        ("get", DRAFTS),
        ("post", JOBS),
        ("post", f"{DRAFTS}{draft.pk}/approve/"),
        ("post", f"{DRAFTS}{draft.pk}/reject/"),
    ]
    body = {"kind": "seo", "product_ids": [catalog[0].pk], "confirm_findings": True}
    shopper = User.objects.create_user("shopper", password="pw")
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_product"))
    for user in (None, shopper, viewer):
        if user is not None:
            client.force_login(user)
        for method, url in requests:
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, body, content_type="application/json")
            assert response.status_code in ((401, 403) if user is None else (403,)), (user, url)
    draft.refresh_from_db()
    assert draft.status == "ready"


def test_session_requests_need_the_csrf_token(admin_user, catalog, model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    body = {"kind": "seo", "product_ids": [catalog[0].pk]}
    assert post(client, JOBS, body).status_code == 403

"""Generate in Oscar's dashboard → review → approve → Oscar's own product page shows the text."""

from __future__ import annotations

import json
import re

import pytest

from django_llmshop.content.models import ContentVersion, Draft, GenerationJob
from django_llmshop.content.services import revert_version
from django_llmshop.testing import Reply

DASHBOARD = "/dashboard/catalogue/"
DESCRIPTION = (
    "The Trail Bottle holds 750 ml & keeps drinks cold on long walks.\n"
    "Its lid seals tight, so nothing leaks in a bag."
)


def copywriter(request):
    """A model that writes one description for any product it is asked about."""
    if request.path != "/v1/chat/completions":
        return None
    return Reply.text(json.dumps({"description": DESCRIPTION, "bullets": ["Holds 750 ml"]}))


@pytest.fixture
def model(llm_settings):
    llm_settings.responder = copywriter
    return llm_settings


def start_from_dashboard(client, products, action="llmshop_generate_description"):
    data = {"action": action, "selected_product": [p.pk for p in products]}
    return client.post(DASHBOARD, data, HTTP_REFERER=DASHBOARD)


def test_the_dashboard_lists_the_generate_actions(client, oscar_shop):
    client.force_login(oscar_shop.staff)
    page = client.get(DASHBOARD).content.decode()
    for name in ("llmshop_generate_description", "llmshop_summarize_reviews"):
        assert f'<option value="{name}">' in page
    assert "Generate descriptions" in page


def test_generate_review_approve_and_oscars_page_shows_it(
    client, oscar_shop, model, django_capture_on_commit_callbacks
):
    client.force_login(oscar_shop.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = start_from_dashboard(client, [oscar_shop.bottle])
    assert response.status_code == 302
    job = GenerationJob.objects.get()
    assert (job.kind, job.status, job.done, job.created_by) == (
        "description",
        "done",
        1,
        oscar_shop.staff,
    )
    assert job.options["languages"] == ["en"]
    message = str(list(response.wsgi_request._messages)[0])
    assert f"/admin/llmshop_content/generationjob/{job.pk}/change/" in message

    draft = Draft.objects.get(job=job)
    assert draft.status == Draft.Status.READY and DESCRIPTION in draft.text
    # Review: staff read the draft through the API (or the admin), then approve it.
    listed = client.get(f"/llmshop/api/content/drafts/?product_id={oscar_shop.bottle.pk}").json()
    assert [d["id"] for d in listed] == [draft.pk]
    approve = client.post(
        f"/llmshop/api/content/drafts/{draft.pk}/approve/",
        {"confirm_findings": True},
        content_type="application/json",
    )
    assert approve.status_code == 200, approve.content

    # Oscar's own product view and template print the description with |safe.
    page = client.get(oscar_shop.bottle.get_absolute_url())
    assert page.status_code == 200
    assert [t.name for t in page.templates][0] == "oscar/catalogue/detail.html"
    html = page.content.decode()
    assert "<p>The Trail Bottle holds 750 ml &amp; keeps drinks cold on long walks.<br>" in html
    assert "<p>- Holds 750 ml</p>" in html

    # Revert puts Oscar's earlier HTML back byte for byte.
    version = ContentVersion.objects.get(draft=draft)
    revert_version(version, oscar_shop.staff)
    oscar_shop.bottle.refresh_from_db()
    assert oscar_shop.bottle.description == "<p>Old <strong>steel</strong> bottle.</p>"


def test_staff_without_the_product_permission_start_nothing(client, oscar_shop, model):
    from django.contrib.auth.models import Permission

    clerk = type(oscar_shop.staff).objects.create_user("clerk", "c@example.com", "x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(clerk)
    response = start_from_dashboard(client, [oscar_shop.bottle])
    assert response.status_code in (302, 403)
    assert GenerationJob.objects.count() == 0
    if response.status_code == 302:
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any(re.search("may not generate", m) for m in messages)
    assert model.requests == []


def test_a_selection_of_nothing_starts_nothing(client, oscar_shop, model):
    client.force_login(oscar_shop.staff)
    response = client.post(DASHBOARD, {"action": "llmshop_generate_seo"}, HTTP_REFERER=DASHBOARD)
    assert response.status_code == 302
    assert GenerationJob.objects.count() == 0

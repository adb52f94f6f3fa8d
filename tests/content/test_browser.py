"""In a real browser: select products, Generate, watch progress, review, approve, see the shop."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from django.utils import timezone

from django_llmshop.content.models import Draft, GenerationJob
from shop.models import Product

#: A folder to save screenshots of the pages in (to look at them while changing templates).
SCREENSHOTS = os.environ.get("LLMSHOP_SCREENSHOTS", "")


def screenshot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def login(page, live_server, next_url):
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={next_url}")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "password")
    page.click("input[type=submit]")


@pytest.fixture
def eager(settings):
    # The job runs inside the live server's request; a worker is tested in test_worker.py.
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_generate_review_and_publish_in_the_browser(
    page, live_server, admin_user, catalog, model, eager
):
    login(page, live_server, reverse("admin:shop_product_changelist"))
    for product in catalog:
        page.check(f"input[name=_selected_action][value='{product.pk}']")
    page.select_option("select[name=action]", "llmshop_generate_description")
    page.click("button[name=index]")

    page.wait_for_selector("text=these 3 products")
    assert page.locator("[data-estimate=calls]").inner_text() == "3"
    screenshot(page, "confirm")
    page.click("input[name=post]")

    progress = page.locator("#llmshop-job-progress")
    progress.locator(".llmshop-percent", has_text="100 %").wait_for()
    assert progress.get_attribute("data-status") == "done"
    screenshot(page, "job")
    page.click("text=Review 3 drafts")

    page.click("#result_list tbody tr:first-child th a")
    review = page.locator(".llmshop-review")
    review.wait_for()
    draft = Draft.objects.get(pk=review.get_attribute("data-draft-id"))
    finding = page.locator("mark.llmshop-finding", has_text="1000 ml").first
    assert finding.is_visible()
    assert "750 ml" in (finding.get_attribute("title") or "")
    assert page.locator(".llmshop-diff del").first.is_visible()
    assert page.locator(".llmshop-diff ins").first.is_visible()
    screenshot(page, "review")
    page.click("text=Edit the proposed text")
    assert page.locator("textarea[name=description]").is_visible()
    screenshot(page, "review-edit")

    page.check("input[name=confirm_findings]")
    page.click("input[name=_approve]")
    page.wait_for_selector("text=The draft was published.")

    product = Product.objects.get(pk=draft.product_id)
    assert product.description == draft.text
    page.goto(live_server.url + product.get_absolute_url())
    assert "1000 ml" in page.locator(".description").inner_text()


def test_progress_bar_follows_a_running_job(page, live_server, admin_user, catalog):
    job = GenerationJob.objects.create(
        kind="description",
        product_ids=[str(p.pk) for p in catalog],
        status=GenerationJob.Status.RUNNING,
        total=3,
        done=1,
        started_at=timezone.now(),
    )
    login(page, live_server, reverse("admin:llmshop_content_generationjob_change", args=[job.pk]))
    percent = page.locator("#llmshop-job-progress .llmshop-percent")
    assert percent.inner_text() == "33 %"
    screenshot(page, "job-running")

    GenerationJob.objects.filter(pk=job.pk).update(done=2)
    page.locator(".llmshop-percent", has_text="67 %").wait_for()
    GenerationJob.objects.filter(pk=job.pk).update(
        done=3, status=GenerationJob.Status.DONE, finished_at=timezone.now()
    )
    page.locator(".llmshop-percent", has_text="100 %").wait_for()
    assert page.locator("#llmshop-job-progress").get_attribute("hx-get") is None
    assert page.locator("text=Review 0 drafts").is_visible()

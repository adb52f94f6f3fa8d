"""The daily page sync (a periodic task) re-imports help pages changed without a save signal."""

from __future__ import annotations

from typing import Any

from django_llmshop.support.retrieval import search
from django_llmshop.support.tasks import sync_pages_task
from shop.models import Page


def test_a_page_changed_without_a_signal_is_indexed_by_the_sync(
    shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A bulk update sends no post_save, so the page's document is not re-indexed at once.
    Page.objects.filter(slug="faq").update(body="## Gift cards\n\nQuokkaberry gift cards.")
    assert search("quokkaberry") == []
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sync_pages_task.apply().get()
    assert outcome["updated"] == 1
    assert [hit.url for hit in search("quokkaberry")][:1] == ["/pages/faq/"]

"""The knowledge base's link to the shop: help pages imported through the adapter."""

from __future__ import annotations

from typing import Any

from django_llmshop.adapters import KnowledgePage, get_adapter
from django_llmshop.support.models import KnowledgeDocument

KINDS = {choice.value for choice in KnowledgeDocument.Kind}


def upsert(page: KnowledgePage) -> str:
    """Create or update the page's document ("created", "updated" or "unchanged").

    Saving a document queues its re-indexing.
    """
    fields = {
        "title": page.title[:200],
        "body": page.body,
        "kind": page.kind if page.kind in KINDS else KnowledgeDocument.Kind.PAGE,
        "url": page.url[:300],
        "language": page.language[:16],
        "published": page.published,
    }
    document = KnowledgeDocument.objects.filter(source_key=page.key).first()
    if document is None:
        KnowledgeDocument.objects.create(source_key=page.key, **fields)
        return "created"
    if all(getattr(document, name) == value for name, value in fields.items()):
        return "unchanged"
    for name, value in fields.items():
        setattr(document, name, value)
    document.save()
    return "updated"


def sync_pages() -> dict[str, int]:
    """Import every page from the adapter; documents of pages that are gone are unpublished."""
    pages = get_adapter().knowledge_pages()
    outcomes = [upsert(page) for page in pages]
    keys = {page.key for page in pages}
    gone = 0
    for document in KnowledgeDocument.objects.exclude(source_key="").exclude(source_key__in=keys):
        if document.published:
            document.published = False
            document.save()
            gone += 1
    return {
        "pages": len(pages),
        "created": outcomes.count("created"),
        "updated": outcomes.count("updated"),
        "unpublished": gone,
    }


def sync_page(instance: Any, *, deleted: bool = False) -> None:
    """Keep one page's document in step with it (called when the page is saved or deleted)."""
    key = f"{instance._meta.label_lower}:{instance.pk}"
    if deleted:
        for document in KnowledgeDocument.objects.filter(source_key=key, published=True):
            document.published = False
            document.save()
        return
    upsert(get_adapter().knowledge_page(instance))

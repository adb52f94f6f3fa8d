"""The help pages part of the adapter: the shop's pages for the chat's knowledge base."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from django_llmshop.adapters.base import AdapterBase
from django_llmshop.adapters.records import KnowledgePage
from django_llmshop.conf import llmshop_settings


class PagesAdapter(AdapterBase):
    """Reads ``PAGE_MODEL`` rows as :class:`KnowledgePage` objects."""

    def knowledge_pages(self) -> list[KnowledgePage]:
        """The shop's help pages (``PAGE_MODEL``) for the chat's knowledge base."""
        label = llmshop_settings.PAGE_MODEL
        if not label:
            return []
        model = apps.get_model(label)
        return [self.knowledge_page(page) for page in model._default_manager.all()]

    def knowledge_page(self, page: models.Model) -> KnowledgePage:
        """One help page as the knowledge base imports it."""
        getter = getattr(page, "get_absolute_url", None)
        return KnowledgePage(
            key=f"{page._meta.label_lower}:{page.pk}",
            title=str(getattr(page, "title", page)),
            body=str(getattr(page, "body", "")),
            kind=str(getattr(page, "kind", "page")),
            url=str(getter()) if callable(getter) else "",
            language=str(getattr(page, "language", "") or ""),
            published=bool(getattr(page, "is_published", True)),
        )
